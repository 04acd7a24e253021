import type { ErrorTable } from '../platform/errors.ts';

export const MFA_ERRORS = {
  MFA_CODE_INVALID: { status: 401, title: 'The code is wrong or was already used' },
  MFA_TOKEN_INVALID: { status: 401, title: 'The sign-in attempt has expired or failed too often; start again' },
  MFA_ALREADY_ENROLLED: { status: 409, title: 'An authenticator app is already set up; remove it first' },
  MFA_NOT_ENROLLED: { status: 409, title: 'There is no pending authenticator to confirm; enroll first' },
  WEBAUTHN_FAILED: { status: 400, title: 'The passkey could not be verified' },
} as const satisfies ErrorTable;

type MfaErrors = typeof MFA_ERRORS;
declare module '../platform/errors.ts' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges this table's codes into ErrorCode
  interface ErrorCatalog extends MfaErrors {}
}
