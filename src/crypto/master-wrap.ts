import crypto from 'node:crypto';
import { deriveKey, randomBytes } from '../platform/crypto-basics.ts';

/**
 * A 32-byte key wrapped directly under a purpose subkey of the master key (a
 * person's audit key, an export archive's key): AES-256-GCM, iv (12) || key || tag (16),
 * with associated data naming what it belongs to, so a wrapped key copied onto
 * another row does not unwrap. The purposes are listed in sealed-columns.ts, where
 * master-key rotation finds every column to re-wrap.
 */
export type MasterWrapPurpose = 'audit-person-key-wrap' | 'privacy-export-key-wrap';

export function wrapUnderMaster(masterKey: Buffer, purpose: MasterWrapPurpose, key: Buffer, boundTo: string): Buffer {
  const iv = randomBytes(12);
  const c = crypto.createCipheriv('aes-256-gcm', deriveKey(masterKey, purpose), iv);
  c.setAAD(Buffer.from(boundTo));
  return Buffer.concat([iv, c.update(key), c.final(), c.getAuthTag()]);
}

export function unwrapUnderMaster(
  masterKey: Buffer,
  purpose: MasterWrapPurpose,
  wrapped: Buffer,
  boundTo: string,
): Buffer {
  const d = crypto.createDecipheriv('aes-256-gcm', deriveKey(masterKey, purpose), wrapped.subarray(0, 12));
  d.setAAD(Buffer.from(boundTo));
  d.setAuthTag(wrapped.subarray(wrapped.length - 16));
  return Buffer.concat([d.update(wrapped.subarray(12, wrapped.length - 16)), d.final()]);
}
