import type { Tx } from '../platform/db/index.ts';

/**
 * SQL of ethical walls. Runs under RLS: only an org_admin may write these rows, and a
 * member sees only their own admissions (db/migrations/0007_documents.sql).
 */

export async function findWall(tx: Tx, matterId: string) {
  return tx
    .selectFrom('chambers.matter_walls')
    .select(['matter_id', 'created_at'])
    .where('matter_id', '=', matterId)
    .executeTakeFirst();
}

export async function listWallMembers(tx: Tx, matterId: string): Promise<string[]> {
  const rows = await tx
    .selectFrom('chambers.matter_wall_members')
    .select('user_id')
    .where('matter_id', '=', matterId)
    .orderBy('user_id')
    .execute();
  return rows.map((r) => r.user_id);
}

/** Which of these users are members of the current organization. */
export async function membersAmong(tx: Tx, orgId: string, userIds: string[]): Promise<string[]> {
  if (userIds.length === 0) return [];
  const rows = await tx
    .selectFrom('chambers.memberships')
    .select('user_id')
    .where('org_id', '=', orgId)
    .where('user_id', 'in', userIds)
    .execute();
  return rows.map((r) => r.user_id);
}

export async function replaceWall(
  tx: Tx,
  orgId: string,
  actorId: string,
  matterId: string,
  memberIds: string[],
): Promise<void> {
  await tx
    .insertInto('chambers.matter_walls')
    .values({ matter_id: matterId, org_id: orgId, created_by: actorId })
    .onConflict((oc) => oc.column('matter_id').doNothing())
    .execute();
  await tx.deleteFrom('chambers.matter_wall_members').where('matter_id', '=', matterId).execute();
  await tx
    .insertInto('chambers.matter_wall_members')
    .values(memberIds.map((userId) => ({ matter_id: matterId, user_id: userId, org_id: orgId })))
    .execute();
}

export async function deleteWall(tx: Tx, matterId: string): Promise<boolean> {
  await tx.deleteFrom('chambers.matter_wall_members').where('matter_id', '=', matterId).execute();
  const result = await tx.deleteFrom('chambers.matter_walls').where('matter_id', '=', matterId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
