import crypto from 'node:crypto';

/** Randomness and hashing come through here so tests and reviewers find them in one place. */
export const randomBytes = (n: number): Buffer => crypto.randomBytes(n);
export const randomToken = (bytes = 32): string => crypto.randomBytes(bytes).toString('base64url');
export const sha256 = (data: string | Buffer): Buffer => crypto.createHash('sha256').update(data).digest();
export const sha256Hex = (data: string | Buffer): string => crypto.createHash('sha256').update(data).digest('hex');

/** Derives a purpose-bound subkey from the master key (HKDF-SHA256), so one key never serves two uses. */
export function deriveKey(masterKey: Buffer, purpose: string, length = 32): Buffer {
  return Buffer.from(crypto.hkdfSync('sha256', masterKey, Buffer.alloc(0), `chambers:${purpose}`, length));
}

/** Constant-time comparison of two secrets of possibly different length. */
export function safeEqual(a: string | Buffer, b: string | Buffer): boolean {
  const ha = crypto.createHash('sha256').update(a).digest();
  const hb = crypto.createHash('sha256').update(b).digest();
  return crypto.timingSafeEqual(ha, hb);
}
