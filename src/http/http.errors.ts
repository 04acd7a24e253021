import type { ErrorTable } from '../platform/errors.ts';

/** Refusals of the server plumbing itself. */
export const HTTP_ERRORS = {
  RATE_LIMIT_UNAVAILABLE: {
    status: 503,
    title: 'The rate-limit store is unavailable; sign-in is paused until it is back',
  },
} as const satisfies ErrorTable;

type HttpErrors = typeof HTTP_ERRORS;
declare module '../platform/errors.ts' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges this table's codes into ErrorCode
  interface ErrorCatalog extends HttpErrors {}
}
