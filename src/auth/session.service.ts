import type { AppContext } from '../app-context.ts';
import type { RequestFacts } from '../audit/audit.ts';
import type { Principal } from '../http/route-access.ts';
import { AppError } from '../platform/errors.ts';
import { randomToken, sha256Hex } from '../platform/crypto.ts';
import type { MemberRole } from '../platform/db/schema.ts';
import { unsafeWithOwner, withTenant, type Tx } from '../platform/db/tenant.ts';
import { ACCESS_TOKEN_TTL_SECONDS, signAccessToken, type AccessClaims } from './access-tokens.ts';
import * as repo from './session.repository.ts';
import './auth.errors.ts';

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

export const portalOf = (kind: 'firm' | 'court' | null | undefined) => (kind === 'court' ? 'judge' : kind === 'firm' ? 'lawyer' : null);

export function sessionLifetimeMs(user: { isSuperAdmin: boolean }, role: MemberRole | null): number {
  const privileged = user.isSuperAdmin || role === 'org_admin' || role === 'judge';
  return privileged ? SESSION_LIFETIME_MS.privileged : SESSION_LIFETIME_MS.default;
}

export function accessClaims(user: SignedInUser, org: OrgMembership | null, sessionId: string, amr: string[]): AccessClaims {
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
  input: { user: SignedInUser; org: OrgMembership | null; facts: RequestFacts; amr: string[]; aal: 1 | 2 },
): Promise<TokenPair> {
  const now = ctx.clock.now();
  const sessionId = await repo.insertSession(tx, {
    userId: input.user.id,
    orgId: input.org?.id ?? null,
    expiresAt: new Date(now.getTime() + sessionLifetimeMs(input.user, input.org?.role ?? null)),
    ip: input.facts.ip,
    userAgent: input.facts.userAgent?.slice(0, 512) ?? null,
    amr: input.amr,
    aal: input.aal,
  });
  const refreshToken = randomToken(32);
  await repo.insertRefreshToken(tx, sessionId, sha256Hex(refreshToken));
  const accessToken = await signAccessToken(ctx.keys, ctx.config.publicUrl, accessClaims(input.user, input.org, sessionId, input.amr), now);
  return { accessToken, refreshToken, tokenType: 'Bearer', expiresIn: ACCESS_TOKEN_TTL_SECONDS, sessionId };
}

export type RefreshOutcome =
  | { ok: true; pair: TokenPair; userId: string; orgId: string | null; user: SignedInUser; org: OrgMembership | null }
  | { ok: false; code: 'REFRESH_TOKEN_INVALID' | 'REFRESH_TOKEN_REUSED' | 'SESSION_REVOKED' | 'SESSION_EXPIRED'; userId: string | null; orgId: string | null; sessionId: string | null };

/**
 * Rotates a refresh token. The row lock makes concurrent uses of one token take
 * turns: the first rotates, every later one finds it used — which is the theft
 * signal of RFC 6819 — and the whole family (its session) is revoked in the same
 * transaction.
 */
export async function unsafeRotateRefreshToken(ctx: AppContext, presented: string, lookupUser: (tx: Tx, userId: string, orgId: string | null) => Promise<{ user: SignedInUser; org: OrgMembership | null } | null>): Promise<RefreshOutcome> {
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
    const found = await lookupUser(tx, row.user_id, row.org_id);
    if (!found) {
      await repo.revokeSession(tx, row.session_id, 'membership_ended', now);
      return { ok: false, code: 'SESSION_REVOKED', ...base } as const;
    }
    await repo.markRefreshTokenUsed(tx, row.id, now);
    const refreshToken = randomToken(32);
    await repo.insertRefreshToken(tx, row.session_id, sha256Hex(refreshToken));
    await repo.touchSession(tx, row.session_id, now);
    const accessToken = await signAccessToken(ctx.keys, ctx.config.publicUrl, accessClaims(found.user, found.org, row.session_id, row.amr), now);
    return {
      ok: true,
      pair: { accessToken, refreshToken, tokenType: 'Bearer', expiresIn: ACCESS_TOKEN_TTL_SECONDS, sessionId: row.session_id },
      userId: row.user_id,
      orgId: row.org_id,
      user: found.user,
      org: found.org,
    } as const;
  });
}

/**
 * The live-session half of authentication: the session named by the token must
 * exist, not be revoked, not be past its absolute lifetime nor idle too long, and
 * the membership must still hold. Role and portal come from the database, not the token.
 */
export async function principalForSession(ctx: AppContext, claims: AccessClaims): Promise<Principal> {
  const now = ctx.clock.now();
  return withTenant(ctx.db, { orgId: claims.org, userId: claims.sub }, async (tx) => {
    const s = await repo.loadSessionForRequest(tx, claims.sid);
    if (!s || s.user_id !== claims.sub || (s.org_id ?? null) !== claims.org) throw new AppError('SESSION_REVOKED');
    if (s.revoked_at) throw new AppError('SESSION_REVOKED');
    if (new Date(s.expires_at) <= now) throw new AppError('SESSION_EXPIRED');
    const idleMs = (s.idle_minutes && s.idle_minutes > 0 ? s.idle_minutes : DEFAULT_IDLE_MINUTES) * 60 * 1000;
    const lastSeen = new Date(s.last_seen_at).getTime();
    // last_seen_at is not moved by a refused request, so an idle session stays refused.
    if (now.getTime() - lastSeen > idleMs) throw new AppError('SESSION_EXPIRED', 'the session was idle too long; sign in again');
    if (s.org_id && !s.role) throw new AppError('SESSION_REVOKED', 'you are no longer a member of this organization');
    if (now.getTime() - lastSeen > TOUCH_EVERY_MS) await repo.touchSession(tx, s.id, now);
    return {
      userId: s.user_id,
      orgId: s.org_id,
      role: s.role ?? null,
      portal: portalOf(s.org_kind),
      isSuperAdmin: s.is_super_admin,
      sessionId: s.id,
      aal: s.aal === 2 ? 2 : 1,
      amr: s.amr,
    };
  });
}
