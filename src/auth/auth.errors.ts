import type { ErrorTable } from '../platform/errors.ts';

export const AUTH_ERRORS = {
  PASSWORD_WEAK: { status: 422, title: 'This password is too weak or too common' },
  INVALID_CREDENTIALS: { status: 401, title: 'The email address or password is wrong' },
  EMAIL_NOT_VERIFIED: { status: 403, title: 'Verify your email address first' },
  ACCOUNT_LOCKED: { status: 423, title: 'Too many failed sign-ins; the account is locked for a while' },
  CODE_INVALID: { status: 400, title: 'The code is wrong' },
  CODE_EXPIRED: { status: 400, title: 'The code has expired; ask for a new one' },
  INVITATION_INVALID: { status: 400, title: 'The invitation is invalid, used or expired' },
  CAPTCHA_REQUIRED: { status: 400, title: 'Solve the captcha to continue' },
  REGISTRATION_CLOSED: { status: 403, title: 'Accounts on this server are by invitation only' },
} as const satisfies ErrorTable;

type AuthErrors = typeof AUTH_ERRORS;
declare module '../platform/errors.ts' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges this table's codes into ErrorCode
  interface ErrorCatalog extends AuthErrors {}
}
