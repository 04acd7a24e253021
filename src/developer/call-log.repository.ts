import { sql } from 'kysely';
import type { Tx } from '../platform/db/index.ts';

export type CallRow = {
  id: string;
  at: Date;
  api_key_id: string;
  method: string;
  route: string;
  status: number;
  ip: string | null;
  duration_ms: number | null;
};

/** The organization's API-key calls (audit.api_calls, written by audit-trail), newest first, keyset-paginated by id. */
export async function listCalls(
  tx: Tx,
  q: { keyId?: string | undefined; before?: string | undefined; limit: number },
): Promise<CallRow[]> {
  const { rows } = await sql<CallRow>`
    SELECT id::text AS id, at, api_key_id, method, route, status, ip, duration_ms FROM audit.api_calls
     WHERE org_id = chambers.current_org_id()
       ${q.keyId ? sql`AND api_key_id = ${q.keyId}` : sql``}
       ${q.before ? sql`AND id < ${q.before}::bigint` : sql``}
     ORDER BY id DESC LIMIT ${q.limit + 1}`.execute(tx);
  return rows;
}
