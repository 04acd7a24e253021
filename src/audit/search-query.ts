import crypto from 'node:crypto';
import { deriveKey } from '../platform/crypto-basics.ts';
import type { SearchQueryDetails } from './actions.ts';

/**
 * What the audit log keeps of a free-text search: its length and an HMAC-SHA256 of it
 * under a key derived from the master key, bound to the organization. The text itself
 * never reaches the log. Keyed, so that reading the log (an auditor, a SIEM, a leaked
 * export) does not allow testing guesses ("did anyone search for <client>?") offline;
 * bound to the organization, so one firm's searches cannot be matched to another's.
 * An investigator with the server can still ask "was this exact query run?" by
 * computing the same hash.
 */
export function searchQueryDetails(
  masterKey: Buffer,
  orgId: string,
  query: string,
  results?: number,
): SearchQueryDetails {
  const queryHash = crypto
    .createHmac('sha256', deriveKey(masterKey, 'audit-search-query'))
    .update(`${orgId}\n${query}`)
    .digest('hex');
  return { queryLength: [...query].length, queryHash, ...(results === undefined ? {} : { results }) };
}
