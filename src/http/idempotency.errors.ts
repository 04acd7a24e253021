import { registerErrorCodes } from '../platform/errors.ts';

export const IDEMPOTENCY_ERRORS = {
  IDEMPOTENCY_KEY_INVALID: { status: 400, title: 'Idempotency-Key must be 1 to 255 printable ASCII characters, sent once' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, title: 'This Idempotency-Key was already used with a different request' },
  IDEMPOTENCY_KEY_IN_USE: { status: 409, title: 'A request with this Idempotency-Key is still being processed; retry shortly' },
} as const;

registerErrorCodes(IDEMPOTENCY_ERRORS);
