import type { AppContext } from '../context/index.ts';
import { mfaRequiredFor, type RequestFacts } from '../access/index.ts';
import { randomToken, sha256Hex } from '../platform/crypto-basics.ts';
import { unsafeWithOwner, type Tx } from '../platform/db/index.ts';
import { ACCESS_TOKEN_TTL_SECONDS, signAccessToken } from './access-tokens.ts';
import * as repo from './session.repository.ts';
import {
  accessClaims,
  DEFAULT_IDLE_MINUTES,
  sessionLifetimeMs,
  type OrgMembership,
  type SignedInUser,
  type TokenPair,
} from './session.service.ts';

/*
 * The one door to a session. Every path that opens a session or hands out tokens for
 * one — login, the MFA step, passkey sign-in, enrollment, switch-org, the portal
 * hand-off, refresh — comes through mintSession or unsafeRotateRefreshToken below,
 * and both ask sessionPolicyFor/decideAssurance what the target organization and role
 * demand. Nothing else inserts a session row, a refresh token or signs an access
 * token (src/sessions/session-minting.security.test.ts scans src/ for it).
 */

/** What the target organization, role and user's factors demand of a session in it. */
export type SessionPolicy = {
  /** The role (or the organization's settings) requires a verified second factor. */
  mfaRequired: boolean;
  factors: { totp: boolean; webauthn: number };
  /** The organization allows one session per user: a new sign-in ends the others. */
  singleSession: boolean;
};

export async function sessionPolicyFor(tx: Tx, user: SignedInUser, org: OrgMembership | null): Promise<SessionPolicy> {
  const facts = await repo.policyFacts(tx, user.id, org?.id ?? null);
  return {
    mfaRequired: mfaRequiredFor(user, org?.role ?? null, facts.orgMfaRoles),
    factors: facts.factors,
    singleSession: Boolean(org) && facts.singleSession,
  };
}

/** How the caller proved who it is, in this request or in the live session it carries. */
export type Assurance =
  /** A password was checked now; aal 2 only with a valid trusted-device cookie. */
  | { basis: 'password'; aal: 1 | 2; amr: string[] }
  /** A second factor (or a user-verifying passkey) was checked now. */
  | { basis: 'factor'; amr: string[] }
  /**
   * Carried from a live session of the same user, read from the database (never from
   * the caller): `replace` ends it (switch-org), `child` binds the new session to it
   * (portal hand-off). Either way the new session cannot outlive it.
   */
  | { basis: 'session'; sessionId: string; binding: 'replace' | 'child'; addAmr?: string };

export type AssuranceDecision = 'allow' | 'verify_factor' | 'enroll_factor';

/**
 * The answer a direct login gives: aal 2 passes; a user with a factor must use it
 * where the role requires one, and at every password sign-in; a user without one
 * must enroll where the role requires one. An aal-1 session carried from a live one
 * (the user enrolled after signing in) keeps working where no factor is required.
 */
export function decideAssurance(policy: SessionPolicy, aal: 1 | 2, basis: Assurance['basis']): AssuranceDecision {
  if (aal === 2) return 'allow';
  const hasFactor = policy.factors.totp || policy.factors.webauthn > 0;
  if (hasFactor && (policy.mfaRequired || basis === 'password')) return 'verify_factor';
  if (policy.mfaRequired) return 'enroll_factor';
  return 'allow';
}

export type MintOutcome =
  | { kind: 'session'; pair: TokenPair; expiresAt: Date }
  /** Answer like login: `{mfaRequired, mfaToken, methods}` for the target organization. */
  | { kind: 'verify_factor'; factors: SessionPolicy['factors'] }
  /** Answer like login: `{mfaEnrollmentRequired, enrollmentToken}` for the target organization. */
  | { kind: 'enroll_factor' }
  /** The carried session is gone (revoked, expired, another user's): nothing to carry. */
  | { kind: 'source_ended' };

type Carried = {
  aal: 1 | 2;
  amr: string[];
  mfaVerifiedAt: Date | null;
  parentId: string | null;
  notAfter: Date | null;
};

/** Reads and checks the session an Assurance of basis `session` carries; null when it is not live. */
async function carriedFrom(
  tx: Tx,
  a: Extract<Assurance, { basis: 'session' }>,
  target: { userId: string; orgId: string | null },
  now: Date,
): Promise<Carried | null> {
  const src = await repo.lockSourceSession(tx, a.sessionId);
  if (!src || src.user_id !== target.userId || src.revoked_at || new Date(src.expires_at) <= now) return null;
  const child = a.binding === 'child';
  // A child speaks for the same organization as its parent; only switch-org changes it.
  if (child && src.org_id !== target.orgId) return null;
  const amr = a.addAmr ? [...new Set([...src.amr, a.addAmr])] : src.amr;
  return {
    aal: src.aal === 2 ? 2 : 1,
    amr,
    // A hand-off child starts without a recent factor (step up again on the other portal), as before binding.
    mfaVerifiedAt: child ? null : src.mfa_verified_at ? new Date(src.mfa_verified_at) : null,
    parentId: child ? src.id : src.parent_session_id,
    notAfter: new Date(src.expires_at),
  };
}

/**
 * Opens a session for `user` in `org` if the organization's and role's policy allow
 * it with the assurance given, or says which step (like login) must come first. Runs
 * in the caller's owner transaction (sign-in is pre-tenant).
 */
export async function mintSession(
  ctx: AppContext,
  tx: Tx,
  input: { user: SignedInUser; org: OrgMembership | null; facts: RequestFacts; assurance: Assurance },
): Promise<MintOutcome> {
  const now = ctx.clock.now();
  const a = input.assurance;
  let carried: Carried;
  if (a.basis === 'session') {
    const found = await carriedFrom(tx, a, { userId: input.user.id, orgId: input.org?.id ?? null }, now);
    if (!found) return { kind: 'source_ended' };
    carried = found;
    // The session that asked to switch ends whatever the answer (API: switch-org).
    if (a.binding === 'replace') await repo.revokeSession(tx, a.sessionId, 'switched_organization', now);
  } else {
    const aal = a.basis === 'factor' ? 2 : a.aal;
    carried = { aal, amr: a.amr, mfaVerifiedAt: a.basis === 'factor' ? now : null, parentId: null, notAfter: null };
  }

  const policy = await sessionPolicyFor(tx, input.user, input.org);
  const decision = decideAssurance(policy, carried.aal, a.basis);
  if (decision === 'verify_factor') return { kind: 'verify_factor', factors: policy.factors };
  if (decision === 'enroll_factor') return { kind: 'enroll_factor' };

  const lifetimeEnd = now.getTime() + sessionLifetimeMs(input.user, input.org?.role ?? null);
  // Carried assurance never outlives its origin: a re-scoped or handed-off session ends when its source would.
  const expiresAt = new Date(Math.min(lifetimeEnd, carried.notAfter?.getTime() ?? lifetimeEnd));
  const refreshToken = randomToken(32);
  const sessionId = await repo.insertSession(
    tx,
    {
      userId: input.user.id,
      orgId: input.org?.id ?? null,
      now,
      expiresAt,
      ip: input.facts.ip,
      userAgent: input.facts.userAgent?.slice(0, 512) ?? null,
      amr: carried.amr,
      aal: carried.aal,
      mfaVerifiedAt: carried.mfaVerifiedAt,
      parentSessionId: carried.parentId,
    },
    sha256Hex(refreshToken),
  );
  // A hand-off child is the same sign-in on another portal, not a new one: the single-session rule leaves it be.
  if (policy.singleSession && !(a.basis === 'session' && a.binding === 'child'))
    await repo.revokeUserSessions(tx, input.user.id, 'single_session_policy', now, sessionId);
  const pair = await tokenPair(ctx, sessionId, refreshToken, input.user, input.org, carried.amr, now);
  return { kind: 'session', pair, expiresAt };
}

/** A rotation's fresh refresh token for the session, and an access token that names it. */
async function issuePair(
  ctx: AppContext,
  tx: Tx,
  sessionId: string,
  user: SignedInUser,
  org: OrgMembership | null,
  amr: string[],
  now: Date,
): Promise<TokenPair> {
  const refreshToken = randomToken(32);
  await repo.insertRefreshToken(tx, sessionId, sha256Hex(refreshToken));
  return tokenPair(ctx, sessionId, refreshToken, user, org, amr, now);
}

/** The pair handed out for a stored refresh token: the only place an access token is signed. */
async function tokenPair(
  ctx: AppContext,
  sessionId: string,
  refreshToken: string,
  user: SignedInUser,
  org: OrgMembership | null,
  amr: string[],
  now: Date,
): Promise<TokenPair> {
  const accessToken = await signAccessToken(
    ctx.keys,
    ctx.config.publicUrl,
    accessClaims(user, org, sessionId, amr),
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
 * transaction. The session's organization and role are read afresh, and their MFA
 * policy applied as at sign-in: a session without the factor its role now requires
 * ends here (the user signs in again and meets the factor step).
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
    const policy = await sessionPolicyFor(tx, found.user, found.org);
    if (decideAssurance(policy, row.aal === 2 ? 2 : 1, 'session') !== 'allow') {
      await repo.revokeSession(tx, row.session_id, 'mfa_required', now);
      return { ok: false, code: 'SESSION_REVOKED', ...base } as const;
    }
    await repo.markRefreshTokenUsed(tx, row.id, now);
    await repo.touchSession(tx, row.session_id, now);
    const pair = await issuePair(ctx, tx, row.session_id, found.user, found.org, row.amr, now);
    return { ok: true, pair, userId: row.user_id, orgId: row.org_id, user: found.user, org: found.org } as const;
  });
}
