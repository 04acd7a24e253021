import type { ErrorTable } from '../platform/errors.ts';

/** Error codes of clients, parties and the conflict check (part of the HTTP contract: never renamed). */
export const CLIENT_ERRORS = {
  CLIENT_UNKNOWN: { status: 422, title: 'There is no such client in this organization' },
  CLIENT_LEGAL_HOLD: {
    status: 409,
    title: 'A matter of this client is under legal hold: its personal data cannot be erased until the hold is lifted',
  },
} as const satisfies ErrorTable;

type ClientErrors = typeof CLIENT_ERRORS;
declare module '../platform/errors.ts' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges this table's codes into ErrorCatalog
  interface ErrorCatalog extends ClientErrors {}
}
