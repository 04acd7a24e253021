import { sql } from 'kysely';
import type { Tx } from '../platform/db/index.ts';

/** All SQL of erasure, run on the owner path (a person's data spans organizations and tenants). */

/** The pseudonym an erased person leaves on the records an organization keeps. */
export const pseudonymOf = (userId: string): string => `Former member ${userId.slice(0, 8)}`;
export const erasedEmailOf = (userId: string): string => `erased-${userId}@erased.invalid`;

export async function findPerson(tx: Tx, userId: string) {
  const { rows } = await sql<{ id: string; email: string; name: string; password_hash: string | null }>`
    SELECT id, email, name, password_hash FROM chambers.users WHERE id = ${userId}`.execute(tx);
  return rows[0];
}

/**
 * Organizations where the person is the only active org_admin while other members
 * remain: erasure would leave them without an administrator.
 */
export async function soleAdminOrgs(tx: Tx, userId: string): Promise<string[]> {
  const { rows } = await sql<{ org_id: string }>`
    SELECT m.org_id FROM chambers.memberships m
     WHERE m.user_id = ${userId} AND m.role = 'org_admin'
       AND NOT EXISTS (SELECT 1 FROM chambers.memberships a
                        WHERE a.org_id = m.org_id AND a.user_id <> m.user_id AND a.role = 'org_admin' AND a.suspended_at IS NULL)
       AND EXISTS (SELECT 1 FROM chambers.memberships o WHERE o.org_id = m.org_id AND o.user_id <> m.user_id)`.execute(
    tx,
  );
  return rows.map((r) => r.org_id);
}

/** Organizations under an audit legal hold whose log holds events of this person: their key must stay. */
export async function heldAuditOrgs(tx: Tx, userId: string): Promise<string[]> {
  const { rows } = await sql<{ org_id: string }>`
    SELECT h.org_id FROM audit.legal_holds h
     WHERE EXISTS (SELECT 1 FROM audit.events e WHERE e.org_id = h.org_id AND e.actor_id = ${userId})
        OR EXISTS (SELECT 1 FROM chambers.memberships m WHERE m.org_id = h.org_id AND m.user_id = ${userId})
     ORDER BY h.org_id`.execute(tx);
  return rows.map((r) => r.org_id);
}

/**
 * Erases what identifies the person, keeping the user row (its id is the pseudonym
 * that matters, documents and signing evidence of their organizations still point
 * to). Idempotent: run again (a restored backup), it finds nothing left to change.
 */
export async function eraseRecords(
  tx: Tx,
  userId: string,
  email: string,
  now: Date,
): Promise<{ sessionsEnded: number; memberships: number }> {
  const erasedEmail = erasedEmailOf(userId);
  await sql`UPDATE chambers.users SET email = ${erasedEmail}, name = ${pseudonymOf(userId)}, password_hash = NULL,
      email_verified_at = NULL, is_super_admin = false, updated_at = ${now}
    WHERE id = ${userId}`.execute(tx);
  const ended = await sql`UPDATE chambers.sessions SET revoked_at = coalesce(revoked_at, ${now}),
      revoked_reason = coalesce(revoked_reason, 'account_erased'), ip = NULL, user_agent = NULL
    WHERE user_id = ${userId} AND (revoked_at IS NULL OR ip IS NOT NULL OR user_agent IS NOT NULL)`.execute(tx);
  await sql`DELETE FROM chambers.refresh_tokens WHERE session_id IN (SELECT id FROM chambers.sessions WHERE user_id = ${userId})`.execute(
    tx,
  );
  for (const table of ['mfa_totp', 'mfa_backup_codes', 'webauthn_credentials', 'trusted_devices', 'mfa_challenges'])
    await sql`DELETE FROM ${sql.table(`chambers.${table}`)} WHERE user_id = ${userId}`.execute(tx);
  await sql`DELETE FROM chambers.portal_handoffs WHERE user_id = ${userId}`.execute(tx);
  await sql`DELETE FROM chambers.email_codes WHERE user_id = ${userId} OR lower(email) = lower(${email})`.execute(tx);
  await sql`DELETE FROM chambers.login_failures WHERE lower(email) = lower(${email})`.execute(tx);
  await sql`DELETE FROM chambers.invitations WHERE lower(email) = lower(${email}) AND accepted_at IS NULL`.execute(tx);
  await sql`DELETE FROM chambers.idempotency_keys WHERE user_id = ${userId}`.execute(tx);
  // Links the person made stop working now; the rows stay (the organization's record) until their retention class.
  await sql`UPDATE chambers.share_links SET revoked_at = ${now} WHERE created_by = ${userId} AND revoked_at IS NULL`.execute(
    tx,
  );
  const left = await sql`DELETE FROM chambers.memberships WHERE user_id = ${userId}`.execute(tx);
  return { sessionsEnded: Number(ended.numAffectedRows ?? 0), memberships: Number(left.numAffectedRows ?? 0) };
}

export async function insertClosedAccount(
  tx: Tx,
  v: { userId: string; now: Date; purgeAfter: Date; auditKeyHeld: boolean },
): Promise<void> {
  await sql`INSERT INTO chambers.closed_accounts (user_id, pseudonym, closed_at, purge_after, audit_key_held)
    VALUES (${v.userId}, ${pseudonymOf(v.userId)}, ${v.now}, ${v.purgeAfter}, ${v.auditKeyHeld})
    ON CONFLICT (user_id) DO UPDATE SET audit_key_held = excluded.audit_key_held`.execute(tx);
}

/** Whether the person's audit key is already destroyed. */
export async function personKeyShredded(tx: Tx, userId: string): Promise<boolean> {
  const { rows } = await sql<{ shredded: boolean }>`SELECT wrapped_key IS NULL AS shredded FROM chambers.person_keys
    WHERE user_id = ${userId}`.execute(tx);
  return rows[0]?.shredded ?? false;
}
