import type { ErrorTable } from '../platform/errors.ts';

/** Error codes of the privacy lifecycle (part of the HTTP contract: never renamed). */
export const PRIVACY_ERRORS = {
  CONFIRMATION_MISMATCH: { status: 422, title: 'Type the confirmation phrase exactly: DELETE MY ACCOUNT' },
  EXPORT_LINK_INVALID: { status: 410, title: 'This download link was already used, has expired or is wrong' },
  EXPORT_NOT_READY: { status: 409, title: 'The archive is not ready yet' },
} as const satisfies ErrorTable;

type PrivacyErrorCodes = typeof PRIVACY_ERRORS;
declare module '../platform/errors.ts' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges this table's codes into ErrorCode
  interface ErrorCatalog extends PrivacyErrorCodes {}
}
