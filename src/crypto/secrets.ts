import crypto from 'node:crypto';
import { deriveKey } from '../platform/crypto-basics.ts';
import type { SecretPurpose } from './sealed-columns.ts';

/**
 * Secrets at rest (TOTP seeds, webhook secrets, OAuth tokens): AES-256-GCM under a
 * key derived from the master key for one purpose, with the owner's id as
 * associated data so a ciphertext copied onto another row does not decrypt.
 * Format: `v1.<iv>.<ciphertext+tag>` (base64url).
 */
export function sealSecret(masterKey: Buffer, purpose: SecretPurpose, plaintext: string, boundTo: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', deriveKey(masterKey, `secret:${purpose}`), iv);
  cipher.setAAD(Buffer.from(boundTo));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `v1.${iv.toString('base64url')}.${ct.toString('base64url')}`;
}

export function openSecret(masterKey: Buffer, purpose: SecretPurpose, sealed: string, boundTo: string): string {
  const [version, ivText, ctText] = sealed.split('.');
  if (version !== 'v1' || !ivText || !ctText) throw new Error('unknown secret format');
  const iv = Buffer.from(ivText, 'base64url');
  const data = Buffer.from(ctText, 'base64url');
  const decipher = crypto.createDecipheriv('aes-256-gcm', deriveKey(masterKey, `secret:${purpose}`), iv);
  decipher.setAAD(Buffer.from(boundTo));
  decipher.setAuthTag(data.subarray(data.length - 16));
  return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8');
}
