import { sql } from 'kysely';
import type { Tx } from '../platform/db/index.ts';

/** All SQL of first-run setup. Every function here runs in an owner transaction (unsafeWithOwner). */

export async function findDeployment(tx: Tx) {
  return tx.selectFrom('chambers.deployment').selectAll().forUpdate().executeTakeFirst();
}

export async function insertDeployment(tx: Tx, masterKeyCheck: string): Promise<void> {
  await tx
    .insertInto('chambers.deployment')
    .values({ master_key_check: masterKeyCheck })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function storeSetupTokenHash(tx: Tx, hash: string): Promise<void> {
  await tx
    .updateTable('chambers.deployment')
    .set({ setup_token_hash: hash })
    .where('setup_completed_at', 'is', null)
    .execute();
}

export async function markSetupComplete(tx: Tx): Promise<void> {
  await tx
    .updateTable('chambers.deployment')
    .set({ setup_token_hash: null, setup_completed_at: sql<Date>`now()` })
    .execute();
}

export async function insertOrganization(tx: Tx, org: { name: string; kind: 'firm' | 'court' }): Promise<string> {
  const row = await tx.insertInto('chambers.organizations').values(org).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function insertVerifiedUser(
  tx: Tx,
  user: { email: string; name: string; passwordHash: string; superAdmin: boolean },
): Promise<string> {
  const row = await tx
    .insertInto('chambers.users')
    .values({
      email: user.email,
      name: user.name,
      password_hash: user.passwordHash,
      email_verified_at: sql<Date>`now()`,
      is_super_admin: user.superAdmin,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function insertMembership(
  tx: Tx,
  m: { orgId: string; userId: string; role: 'org_admin' | 'lawyer' | 'judge' | 'reviewer' },
): Promise<void> {
  await tx.insertInto('chambers.memberships').values({ org_id: m.orgId, user_id: m.userId, role: m.role }).execute();
}
