import type { ErrorTable } from '../platform/errors.ts';

/** Why a token, session or hand-off was refused. */
export const SESSION_ERRORS = {
  TOKEN_INVALID: { status: 401, title: 'The access token is not valid' },
  TOKEN_EXPIRED: { status: 401, title: 'The access token has expired' },
  SESSION_REVOKED: { status: 401, title: 'This session has ended; sign in again' },
  SESSION_EXPIRED: { status: 401, title: 'This session has expired; sign in again' },
  REFRESH_TOKEN_INVALID: { status: 401, title: 'The refresh token is not valid' },
  REFRESH_TOKEN_REUSED: {
    status: 401,
    title: 'This refresh token was already used; every session of its family has been ended',
  },
  CSRF_TOKEN_INVALID: { status: 403, title: 'The CSRF token is missing or wrong' },
  HANDOFF_INVALID: { status: 401, title: 'The hand-off code is invalid, used, or expired' },
  MEMBER_SUSPENDED: { status: 403, title: 'Your membership of this organization is suspended' },
} as const satisfies ErrorTable;

type SessionErrors = typeof SESSION_ERRORS;
declare module '../platform/errors.ts' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges this table's codes into ErrorCode
  interface ErrorCatalog extends SessionErrors {}
}
