/**
 * Idempotency keys for retried writes.
 * The module's public face: other modules import from here, never from its files.
 */
export { IDEMPOTENCY_ERRORS } from './idempotency.errors.ts';
export { unsafePurgeExpiredIdempotencyKeys } from './idempotency.repository.ts';
export { registerIdempotency } from './idempotency.ts';
