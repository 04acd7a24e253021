import { sql } from 'kysely';
import type { Tx, MemberRole } from '../platform/db/index.ts';

/** SQL of organizations, members and invitations. Tenant functions run under RLS; `…Owner` ones in owner transactions. */

export async function listMembers(tx: Tx, orgId: string) {
  return tx
    .selectFrom('chambers.memberships as m')
    .innerJoin('chambers.users as u', 'u.id', 'm.user_id')
    .select(['m.user_id', 'u.email', 'u.name', 'm.role', 'm.created_at'])
    .where('m.org_id', '=', orgId)
    .orderBy('u.name')
    .execute();
}

export async function findMember(tx: Tx, orgId: string, userId: string) {
  return tx
    .selectFrom('chambers.memberships as m')
    .innerJoin('chambers.users as u', 'u.id', 'm.user_id')
    .select(['m.user_id', 'u.email', 'u.name', 'm.role', 'm.created_at'])
    .where('m.org_id', '=', orgId)
    .where('m.user_id', '=', userId)
    .executeTakeFirst();
}

export async function countAdmins(tx: Tx, orgId: string): Promise<number> {
  const row = await tx
    .selectFrom('chambers.memberships')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('org_id', '=', orgId)
    .where('role', '=', 'org_admin')
    .executeTakeFirst();
  return Number(row?.n ?? 0);
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

/** Revokes a member's live sessions in one organization; returns how many ended. */
export async function revokeMemberSessions(tx: Tx, orgId: string, userId: string, at: Date): Promise<number> {
  const res = await tx
    .updateTable('chambers.sessions')
    .set({ revoked_at: at, revoked_reason: 'admin_force_logout' })
    .where('user_id', '=', userId)
    .where('org_id', '=', orgId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}
