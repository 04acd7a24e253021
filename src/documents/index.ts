/**
 * The encrypted document vault: uploads, versions, downloads, policy, retention.
 * The module's public face: other modules import from here, never from its files.
 */
export { DOCUMENT_ERROR_CODES } from './documents.errors.ts';
export { unsafeBlobInUse, unsafeDocumentsPastRetention, unsafeShredForRetention } from './documents.repository.ts';
export { documentsRoutes, uploadFailure } from './documents.routes.ts';
export { retentionPreviewRoutes } from './retention-preview.ts';
export { documentHeaders, documentIdParams } from './documents.schemas.ts';
export { deleteBlobs, type Download, liveDocument, openDownload, unlockVersion } from './documents.service.ts';
export { sweepOrphanBlobs } from './orphan-sweep.ts';
export { openPlaintext } from './vault-io.ts';
// The vault's upload pipeline, reused by case documents of judges' chambers (src/judicial) under their own key.
export { readDocumentPolicy } from './document-policy.ts';
export { sanitizeFileName } from './file-name.ts';
export {
  MULTIPART_BUFFER_BYTES,
  expectNoMorePart,
  streamIntoVault,
  withIdleTimeout,
  type UploadPart,
} from './upload.service.ts';
