import { checkPasswordPolicy, hashPassword } from '../accounts/index.ts';
import { AppError } from '../platform/errors.ts';
import { StartupError } from '../platform/data-dir.ts';
import { randomToken, safeEqual, sha256Hex } from '../platform/crypto-basics.ts';
import { type Database, unsafeWithOwner } from '../platform/db/index.ts';
import { masterKeyCheck } from '../crypto/index.ts';
import * as repo from './setup.repository.ts';
import type { SetupInput } from './setup.schemas.ts';

/**
 * Records the master key's check value on the first start and compares it on every
 * later one: starting with another key would make every encrypted document unreadable.
 */
export async function unsafeVerifyDeploymentKey(db: Database, masterKey: Buffer): Promise<void> {
  const expected = masterKeyCheck(masterKey);
  await unsafeWithOwner(db, async (tx) => {
    const existing = await repo.findDeployment(tx);
    if (!existing) return repo.insertDeployment(tx, expected);
    if (!safeEqual(existing.master_key_check, expected)) {
      throw new StartupError(
        'the master key does not match this database (CHAMBERS_MASTER_KEY or <data>/keys/master.key was changed); ' +
          'start with the key the data was created with',
      );
    }
  });
}

/** Makes a fresh single-use setup token while nobody has set up the deployment yet; null afterwards. */
export async function unsafeIssueSetupToken(db: Database): Promise<string | null> {
  return unsafeWithOwner(db, async (tx) => {
    const dep = await repo.findDeployment(tx);
    if (!dep || dep.setup_completed_at) return null;
    const token = randomToken(32);
    await repo.storeSetupTokenHash(tx, sha256Hex(token));
    return token;
  });
}

/** Creates the first organization and its first user (super_admin + org_admin), consuming the token. */
export async function unsafeCompleteSetup(db: Database, input: SetupInput): Promise<{ userId: string; orgId: string }> {
  const policy = checkPasswordPolicy(input.password, input.email);
  if (!policy.ok) throw new AppError('PASSWORD_WEAK', undefined, { body: { reason: policy.reason } });
  // Hash before taking the row lock: argon2 is slow on purpose and must not hold the lock.
  const passwordHash = await hashPassword(input.password);
  return unsafeWithOwner(db, async (tx) => {
    const dep = await repo.findDeployment(tx);
    if (
      !dep ||
      dep.setup_completed_at ||
      !dep.setup_token_hash ||
      !safeEqual(dep.setup_token_hash, sha256Hex(input.token))
    ) {
      throw new AppError('SETUP_TOKEN_INVALID');
    }
    const orgId = await repo.insertOrganization(tx, input.organization);
    const userId = await repo.insertVerifiedUser(tx, {
      email: input.email,
      name: input.name,
      passwordHash,
      superAdmin: true,
    });
    await repo.insertMembership(tx, { orgId, userId, role: 'org_admin' });
    await repo.markSetupComplete(tx);
    return { userId, orgId };
  });
}
