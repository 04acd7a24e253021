import type { ErrorTable } from '../platform/errors.ts';

/** Error codes of clients, parties and the conflict check (part of the HTTP contract: never renamed). */
export const CLIENT_ERRORS = {
  CLIENT_UNKNOWN: { status: 422, title: 'There is no such client in this organization' },
} as const satisfies ErrorTable;

type ClientErrors = typeof CLIENT_ERRORS;
declare module '../platform/errors.ts' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges this table's codes into ErrorCatalog
  interface ErrorCatalog extends ClientErrors {}
}
