import { sql } from 'kysely';
import type { Tx, MemberRole } from '../platform/db/index.ts';

/** SQL of organizations, members and invitations. Tenant functions run under RLS; `…Owner` ones in owner transactions. */

export async function listMembers(tx: Tx, orgId: string) {
  return tx
    .selectFrom('chambers.memberships as m')
    .innerJoin('chambers.users as u', 'u.id', 'm.user_id')
    .select(['m.user_id', 'u.email', 'u.name', 'm.role', 'm.created_at', 'm.suspended_at'])
    .where('m.org_id', '=', orgId)
    .orderBy('u.name')
    .execute();
}

export async function findMember(tx: Tx, orgId: string, userId: string) {
  return tx
    .selectFrom('chambers.memberships as m')
    .innerJoin('chambers.users as u', 'u.id', 'm.user_id')
    .select(['m.user_id', 'u.email', 'u.name', 'm.role', 'm.created_at', 'm.suspended_at'])
    .where('m.org_id', '=', orgId)
    .where('m.user_id', '=', userId)
    .executeTakeFirst();
}

/**
 * The org_admins who can still act (not suspended), their rows locked: two admins
 * removing or demoting each other at once take turns, and the second sees the first's
 * change, so an organization is never left without an active org_admin.
 */
export async function lockActiveAdmins(tx: Tx, orgId: string): Promise<string[]> {
  const rows = await tx
    .selectFrom('chambers.memberships')
    .select('user_id')
    .where('org_id', '=', orgId)
    .where('role', '=', 'org_admin')
    .where('suspended_at', 'is', null)
    .forUpdate()
    .execute();
  return rows.map((r) => r.user_id);
}

export async function deleteMember(tx: Tx, orgId: string, userId: string): Promise<boolean> {
  const res = await tx
    .deleteFrom('chambers.memberships')
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return res.numDeletedRows === 1n;
}

/** Suspends (by, at) or reactivates (null) a membership. */
export async function setMemberSuspension(
  tx: Tx,
  orgId: string,
  userId: string,
  suspension: { at: Date; by: string } | null,
): Promise<void> {
  await tx
    .updateTable('chambers.memberships')
    .set({ suspended_at: suspension?.at ?? null, suspended_by: suspension?.by ?? null })
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .execute();
}

export async function setMemberRole(tx: Tx, orgId: string, userId: string, role: MemberRole): Promise<void> {
  await tx
    .updateTable('chambers.memberships')
    .set({ role })
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .execute();
}

export async function insertInvitation(
  tx: Tx,
  inv: { orgId: string; email: string; role: MemberRole; tokenHash: string; invitedBy: string; expiresAt: Date },
) {
  return tx
    .insertInto('chambers.invitations')
    .values({
      org_id: inv.orgId,
      email: inv.email,
      role: inv.role,
      token_hash: inv.tokenHash,
      invited_by: inv.invitedBy,
      expires_at: inv.expiresAt,
    })
    .returning(['id', 'expires_at'])
    .executeTakeFirstOrThrow();
}

/** Invitations neither accepted, revoked nor expired, newest first. */
export async function listPendingInvitations(tx: Tx, orgId: string, now: Date) {
  return tx
    .selectFrom('chambers.invitations')
    .select(['id', 'email', 'role', 'invited_by', 'created_at', 'expires_at'])
    .where('org_id', '=', orgId)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
}

export async function findInvitation(tx: Tx, orgId: string, id: string) {
  return tx
    .selectFrom('chambers.invitations')
    .select(['id', 'email', 'role', 'accepted_at', 'revoked_at'])
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export async function markInvitationRevoked(tx: Tx, id: string, by: string, at: Date): Promise<void> {
  await tx
    .updateTable('chambers.invitations')
    .set({ revoked_at: at, revoked_by: by })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .execute();
}

export async function orgName(tx: Tx, orgId: string): Promise<string | undefined> {
  const row = await tx.selectFrom('chambers.organizations').select('name').where('id', '=', orgId).executeTakeFirst();
  return row?.name;
}

// --- owner transactions ---

export async function insertOrganizationOwner(tx: Tx, org: { name: string; kind: 'firm' | 'court' }): Promise<string> {
  const row = await tx.insertInto('chambers.organizations').values(org).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function lockInvitationByTokenOwner(tx: Tx, tokenHash: string) {
  return tx
    .selectFrom('chambers.invitations')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .forUpdate()
    .executeTakeFirst();
}

export async function markInvitationAcceptedOwner(tx: Tx, id: string, userId: string): Promise<void> {
  await tx
    .updateTable('chambers.invitations')
    .set({ accepted_at: sql<Date>`now()`, accepted_by: userId })
    .where('id', '=', id)
    .execute();
}

export async function readSettings(tx: Tx, orgId: string): Promise<Record<string, unknown> | undefined> {
  const row = await tx
    .selectFrom('chambers.organizations')
    .select('settings')
    .where('id', '=', orgId)
    .executeTakeFirst();
  return row?.settings;
}

export async function writeSettings(tx: Tx, orgId: string, settings: Record<string, unknown>): Promise<void> {
  await tx
    .updateTable('chambers.organizations')
    .set({ settings: JSON.stringify(settings) })
    .where('id', '=', orgId)
    .execute();
}
