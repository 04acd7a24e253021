import { unwrapUnderMaster, wrapUnderMaster } from '../crypto/index.ts';
import { randomBytes } from '../platform/crypto-basics.ts';

/**
 * Each export archive is sealed under its own random data key; the row keeps that
 * key wrapped under a master-key subkey, bound to the export id. Deleting the
 * wrapped key (on download, expiry or erasure) shreds the archive even if a copy of
 * the blob survived somewhere.
 */
export function newArchiveKey(): Buffer {
  return randomBytes(32);
}

// Wrapped under the master key: master-key rotation re-wraps it (crypto/sealed-columns.ts).
export const wrapArchiveKey = (masterKey: Buffer, key: Buffer, exportId: string): Buffer =>
  wrapUnderMaster(masterKey, 'privacy-export-key-wrap', key, `export:${exportId}`);

export const unwrapArchiveKey = (masterKey: Buffer, wrapped: Buffer, exportId: string): Buffer =>
  unwrapUnderMaster(masterKey, 'privacy-export-key-wrap', wrapped, `export:${exportId}`);

/** The associated data of the archive's chunked AEAD: a blob moved under another export's row fails to open. */
export const archiveContext = (exportId: string): Buffer => Buffer.from(exportId.replaceAll('-', ''), 'hex');

/** Where the sealed archive lives in the blob store. */
export const archiveBlobKey = (exportId: string): string => `privacy-exports/${exportId}`;
