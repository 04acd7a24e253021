/**
 * The encrypted document vault: uploads, versions, downloads, policy, retention.
 * The module's public face: other modules import from here, never from its files.
 */
export { DOCUMENT_ERROR_CODES } from './documents.errors.ts';
export { unsafeBlobInUse, unsafeDocumentsPastRetention, unsafeShredForRetention } from './documents.repository.ts';
export { documentsRoutes } from './documents.routes.ts';
export { documentHeaders, documentIdParams } from './documents.schemas.ts';
export { deleteBlobs, type Download, liveDocument } from './documents.service.ts';
export { sweepOrphanBlobs } from './orphan-sweep.ts';
export { openPlaintext } from './vault-io.ts';
