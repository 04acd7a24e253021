import type { ErrorTable } from '../platform/errors.ts';

/** Refusals of the route-access layer beyond the platform's 401/403. */
export const ACCESS_ERRORS = {
  STEP_UP_REQUIRED: { status: 401, title: 'Confirm it is you with your second factor first' },
} as const satisfies ErrorTable;

type AccessErrors = typeof ACCESS_ERRORS;
declare module '../platform/errors.ts' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges this table's codes into ErrorCode
  interface ErrorCatalog extends AccessErrors {}
}
