import crypto from 'node:crypto';
import { deriveKey, safeEqual } from '../platform/crypto-basics.ts';

export const BACKUP_CODE_COUNT = 10;
// 12 characters from a 32-letter alphabet without look-alikes: 60 bits each.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** Ten single-use codes, shown once, formatted xxxx-xxxx-xxxx for reading aloud. */
export function newBackupCodes(): string[] {
  return Array.from({ length: BACKUP_CODE_COUNT }, () => {
    const chars = Array.from({ length: 12 }, () => ALPHABET[crypto.randomInt(0, ALPHABET.length)]).join('');
    return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8)}`;
  });
}

export const normalizeBackupCode = (code: string): string => code.toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * Hashed, never encrypted (ASVS 6.5.2): a keyed SHA-256 suffices for 60-bit random
 * codes, and the key keeps a stolen table from being checked offline.
 */
export function hashBackupCode(masterKey: Buffer, userId: string, code: string): string {
  return crypto
    .createHmac('sha256', deriveKey(masterKey, 'backup-code'))
    .update(`${userId}\n${normalizeBackupCode(code)}`)
    .digest('hex');
}

export function findBackupCode<T extends { code_hash: string }>(
  rows: T[],
  masterKey: Buffer,
  userId: string,
  code: string,
): T | undefined {
  const wanted = hashBackupCode(masterKey, userId, code);
  // Compare against every row so the time does not tell which one matched.
  let found: T | undefined;
  for (const row of rows) if (safeEqual(row.code_hash, wanted)) found = row;
  return found;
}
