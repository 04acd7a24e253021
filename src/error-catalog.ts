import { ACCESS_ERRORS } from './access/index.ts';
import { AUTH_ERRORS } from './auth/index.ts';
import { DOCUMENT_ERROR_CODES } from './documents/index.ts';
import { HTTP_ERRORS } from './http/index.ts';
import { IDEMPOTENCY_ERRORS } from './idempotency/index.ts';
import { MFA_ERRORS } from './mfa/index.ts';
import { PLATFORM_ERRORS, type ErrorTable } from './platform/errors.ts';
import { SSRF_ERRORS } from './platform/outbound/index.ts';
import { SESSION_ERRORS } from './sessions/index.ts';
import { WEBHOOK_ERRORS } from './webhooks/index.ts';

/**
 * Every module's error table, registered once when the app is built. A test
 * checks that each `*.errors.ts` in the tree is listed here.
 */
export const ERROR_TABLES: readonly ErrorTable[] = [
  PLATFORM_ERRORS,
  SSRF_ERRORS,
  ACCESS_ERRORS,
  HTTP_ERRORS,
  IDEMPOTENCY_ERRORS,
  SESSION_ERRORS,
  MFA_ERRORS,
  AUTH_ERRORS,
  DOCUMENT_ERROR_CODES,
  WEBHOOK_ERRORS,
];
