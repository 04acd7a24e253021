import { registerErrorCodes } from '../platform/errors.ts';

export const AUTH_ERRORS = {
  PASSWORD_WEAK: { status: 422, title: 'This password is too weak or too common' },
  INVALID_CREDENTIALS: { status: 401, title: 'The email address or password is wrong' },
  EMAIL_NOT_VERIFIED: { status: 403, title: 'Verify your email address first' },
  ACCOUNT_LOCKED: { status: 423, title: 'Too many failed sign-ins; the account is locked for a while' },
  CODE_INVALID: { status: 400, title: 'The code is wrong' },
  CODE_EXPIRED: { status: 400, title: 'The code has expired; ask for a new one' },
  TOKEN_INVALID: { status: 401, title: 'The access token is not valid' },
  TOKEN_EXPIRED: { status: 401, title: 'The access token has expired' },
  SESSION_REVOKED: { status: 401, title: 'This session has ended; sign in again' },
  SESSION_EXPIRED: { status: 401, title: 'This session has expired; sign in again' },
  REFRESH_TOKEN_INVALID: { status: 401, title: 'The refresh token is not valid' },
  REFRESH_TOKEN_REUSED: { status: 401, title: 'This refresh token was already used; every session of its family has been ended' },
  CSRF_TOKEN_INVALID: { status: 403, title: 'The CSRF token is missing or wrong' },
  INVITATION_INVALID: { status: 400, title: 'The invitation is invalid, used or expired' },
  CAPTCHA_REQUIRED: { status: 400, title: 'Solve the captcha to continue' },
} as const;

registerErrorCodes(AUTH_ERRORS);
