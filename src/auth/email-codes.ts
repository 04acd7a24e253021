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

/** A code row no one can ever match: it stands where an account has no code, so counters run the same. */
const decoyHash = (masterKey: Buffer, email: string): string =>
  hashEmailCode(masterKey, email, crypto.randomBytes(32).toString('base64url'));

export type CodeCheck = 'ok' | 'invalid' | 'expired';

/**
 * Issues a code for (email, purpose). Every request issues one, whether or not the
 * address has an account: for an address that must not receive a code (unknown,
 * already verified) the row holds a decoy no one knows, so the attempt counter and
 * expiry behave exactly as for a real code and the answers cannot tell them apart.
 * Returns the code to mail, or null for a decoy.
 */
export async function issueEmailCode(
  tx: Tx,
  masterKey: Buffer,
  input: { email: string; purpose: repo.EmailCodePurpose; now: Date; userId?: string; deliver: boolean },
): Promise<string | null> {
  const code = input.deliver ? newEmailCode() : null;
  await repo.insertEmailCode(tx, {
    email: input.email,
    purpose: input.purpose,
    codeHash: code ? hashEmailCode(masterKey, input.email, code) : decoyHash(masterKey, input.email),
    expiresAt: new Date(input.now.getTime() + EMAIL_CODE_TTL_MS),
    userId: input.userId,
  });
  return code;
}

/**
 * Checks a code and counts the attempt in the same transaction. The caller must
 * commit before refusing, so the attempt counter survives a wrong code. With no
 * live code for the address, a decoy is issued first and the attempt counted on
 * it: the sequence of answers depends only on how many attempts were made.
 */
export async function checkEmailCode(
  tx: Tx,
  masterKey: Buffer,
  input: { email: string; code: string; purpose: repo.EmailCodePurpose; now: Date; userId?: string },
): Promise<CodeCheck> {
  let row = await repo.lockLatestEmailCode(tx, input.email, input.purpose);
  if (input.userId !== undefined && row && row.user_id !== input.userId) return 'invalid';
  if (!row || row.consumed_at) {
    await issueEmailCode(tx, masterKey, { ...input, deliver: false });
    row = await repo.lockLatestEmailCode(tx, input.email, input.purpose);
    if (!row) return 'invalid';
  }
  if (new Date(row.expires_at) <= input.now || row.attempts >= EMAIL_CODE_MAX_ATTEMPTS) return 'expired';
  if (!safeEqual(row.code_hash, hashEmailCode(masterKey, input.email, input.code))) {
    await repo.countEmailCodeAttempt(tx, row.id);
    return 'invalid';
  }
  await repo.consumeEmailCode(tx, row.id);
  return 'ok';
}
