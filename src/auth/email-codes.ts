import crypto from 'node:crypto';
import { deriveKey, safeEqual } from '../platform/crypto-basics.ts';
import type { Tx } from '../platform/db/index.ts';
import { accountRepository as repo } from '../accounts/index.ts';

export const EMAIL_CODE_TTL_MS = 30 * 60 * 1000;
export const EMAIL_CODE_MAX_ATTEMPTS = 5;

/** Six digits from the CSPRNG. */
export const newEmailCode = (): string => crypto.randomInt(0, 1_000_000).toString().padStart(6, '0');

/** Keyed hash: a leaked table does not let anyone try all million codes offline. */
export const hashEmailCode = (masterKey: Buffer, email: string, code: string): string =>
  crypto.createHmac('sha256', deriveKey(masterKey, 'email-code')).update(`${email}\n${code}`).digest('hex');

export type CodeCheck = 'ok' | 'invalid' | 'expired';

/**
 * Checks a code and counts the attempt in the same transaction. The caller must
 * commit before refusing, so the attempt counter survives a wrong code.
 */
export async function checkEmailCode(
  tx: Tx,
  masterKey: Buffer,
  input: { email: string; code: string; purpose: repo.EmailCodePurpose; now: Date; userId?: string },
): Promise<CodeCheck> {
  const row = await repo.lockLatestEmailCode(tx, input.email, input.purpose);
  if (!row || row.consumed_at || (input.userId !== undefined && row.user_id !== input.userId)) return 'invalid';
  if (new Date(row.expires_at) <= input.now || row.attempts >= EMAIL_CODE_MAX_ATTEMPTS) return 'expired';
  if (!safeEqual(row.code_hash, hashEmailCode(masterKey, input.email, input.code))) {
    await repo.countEmailCodeAttempt(tx, row.id);
    return 'invalid';
  }
  await repo.consumeEmailCode(tx, row.id);
  return 'ok';
}
