/**
 * The audit bundle format and its offline verification.
 * The module's public face: other modules import from here, never from its files.
 */
export { verifyBundleFileStream } from './bundle-reader.ts';
export { bundleHeaderLine, type BundleVerdict, LeafHashList } from './bundle-v2.ts';
