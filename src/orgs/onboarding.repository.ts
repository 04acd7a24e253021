import { sql } from 'kysely';
import type { Tx } from '../platform/db/index.ts';

/**
 * What the onboarding checklist reads, all under RLS in the admin's own organization.
 * Each answers a yes/no from real data; nothing here is a stored "done" flag.
 */

/** Does the organization have a member other than this one? */
export async function hasOtherMember(tx: Tx, orgId: string, userId: string): Promise<boolean> {
  const row = await tx
    .selectFrom('chambers.memberships')
    .select('user_id')
    .where('org_id', '=', orgId)
    .where('user_id', '<>', userId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Is an invitation still open: neither accepted, revoked nor expired? */
export async function hasPendingInvitation(tx: Tx, orgId: string, now: Date): Promise<boolean> {
  const row = await tx
    .selectFrom('chambers.invitations')
    .select('id')
    .where('org_id', '=', orgId)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Has the organization chosen a retention period: documents deleted after some days
 * (document_policies, set on the Retention page) or its audit log kept longer than the
 * deployment's (organizations.audit_retention_days, set through the audit retention route)?
 * Read here rather than through documents/ and retention/: one floor up or beside orgs.
 */
export async function hasRetentionPolicy(tx: Tx, orgId: string): Promise<boolean> {
  const { rows } = await sql<{ configured: boolean }>`
    SELECT (
      EXISTS (SELECT 1 FROM chambers.document_policies p WHERE p.org_id = ${orgId} AND p.retention_days IS NOT NULL)
      OR EXISTS (SELECT 1 FROM chambers.organizations o WHERE o.id = ${orgId} AND o.audit_retention_days IS NOT NULL)
    ) AS configured`.execute(tx);
  return rows[0]?.configured === true;
}
