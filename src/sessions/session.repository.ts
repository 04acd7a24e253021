import { sql } from 'kysely';
import { reusableQuery, type Tx } from '../platform/db/index.ts';

/** All SQL of sessions, refresh tokens and spent hand-off codes. */

type NewSession = {
  userId: string;
  orgId: string | null;
  now: Date;
  expiresAt: Date;
  ip: string | null;
  userAgent: string | null;
  amr: string[];
  aal: 1 | 2;
  mfaVerifiedAt: Date | null;
  /** The session this one is bound to (a portal hand-off): it ends when that one ends. */
  parentSessionId: string | null;
};

/** Compiled once (reusable-query.ts): every sign-in, switch and hand-off writes it. */
const insertSessionQuery = reusableQuery((tx: Tx, s: NewSession & { refreshTokenHash: string }) =>
  tx
    .with('s', (db) =>
      db
        .insertInto('chambers.sessions')
        .values({
          user_id: s.userId,
          org_id: s.orgId,
          created_at: s.now,
          last_seen_at: s.now,
          expires_at: s.expiresAt,
          ip: s.ip,
          user_agent: s.userAgent,
          amr: s.amr,
          aal: s.aal,
          mfa_verified_at: s.mfaVerifiedAt,
          parent_session_id: s.parentSessionId,
        })
        .returning('id'),
    )
    .insertInto('chambers.refresh_tokens')
    .columns(['session_id', 'token_hash'])
    .expression((eb) => eb.selectFrom('s').select((sb) => ['s.id', sb.val(s.refreshTokenHash).as('token_hash')]))
    .returning('session_id'),
);

/** A new session and its first refresh token, in one statement: sign-in's one write for both. */
export async function insertSession(tx: Tx, s: NewSession, refreshTokenHash: string): Promise<string> {
  // Start and last-seen times come from the app clock, like every later touch and the idle check.
  const [row] = await insertSessionQuery(tx, { ...s, refreshTokenHash }, 'insert');
  if (!row) throw new Error('the session insert returned no row');
  return row.session_id;
}

/** A rotated refresh token for an existing session. */
export async function insertRefreshToken(tx: Tx, sessionId: string, tokenHash: string): Promise<void> {
  await tx.insertInto('chambers.refresh_tokens').values({ session_id: sessionId, token_hash: tokenHash }).execute();
}

/** Locks the token row so two refreshes with the same token are decided one after the other. */
export async function lockRefreshToken(tx: Tx, tokenHash: string) {
  return tx
    .selectFrom('chambers.refresh_tokens as r')
    .innerJoin('chambers.sessions as s', 's.id', 'r.session_id')
    .leftJoin('chambers.organizations as o', 'o.id', 's.org_id')
    .select([
      'r.id',
      'r.used_at',
      'r.session_id',
      's.user_id',
      's.org_id',
      's.revoked_at',
      's.expires_at',
      's.last_seen_at',
      's.amr',
      's.aal',
    ])
    .select(sql<number | null>`nullif(o.settings->>'idleTimeoutMinutes', '')::int`.as('idle_minutes'))
    .where('r.token_hash', '=', tokenHash)
    .forUpdate('r')
    .executeTakeFirst();
}

export async function markRefreshTokenUsed(tx: Tx, id: string, at: Date): Promise<boolean> {
  const res = await tx
    .updateTable('chambers.refresh_tokens')
    .set({ used_at: at })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return res.numUpdatedRows === 1n;
}

export async function touchSession(tx: Tx, sessionId: string, at: Date): Promise<void> {
  await tx.updateTable('chambers.sessions').set({ last_seen_at: at }).where('id', '=', sessionId).execute();
}

export async function revokeSession(tx: Tx, sessionId: string, reason: string, at: Date): Promise<number> {
  const res = await tx
    .updateTable('chambers.sessions')
    .set({ revoked_at: at, revoked_reason: reason })
    .where('id', '=', sessionId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

/**
 * Ends every live session of a user, optionally sparing one (password change keeps the current session).
 * The spared session's parents are spared too: ending them would end it (a hand-off child dies with its parent).
 */
export async function revokeUserSessions(
  tx: Tx,
  userId: string,
  reason: string,
  at: Date,
  exceptSessionId?: string,
): Promise<number> {
  const spared = exceptSessionId ? await sessionLineage(tx, exceptSessionId) : [];
  let q = tx
    .updateTable('chambers.sessions')
    .set({ revoked_at: at, revoked_reason: reason })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null);
  if (spared.length > 0) q = q.where('id', 'not in', spared);
  const res = await q.executeTakeFirst();
  return Number(res.numUpdatedRows);
}

/** A session's id and those of its parents, nearest first (a hand-off chain is short; the depth cap is a guard). */
async function sessionLineage(tx: Tx, sessionId: string): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    WITH RECURSIVE lineage(id, parent, depth) AS (
      SELECT id, parent_session_id, 0 FROM chambers.sessions WHERE id = ${sessionId}
      UNION ALL
      SELECT s.id, s.parent_session_id, l.depth + 1
        FROM chambers.sessions s JOIN lineage l ON s.id = l.parent
       WHERE l.depth < 32
    )
    SELECT id FROM lineage ORDER BY depth`.execute(tx);
  return rows.length > 0 ? rows.map((r) => r.id) : [sessionId];
}

/**
 * The live session a new one is carried from (switch-org, portal hand-off), locked so a
 * concurrent logout of it is decided before or after the new session, never half-way:
 * either this read sees it revoked, or the revocation's cascade sees the new child.
 */
export async function lockSourceSession(tx: Tx, sessionId: string) {
  return tx
    .selectFrom('chambers.sessions')
    .select([
      'id',
      'user_id',
      'org_id',
      'revoked_at',
      'expires_at',
      'aal',
      'amr',
      'mfa_verified_at',
      'parent_session_id',
    ])
    .where('id', '=', sessionId)
    .forUpdate()
    .executeTakeFirst();
}

/** What the target organization and the user's factors say about a new session, in one round trip. */
export async function policyFacts(tx: Tx, userId: string, orgId: string | null) {
  const { rows } = await sql<{ totp: boolean; webauthn: number; settings: Record<string, unknown> | null }>`
    SELECT EXISTS (SELECT 1 FROM chambers.mfa_totp WHERE user_id = ${userId} AND confirmed_at IS NOT NULL) AS totp,
           (SELECT count(*)::int FROM chambers.webauthn_credentials WHERE user_id = ${userId}) AS webauthn,
           (SELECT settings FROM chambers.organizations WHERE id = ${orgId}::uuid) AS settings`.execute(tx);
  const r = rows[0];
  const roles = r?.settings?.['mfaRequiredRoles'];
  return {
    factors: { totp: Boolean(r?.totp), webauthn: Number(r?.webauthn ?? 0) },
    orgMfaRoles: Array.isArray(roles) ? roles.filter((x): x is string => typeof x === 'string') : [],
    singleSession: r?.settings?.['singleSession'] === true,
  };
}

/** The session's id when it is one of this user's (live or not); undefined otherwise. */
export async function findUserSession(tx: Tx, userId: string, sessionId: string) {
  return tx
    .selectFrom('chambers.sessions')
    .select('id')
    .where('id', '=', sessionId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

export async function listUserSessions(tx: Tx, userId: string, now: Date) {
  return tx
    .selectFrom('chambers.sessions')
    .select(['id', 'created_at', 'last_seen_at', 'ip', 'user_agent', 'org_id'])
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('last_seen_at', 'desc')
    .execute();
}

/** Has this user signed in before from a browser or client with this user agent? */
/** Compiled once per shape (reusable-query.ts): read at every sign-in. */
const knownDeviceQuery = reusableQuery((tx: Tx, v: { userId: string; userAgent: string }, shape: 'agent' | 'none') => {
  const query = tx.selectFrom('chambers.sessions').select('id').where('user_id', '=', v.userId);
  return (
    shape === 'agent' ? query.where('user_agent', '=', v.userAgent) : query.where('user_agent', 'is', null)
  ).limit(1);
});

export async function knownDevice(tx: Tx, userId: string, userAgent: string | null): Promise<boolean> {
  const rows = await knownDeviceQuery(
    tx,
    { userId, userAgent: userAgent ?? '' },
    userAgent === null ? 'none' : 'agent',
  );
  return rows.length > 0;
}

/** Spends a hand-off code: true the first time its id is seen, false on every replay. */
export async function claimHandoff(tx: Tx, id: string, userId: string): Promise<boolean> {
  const fresh = await tx
    .insertInto('chambers.portal_handoffs')
    .values({ id, user_id: userId })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .executeTakeFirst();
  return Boolean(fresh);
}
