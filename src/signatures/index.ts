/**
 * Electronic signature: envelopes, the public signer flow, the PAdES seal with RFC 3161 time, and the verifier.
 * The module's public face: other modules import from here, never from its files.
 */
export { SIGNATURE_ERRORS } from './signatures.errors.ts';
export { signaturesRoutes } from './signatures.routes.ts';
export { verifyPdf, type PdfVerdict, type VerifyReason } from './pdf-verify.ts';
export { pemToDer } from './seal-keys.ts';
export { sealExpiryReadiness, SEAL_EXPIRY_WARNING_DAYS } from './seal-expiry.ts';
