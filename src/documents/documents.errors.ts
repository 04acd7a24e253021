import type { ErrorTable } from '../platform/errors.ts';

/** Error codes of the document vault (part of the HTTP contract: never renamed). */
export const DOCUMENT_ERROR_CODES = {
  FILE_INFECTED: { status: 422, title: 'The virus scanner flagged this file' },
  SCANNER_UNAVAILABLE: {
    status: 503,
    title: 'The virus scanner is unavailable and this organization refuses unscanned uploads',
  },
  UNSUPPORTED_FILE_TYPE: { status: 415, title: 'This kind of file is not accepted' },
  FILE_TYPE_MISMATCH: { status: 415, title: 'The file name does not match the file content' },
  FILE_EMPTY: { status: 400, title: 'The file is empty' },
  FILE_MISSING: { status: 400, title: 'Send exactly one file, in the multipart field "file"' },
  TOO_MANY_FILES: { status: 400, title: 'Send exactly one file per request' },
  FILE_NAME_INVALID: { status: 400, title: 'The file name is missing or not usable' },
  MULTIPART_MALFORMED: { status: 400, title: 'The multipart body is malformed or was cut off' },
  MULTIPART_REQUIRED: { status: 415, title: 'Upload the file as multipart/form-data' },
  UPLOAD_TIMEOUT: { status: 408, title: 'The upload stalled and was abandoned' },
  QUOTA_EXCEEDED: { status: 413, title: "The organization's storage quota would be exceeded" },
  ZIP_REJECTED: {
    status: 422,
    title: 'The archive is refused: too many entries, too large once expanded, or unreadable',
  },
  LEGAL_HOLD: { status: 409, title: 'The document is under legal hold and cannot be deleted' },
  DOCUMENT_DELETED: { status: 410, title: 'The document was deleted' },
  SHARE_PASSCODE_REQUIRED: { status: 401, title: 'This link needs its passcode' },
  SHARE_PASSCODE_INVALID: { status: 401, title: 'The passcode is wrong' },
  SHARE_LINK_LOCKED: { status: 423, title: 'Too many wrong passcodes: this link is locked' },
} as const satisfies ErrorTable;

type DocumentErrorCodes = typeof DOCUMENT_ERROR_CODES;
declare module '../platform/errors.ts' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges this table's codes into ErrorCode
  interface ErrorCatalog extends DocumentErrorCodes {}
}
