/**
 * Keys and ciphers: chunked AES-GCM, key wrapping, organization keyrings, sealed secrets, master-key rotation.
 * The module's public face: other modules import from here, never from its files.
 */
export { createDecryptStream, createEncryptStream } from './chunked-aead.ts';
export { masterKeyCheck } from './master-key-check.ts';
export { unsafeRotateMasterKey } from './master-key-rotation.ts';
export { type MasterWrapPurpose, unwrapUnderMaster, wrapUnderMaster } from './master-wrap.ts';
export { createOrgKeyring, type OrgKeyring } from './org-keyring.ts';
export { SECRET_PURPOSE } from './sealed-columns.ts';
export { openSecret, sealSecret } from './secrets.ts';
