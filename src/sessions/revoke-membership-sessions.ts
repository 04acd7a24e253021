import type { Tx } from '../platform/db/index.ts';

/** Why an org_admin ended a member's sessions in their organization (kept in sessions.revoked_reason). */
export type MembershipRevocationReason = 'admin_force_logout' | 'membership_removed' | 'membership_suspended';

/**
 * Ends every live session of one user in one organization, at once: the next request
 * with any of their access or refresh tokens there is refused. Runs in the org_admin's
 * tenant transaction; sessions_own_or_admin lets it reach exactly those sessions, and
 * the 0009 trigger ends their hand-off children wherever they are. Returns how many ended.
 */
export async function revokeMembershipSessions(
  tx: Tx,
  m: { orgId: string; userId: string; reason: MembershipRevocationReason; at: Date },
): Promise<number> {
  const res = await tx
    .updateTable('chambers.sessions')
    .set({ revoked_at: m.at, revoked_reason: m.reason })
    .where('user_id', '=', m.userId)
    .where('org_id', '=', m.orgId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}
