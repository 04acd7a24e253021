import { ACCESS_ERRORS } from './access/index.ts';
import { AUTH_ERRORS } from './auth/index.ts';
import { DEVELOPER_ERRORS } from './developer/index.ts';
import { DOCUMENT_ERROR_CODES } from './documents/index.ts';
import { AI_ERRORS } from './ai/index.ts';
import { HTTP_ERRORS } from './http/index.ts';
import { IDEMPOTENCY_ERRORS } from './idempotency/index.ts';
import { JUDICIAL_ERRORS } from './judicial/index.ts';
import { CLIENT_ERRORS } from './clients/index.ts';
import { MATTER_ERRORS } from './matters/index.ts';
import { MATTER_WORK_ERRORS } from './matter-work/index.ts';
import { CALENDAR_ERRORS } from './calendar/index.ts';
import { MFA_ERRORS } from './mfa/index.ts';
import { ORG_ERRORS } from './orgs/index.ts';
import { PLATFORM_ERRORS, type ErrorTable } from './platform/errors.ts';
import { PRIVACY_ERRORS } from './privacy/index.ts';
import { SSRF_ERRORS } from './platform/outbound/index.ts';
import { SESSION_ERRORS } from './sessions/index.ts';
import { WEBHOOK_ERRORS } from './webhooks/index.ts';
import { SIGNATURE_ERRORS } from './signatures/index.ts';

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
  AI_ERRORS,
  WEBHOOK_ERRORS,
  SIGNATURE_ERRORS,
  DEVELOPER_ERRORS,
  JUDICIAL_ERRORS,
  CLIENT_ERRORS,
  MATTER_ERRORS,
  MATTER_WORK_ERRORS,
  CALENDAR_ERRORS,
  ORG_ERRORS,
  PRIVACY_ERRORS,
];
