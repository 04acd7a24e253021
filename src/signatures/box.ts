import crypto from 'node:crypto';

/**
 * Small values at rest (a PDF of an envelope, a seal private key) under a data key that the
 * organization key wraps: AES-256-GCM from node:crypto, with what the value is for as
 * associated data so a box copied onto another row does not open. Format: iv(12) ‖ ct ‖ tag(16).
 */
export function closeBox(dataKey: Buffer, plaintext: Uint8Array, boundTo: string): Buffer {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', dataKey, iv);
  cipher.setAAD(Buffer.from(boundTo, 'utf8'));
  return Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

export function openBox(dataKey: Buffer, box: Buffer, boundTo: string): Buffer {
  if (box.length < 28) throw new Error('box too short');
  const decipher = crypto.createDecipheriv('aes-256-gcm', dataKey, box.subarray(0, 12));
  decipher.setAAD(Buffer.from(boundTo, 'utf8'));
  decipher.setAuthTag(box.subarray(box.length - 16));
  return Buffer.concat([decipher.update(box.subarray(12, box.length - 16)), decipher.final()]);
}

export const sha256Hex = (data: Uint8Array | string): string => crypto.createHash('sha256').update(data).digest('hex');

/** A signer link's credential: 256 random bits, shown once in the mail, stored only as its SHA-256. */
export const newSignerToken = (): string => crypto.randomBytes(32).toString('base64url');
export const SIGNER_TOKEN_FORMAT = /^[A-Za-z0-9_-]{43}$/;
