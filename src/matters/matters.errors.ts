import type { ErrorTable } from '../platform/errors.ts';

/** Error codes of matters (part of the HTTP contract: never renamed). */
export const MATTER_ERRORS = {
  REFERENCE_TAKEN: { status: 409, title: 'Another matter of this organization already has this reference' },
  MATTER_PERSON_UNKNOWN: {
    status: 422,
    title: 'The responsible lawyer and the team must be members of this organization',
  },
  MATTER_CLIENT_UNKNOWN: { status: 422, title: 'There is no such client in this organization' },
} as const satisfies ErrorTable;

type MatterErrors = typeof MATTER_ERRORS;
declare module '../platform/errors.ts' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges this table's codes into ErrorCatalog
  interface ErrorCatalog extends MatterErrors {}
}
