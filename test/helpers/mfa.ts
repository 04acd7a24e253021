import { execFileSync } from 'node:child_process';
import * as OTPAuth from 'otpauth';
import { hashBackupCode, newBackupCodes } from '../../src/mfa/backup-codes.ts';
import { newTotpSecret } from '../../src/mfa/totp.ts';
import { unsafeWithOwner } from '../../src/platform/db/tenant.ts';
import { sealSecret } from '../../src/crypto/secrets.ts';
import type { TestApp } from './test-app.ts';

/**
 * TOTP codes from an independent implementation: Debian's oathtool (RFC 6238),
 * never from the code under test.
 */
export const hasOathtool = (() => {
  try {
    execFileSync('oathtool', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

export function oathtoolCode(secretBase32: string, at: Date = new Date(), stepOffset = 0): string {
  const when = new Date(at.getTime() + stepOffset * 30_000);
  if (!hasOathtool) {
    // Without Debian's oathtool (a developer laptop), fall back to otpauth so the flows still run;
    // .ci/run installs oathtool, so CI always checks against the independent implementation.
    return new OTPAuth.TOTP({
      secret: OTPAuth.Secret.fromBase32(secretBase32),
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
    }).generate({ timestamp: when.getTime() });
  }
  return execFileSync(
    'oathtool',
    [
      '--totp=SHA1',
      '--base32',
      '--digits=6',
      '--time-step-size=30s',
      `--now=${when
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, ' UTC')}`,
      secretBase32,
    ],
    {
      encoding: 'utf8',
    },
  ).trim();
}

export type EnrolledFactors = { secret: string; backupCodes: string[] };

/** Gives a user a confirmed authenticator and backup codes directly in the database (fixtures for tests that are not about enrollment). */
export async function enrollFactorsDirectly(t: TestApp, userId: string): Promise<EnrolledFactors> {
  const secret = newTotpSecret();
  const backupCodes = newBackupCodes();
  await unsafeWithOwner(t.ctx.db, async (tx) => {
    await tx
      .insertInto('chambers.mfa_totp')
      .values({
        user_id: userId,
        secret_ciphertext: sealSecret(t.ctx.keys.masterKey, 'totp', secret, userId),
        confirmed_at: new Date(),
      })
      .execute();
    await tx
      .insertInto('chambers.mfa_backup_codes')
      .values(backupCodes.map((c) => ({ user_id: userId, code_hash: hashBackupCode(t.ctx.keys.masterKey, userId, c) })))
      .execute();
  });
  return { secret, backupCodes };
}
