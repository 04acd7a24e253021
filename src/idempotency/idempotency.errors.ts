import type { ErrorTable } from '../platform/errors.ts';

export const IDEMPOTENCY_ERRORS = {
  IDEMPOTENCY_KEY_INVALID: {
    status: 400,
    title: 'Idempotency-Key must be 1 to 255 printable ASCII characters, sent once',
  },
  IDEMPOTENCY_KEY_REUSED: { status: 422, title: 'This Idempotency-Key was already used with a different request' },
  IDEMPOTENCY_KEY_IN_USE: {
    status: 409,
    title: 'A request with this Idempotency-Key is still being processed; retry shortly',
  },
} as const satisfies ErrorTable;

type IdempotencyErrors = typeof IDEMPOTENCY_ERRORS;
declare module '../platform/errors.ts' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges this table's codes into ErrorCode
  interface ErrorCatalog extends IdempotencyErrors {}
}
