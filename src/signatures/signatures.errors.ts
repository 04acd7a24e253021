import type { ErrorTable } from '../platform/errors.ts';

/** Error codes of electronic signature (part of the HTTP contract: never renamed). */
export const SIGNATURE_ERRORS = {
  PDF_INVALID: { status: 422, title: 'The PDF cannot be read' },
  PDF_ENCRYPTED: { status: 422, title: 'The PDF is encrypted; send an unprotected copy' },
  PDF_NO_PAGES: { status: 422, title: 'The PDF has no pages' },
  PDF_ALREADY_SIGNED: { status: 422, title: 'The PDF already carries a digital signature' },
  FIELD_OFF_PAGE: { status: 422, title: 'A field lies outside its page' },
  FIELD_RECIPIENT_INVALID: { status: 422, title: 'A field names a recipient that does not exist or cannot sign' },
  ENVELOPE_NOT_DRAFT: { status: 409, title: 'Only a draft envelope can be sent' },
  ENVELOPE_NOT_OPEN: { status: 409, title: 'The envelope is already completed, declined, voided or expired' },
  ENVELOPE_NOT_COMPLETED: { status: 409, title: 'The envelope is not completed yet' },
  ENVELOPE_CLOSED: { status: 410, title: 'This signing link is no longer valid' },
  NOT_YOUR_TURN: { status: 409, title: 'Another recipient must act first' },
  CONSENT_REQUIRED: { status: 409, title: 'Accept the electronic records disclosure first' },
  DISCLOSURE_OUTDATED: { status: 409, title: 'The disclosure changed; read and accept the current version' },
  FIELD_REQUIRED: { status: 422, title: 'A required field is missing' },
  FIELD_INVALID: { status: 422, title: 'A field value is not valid for its field' },
  SIGNATURE_REQUIRED: { status: 422, title: 'A signer must sign (typed name or drawn signature)' },
  SIGNATURE_INVALID: { status: 422, title: 'The drawn signature must be a PNG image' },
  VERIFY_FILE_MISSING: { status: 400, title: 'Send the PDF in the multipart field "file"' },
  SEAL_CERTIFICATE_INVALID: { status: 422, title: 'The seal certificate file cannot be used' },
} as const satisfies ErrorTable;

type SignatureErrorCodes = typeof SIGNATURE_ERRORS;
declare module '../platform/errors.ts' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges this table's codes into ErrorCode
  interface ErrorCatalog extends SignatureErrorCodes {}
}
