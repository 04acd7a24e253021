import type { ErrorTable } from '../platform/errors.ts';

/** Error codes of judges' chambers (part of the HTTP contract: never renamed). */
export const JUDICIAL_ERRORS = {
  CASE_NUMBER_TAKEN: { status: 409, title: 'This court already has a case with that number' },
  HEARING_IN_PAST: { status: 422, title: 'A hearing cannot be scheduled in the past' },
  ORDER_ISSUED: { status: 409, title: 'The order is issued and can no longer be changed' },
  NOT_A_CLERK: { status: 422, title: 'Cases are shared only with clerks of this court' },
  JUDICIAL_MFA_REQUIRED: {
    status: 403,
    title: 'Judges and clerks work only in a session verified with a second factor',
  },
} as const satisfies ErrorTable;

type JudicialErrors = typeof JUDICIAL_ERRORS;
declare module '../platform/errors.ts' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges this table's codes into ErrorCatalog
  interface ErrorCatalog extends JudicialErrors {}
}
