import crypto from 'node:crypto';

/**
 * Wrapping of one 32-byte key under another: AES-256-GCM with a fresh 96-bit IV
 * and associated data naming what the key is for, so a wrapped key copied onto
 * another organization or version does not unwrap.
 * Layout: 0x01 (format) || iv (12) || wrapped key (32) || tag (16) = 61 bytes.
 */
const FORMAT = 0x01;
export const WRAPPED_KEY_BYTES = 61;

export class KeyUnwrapError extends Error {
  constructor(what: string) {
    super(`${what} does not unwrap: wrong key, wrong binding or tampered`);
    this.name = 'KeyUnwrapError';
  }
}

export function wrapKey(wrappingKey: Buffer, key: Buffer, boundTo: string): Buffer {
  if (key.length !== 32 || wrappingKey.length !== 32) throw new RangeError('keys must be 32 bytes');
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', wrappingKey, iv);
  cipher.setAAD(Buffer.from(boundTo, 'utf8'));
  const body = Buffer.concat([cipher.update(key), cipher.final()]);
  return Buffer.concat([Buffer.of(FORMAT), iv, body, cipher.getAuthTag()]);
}

export function unwrapKey(wrappingKey: Buffer, wrapped: Buffer, boundTo: string, what: string): Buffer {
  if (wrapped.length !== WRAPPED_KEY_BYTES || wrapped[0] !== FORMAT) throw new KeyUnwrapError(what);
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', wrappingKey, wrapped.subarray(1, 13));
    decipher.setAAD(Buffer.from(boundTo, 'utf8'));
    decipher.setAuthTag(wrapped.subarray(45));
    return Buffer.concat([decipher.update(wrapped.subarray(13, 45)), decipher.final()]);
  } catch {
    throw new KeyUnwrapError(what);
  }
}
