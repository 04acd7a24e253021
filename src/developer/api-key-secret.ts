import crypto from 'node:crypto';

/**
 * An API key: `chk_live_` or `chk_test_` and 32 random bytes (256 bits) in base64url.
 * Only its SHA-256 is stored; a fast hash is right here because the key is random and
 * long (nothing to brute-force), and it keeps the lookup one indexed equality.
 * The display prefix (mode and the first 6 characters) lets a person tell keys apart.
 */
export function newApiKey(mode: 'live' | 'test'): { key: string; hash: Buffer; prefix: string } {
  const key = `chk_${mode}_${crypto.randomBytes(32).toString('base64url')}`;
  return { key, hash: apiKeyHash(key), prefix: key.slice(0, `chk_${mode}_`.length + 6) };
}

export function apiKeyHash(key: string): Buffer {
  return crypto.createHash('sha256').update(key, 'utf8').digest();
}

/** The shape of a key this server issues: anything else is refused before a database lookup. */
export const API_KEY_SHAPE = /^chk_(live|test)_[A-Za-z0-9_-]{43}$/;
