import { sql } from 'kysely';
import { reusableQuery, type MemberRole, type Tx } from '../platform/db/index.ts';

/**
 * SQL of accounts that runs before a tenant is known (sign-in, sign-up, codes,
 * lockout). Every caller runs it in an owner transaction (`unsafe…` services).
 */

export async function findUserByEmail(tx: Tx, email: string) {
  return tx
    .selectFrom('chambers.users')
    .select(['id', 'email', 'name', 'password_hash', 'email_verified_at', 'is_super_admin'])
    .where('email', '=', email)
    .executeTakeFirst();
}

export async function findUserById(tx: Tx, id: string) {
  return tx
    .selectFrom('chambers.users')
    .select(['id', 'email', 'name', 'password_hash', 'email_verified_at', 'is_super_admin'])
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function insertUnverifiedUser(
  tx: Tx,
  u: { email: string; name: string; passwordHash: string },
): Promise<string> {
  const row = await tx
    .insertInto('chambers.users')
    .values({ email: u.email, name: u.name, password_hash: u.passwordHash })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function insertVerifiedUser(
  tx: Tx,
  u: { email: string; name: string; passwordHash: string },
): Promise<string> {
  const row = await tx
    .insertInto('chambers.users')
    .values({ email: u.email, name: u.name, password_hash: u.passwordHash, email_verified_at: sql<Date>`now()` })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateUnverifiedUser(
  tx: Tx,
  id: string,
  u: { name: string; passwordHash: string },
): Promise<void> {
  await tx
    .updateTable('chambers.users')
    .set({ name: u.name, password_hash: u.passwordHash, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where('email_verified_at', 'is', null)
    .execute();
}

export async function setEmail(tx: Tx, id: string, email: string): Promise<void> {
  await tx
    .updateTable('chambers.users')
    .set({ email, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .execute();
}

export async function setPasswordHash(tx: Tx, id: string, passwordHash: string): Promise<void> {
  await tx
    .updateTable('chambers.users')
    .set({ password_hash: passwordHash, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .execute();
}

export async function markEmailVerified(tx: Tx, email: string): Promise<string | undefined> {
  const row = await tx
    .updateTable('chambers.users')
    .set({ email_verified_at: sql<Date>`coalesce(email_verified_at, now())` })
    .where('email', '=', email)
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

/** The organizations a user belongs to, oldest membership first (the default one at sign-in); suspended ones included, marked. */
/** Compiled once (reusable-query.ts): every sign-in, refresh and switch reads it. */
const membershipsQuery = reusableQuery((tx: Tx, v: { userId: string }) =>
  tx
    .selectFrom('chambers.memberships as m')
    .innerJoin('chambers.organizations as o', 'o.id', 'm.org_id')
    .select(['o.id', 'o.name', 'o.kind', 'm.role', 'o.settings', 'm.suspended_at'])
    .where('m.user_id', '=', v.userId)
    .orderBy('m.created_at')
    .orderBy('o.id'),
);

export async function listMemberships(tx: Tx, userId: string) {
  return membershipsQuery(tx, { userId }, 'all');
}

/** Adds a membership; an existing one is left exactly as it is (roles change only through the role route and its rules). */
export async function insertMembership(tx: Tx, m: { orgId: string; userId: string; role: MemberRole }): Promise<void> {
  await tx
    .insertInto('chambers.memberships')
    .values({ org_id: m.orgId, user_id: m.userId, role: m.role })
    .onConflict((oc) => oc.columns(['org_id', 'user_id']).doNothing())
    .execute();
}

// --- one-time email codes ---

export type EmailCodePurpose = 'verify_email' | 'password_reset' | 'email_change';

export async function insertEmailCode(
  tx: Tx,
  c: { email: string; purpose: EmailCodePurpose; codeHash: string; expiresAt: Date; userId?: string },
): Promise<void> {
  // A new code replaces the older ones of the same purpose.
  await tx
    .updateTable('chambers.email_codes')
    .set({ consumed_at: sql<Date>`now()` })
    .where('email', '=', c.email)
    .where('purpose', '=', c.purpose)
    .where('consumed_at', 'is', null)
    .execute();
  await tx
    .insertInto('chambers.email_codes')
    .values({
      email: c.email,
      purpose: c.purpose,
      code_hash: c.codeHash,
      expires_at: c.expiresAt,
      user_id: c.userId ?? null,
    })
    .execute();
}

export async function lockLatestEmailCode(tx: Tx, email: string, purpose: EmailCodePurpose) {
  return tx
    .selectFrom('chambers.email_codes')
    .select(['id', 'code_hash', 'attempts', 'expires_at', 'consumed_at', 'user_id'])
    .where('email', '=', email)
    .where('purpose', '=', purpose)
    .orderBy('created_at', 'desc')
    .limit(1)
    .forUpdate()
    .executeTakeFirst();
}

export async function countEmailCodeAttempt(tx: Tx, id: string): Promise<void> {
  await tx
    .updateTable('chambers.email_codes')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .execute();
}

export async function consumeEmailCode(tx: Tx, id: string): Promise<void> {
  await tx
    .updateTable('chambers.email_codes')
    .set({ consumed_at: sql<Date>`now()` })
    .where('id', '=', id)
    .execute();
}

// --- consecutive sign-in failures ---

/** What a sign-in needs before it checks the password, in one statement: the account (if any) and its failures. */
export async function findSignInState(tx: Tx, email: string) {
  const { rows } = await sql<{
    id: string | null;
    email: string | null;
    name: string | null;
    password_hash: string | null;
    email_verified_at: Date | null;
    is_super_admin: boolean | null;
    failures: number | null;
    locked_until: Date | null;
  }>`SELECT u.id, u.email, u.name, u.password_hash, u.email_verified_at, u.is_super_admin, f.failures, f.locked_until
       FROM (SELECT ${email}::text AS email) e
       LEFT JOIN chambers.users u ON u.email = e.email
       LEFT JOIN chambers.login_failures f ON f.email = e.email`.execute(tx);
  const r = rows[0];
  const user =
    r?.id && r.email !== null && r.name !== null
      ? {
          id: r.id,
          email: r.email,
          name: r.name,
          password_hash: r.password_hash,
          email_verified_at: r.email_verified_at,
          is_super_admin: r.is_super_admin === true,
        }
      : undefined;
  const failures = r && r.failures !== null ? { failures: r.failures, locked_until: r.locked_until } : undefined;
  return { user, failures };
}

/** Counts one more failure atomically; a lock that has run out starts the count again. */
export async function recordLoginFailure(tx: Tx, email: string, now: Date, threshold: number, lockMs: number) {
  const lockUntil = new Date(now.getTime() + lockMs);
  const { rows } = await sql<{ failures: number; locked_until: Date | null }>`
    INSERT INTO chambers.login_failures AS f (email, failures, last_failure_at, locked_until)
    VALUES (${email}, 1, ${now}, NULL)
    ON CONFLICT (email) DO UPDATE SET
      failures = CASE WHEN f.locked_until IS NOT NULL AND f.locked_until <= ${now} THEN 1 ELSE f.failures + 1 END,
      last_failure_at = ${now},
      locked_until = CASE
        WHEN f.locked_until IS NOT NULL AND f.locked_until <= ${now} THEN NULL
        WHEN f.failures + 1 >= ${threshold} THEN ${lockUntil}::timestamptz
        ELSE f.locked_until END
    RETURNING failures, locked_until`.execute(tx);
  const row = rows[0];
  if (!row) throw new Error('login failure not recorded');
  return row;
}

export async function clearLoginFailures(tx: Tx, email: string): Promise<void> {
  await tx.deleteFrom('chambers.login_failures').where('email', '=', email).execute();
}
