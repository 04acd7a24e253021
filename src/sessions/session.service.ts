import type { AppContext } from '../context/index.ts';
import type { RequestFacts, Principal } from '../access/index.ts';
import { AppError } from '../platform/errors.ts';
import { randomToken, sha256Hex } from '../platform/crypto-basics.ts';
import { type MemberRole, unsafeWithOwner, type Tx } from '../platform/db/index.ts';
import { sql } from 'kysely';
import { ACCESS_TOKEN_TTL_SECONDS, signAccessToken, type AccessClaims } from './access-tokens.ts';
import * as repo from './session.repository.ts';

const HOUR = 60 * 60 * 1000;
/** Absolute session lifetimes: powerful roles sign in again every working day. */
export const SESSION_LIFETIME_MS = { default: 30 * 24 * HOUR, privileged: 12 * HOUR } as const;
export const DEFAULT_IDLE_MINUTES = 30;
/** Writing last_seen_at on every request would turn reads into writes; a minute of slack is fine for a 30-minute rule. */
const TOUCH_EVERY_MS = 60 * 1000;

export type SignedInUser = { id: string; email: string; name: string; isSuperAdmin: boolean };
export type OrgMembership = { id: string; name: string; kind: 'firm' | 'court'; role: MemberRole };

export type TokenPair = {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  sessionId: string;
};

export const portalOf = (kind: 'firm' | 'court' | null | undefined) =>
  kind === 'court' ? 'judge' : kind === 'firm' ? 'lawyer' : null;

export function sessionLifetimeMs(user: { isSuperAdmin: boolean }, role: MemberRole | null): number {
  const privileged = user.isSuperAdmin || role === 'org_admin' || role === 'judge';
  return privileged ? SESSION_LIFETIME_MS.privileged : SESSION_LIFETIME_MS.default;
}

export function accessClaims(
  user: SignedInUser,
  org: OrgMembership | null,
  sessionId: string,
  amr: string[],
): AccessClaims {
  return {
    sub: user.id,
    sid: sessionId,
    org: org?.id ?? null,
    role: org?.role ?? null,
    portal: portalOf(org?.kind),
    amr,
    ...(user.isSuperAdmin ? { sa: true as const } : {}),
  };
}

/** Opens a session and its refresh-token family. Runs in the caller's owner transaction (sign-in is pre-tenant). */
export async function openSession(
  ctx: AppContext,
  tx: Tx,
  input: {
    user: SignedInUser;
    org: OrgMembership | null;
    facts: RequestFacts;
    amr: string[];
    aal: 1 | 2;
    mfaVerified?: boolean;
    /** Carried over from the session being replaced (switch-org). */ mfaVerifiedAt?: Date | null;
  },
): Promise<TokenPair> {
  const now = ctx.clock.now();
  const sessionId = await repo.insertSession(tx, {
    userId: input.user.id,
    orgId: input.org?.id ?? null,
    now,
    expiresAt: new Date(now.getTime() + sessionLifetimeMs(input.user, input.org?.role ?? null)),
    ip: input.facts.ip,
    userAgent: input.facts.userAgent?.slice(0, 512) ?? null,
    amr: input.amr,
    aal: input.aal,
    mfaVerifiedAt: input.mfaVerified ? now : (input.mfaVerifiedAt ?? null),
  });
  const refreshToken = randomToken(32);
  await repo.insertRefreshToken(tx, sessionId, sha256Hex(refreshToken));
  const accessToken = await signAccessToken(
    ctx.keys,
    ctx.config.publicUrl,
    accessClaims(input.user, input.org, sessionId, input.amr),
    now,
  );
  return { accessToken, refreshToken, tokenType: 'Bearer', expiresIn: ACCESS_TOKEN_TTL_SECONDS, sessionId };
}

export type RefreshOutcome =
  | { ok: true; pair: TokenPair; userId: string; orgId: string | null; user: SignedInUser; org: OrgMembership | null }
  | {
      ok: false;
      code: 'REFRESH_TOKEN_INVALID' | 'REFRESH_TOKEN_REUSED' | 'SESSION_REVOKED' | 'SESSION_EXPIRED';
      userId: string | null;
      orgId: string | null;
      sessionId: string | null;
    };

/**
 * Rotates a refresh token. The row lock makes concurrent uses of one token take
 * turns: the first rotates, every later one finds it used — which is the theft
 * signal of RFC 6819 — and the whole family (its session) is revoked in the same
 * transaction.
 */
export async function unsafeRotateRefreshToken(
  ctx: AppContext,
  presented: string,
  lookupUser: (
    tx: Tx,
    userId: string,
    orgId: string | null,
  ) => Promise<{ user: SignedInUser; org: OrgMembership | null } | null>,
): Promise<RefreshOutcome> {
  const now = ctx.clock.now();
  return unsafeWithOwner(ctx.db, async (tx) => {
    const row = await repo.lockRefreshToken(tx, sha256Hex(presented));
    if (!row) return { ok: false, code: 'REFRESH_TOKEN_INVALID', userId: null, orgId: null, sessionId: null } as const;
    const base = { userId: row.user_id, orgId: row.org_id, sessionId: row.session_id };
    if (row.used_at) {
      await repo.revokeSession(tx, row.session_id, 'refresh_token_reused', now);
      return { ok: false, code: 'REFRESH_TOKEN_REUSED', ...base } as const;
    }
    if (row.revoked_at) return { ok: false, code: 'SESSION_REVOKED', ...base } as const;
    if (new Date(row.expires_at) <= now) return { ok: false, code: 'SESSION_EXPIRED', ...base } as const;
    // The idle timeout holds here too: otherwise a refresh would revive any idle session.
    const idleMinutes = Math.max(row.idle_minutes ?? DEFAULT_IDLE_MINUTES, 1); // as chambers.authenticate_session
    if (now.getTime() - new Date(row.last_seen_at).getTime() > idleMinutes * 60_000)
      return { ok: false, code: 'SESSION_EXPIRED', ...base } as const;
    const found = await lookupUser(tx, row.user_id, row.org_id);
    if (!found) {
      await repo.revokeSession(tx, row.session_id, 'membership_ended', now);
      return { ok: false, code: 'SESSION_REVOKED', ...base } as const;
    }
    await repo.markRefreshTokenUsed(tx, row.id, now);
    const refreshToken = randomToken(32);
    await repo.insertRefreshToken(tx, row.session_id, sha256Hex(refreshToken));
    await repo.touchSession(tx, row.session_id, now);
    const accessToken = await signAccessToken(
      ctx.keys,
      ctx.config.publicUrl,
      accessClaims(found.user, found.org, row.session_id, row.amr),
      now,
    );
    return {
      ok: true,
      pair: {
        accessToken,
        refreshToken,
        tokenType: 'Bearer',
        expiresIn: ACCESS_TOKEN_TTL_SECONDS,
        sessionId: row.session_id,
      },
      userId: row.user_id,
      orgId: row.org_id,
      user: found.user,
      org: found.org,
    } as const;
  });
}

/**
 * The live-session half of authentication: one call of the SQL function
 * chambers.authenticate_session (db/migrations/0002_auth.sql) decides whether the
 * session named by a verified token is still live and returns who it speaks for.
 * Role and portal come from the database, not from the token.
 */
export async function principalForSession(ctx: AppContext, claims: AccessClaims): Promise<Principal> {
  const now = ctx.clock.now();
  const { rows } = await sql<{
    status: 'ok' | 'revoked' | 'expired' | 'idle';
    role: MemberRole | null;
    org_kind: 'firm' | 'court' | null;
    org_name: string | null;
    is_super_admin: boolean;
    email: string;
    name: string;
    aal: number;
    amr: string[];
    mfa_verified_at: Date | null;
    totp_enrolled: boolean;
    passkeys: number;
  }>`SELECT * FROM chambers.authenticate_session(${claims.sid}::uuid, ${claims.sub}::uuid, ${claims.org}::uuid, ${now}::timestamptz,
       ${`${TOUCH_EVERY_MS} milliseconds`}::interval, ${DEFAULT_IDLE_MINUTES}::int)`.execute(ctx.db.app);
  const s = rows[0];
  if (!s || s.status === 'revoked') throw new AppError('SESSION_REVOKED');
  if (s.status === 'expired') throw new AppError('SESSION_EXPIRED');
  if (s.status === 'idle') throw new AppError('SESSION_EXPIRED', 'the session was idle too long; sign in again');
  return {
    userId: claims.sub,
    orgId: claims.org,
    role: s.role,
    portal: portalOf(s.org_kind),
    isSuperAdmin: s.is_super_admin,
    sessionId: claims.sid,
    aal: s.aal === 2 ? 2 : 1,
    amr: s.amr,
    mfaVerifiedAt: s.mfa_verified_at ? new Date(s.mfa_verified_at) : null,
    identity: {
      email: s.email,
      name: s.name,
      orgName: s.org_name,
      orgKind: s.org_kind,
      mfa: { totp: s.totp_enrolled, webauthn: Number(s.passkeys) },
    },
  };
}
