import type { ErrorTable } from '../platform/errors.ts';

/** Refusals of the route-access layer beyond the platform's 401/403. */
export const ACCESS_ERRORS = {
  STEP_UP_REQUIRED: { status: 401, title: 'Confirm it is you with your second factor first' },
  API_KEY_INVALID: { status: 401, title: 'The API key is unknown, revoked or expired' },
  API_KEY_IN_QUERY: { status: 400, title: 'API keys go in the X-Api-Key header, never in the URL' },
  SCOPE_MISSING: { status: 403, title: 'The API key does not hold the scope this operation needs' },
} as const satisfies ErrorTable;

type AccessErrors = typeof ACCESS_ERRORS;
declare module '../platform/errors.ts' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges this table's codes into ErrorCode
  interface ErrorCatalog extends AccessErrors {}
}
