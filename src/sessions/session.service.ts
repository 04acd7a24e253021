import type { AppContext } from '../context/index.ts';
import type { Principal } from '../access/index.ts';
import { AppError } from '../platform/errors.ts';
import type { MemberRole } from '../platform/db/index.ts';
import { sql } from 'kysely';
import type { AccessClaims } from './access-tokens.ts';
import { readSessionEpoch, sessionLivenessCache, type SessionCheckRow } from './session-liveness.ts';

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
  const privileged = user.isSuperAdmin || role === 'org_admin' || role === 'judge' || role === 'clerk';
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

/**
 * The live-session half of authentication. The full check is one call of the SQL
 * function chambers.authenticate_session (db/migrations/0020_session_liveness.sql):
 * is the session named by a verified token still live, and whom does it speak for.
 * Its "ok" answer is remembered per process with the session epoch it was read
 * under; a later request reads only the epoch, and any change that could end the
 * session or change the answer (revocation, membership, suspension, factors,
 * idle setting) has moved it, so the full check runs again. Role and portal come
 * from the database, never from the token.
 */
export async function principalForSession(ctx: AppContext, claims: AccessClaims): Promise<Principal> {
  const now = ctx.clock.now();
  const cache = sessionLivenessCache(ctx.db);
  const cached = cache.candidate(claims, now, TOUCH_EVERY_MS);
  if (cached && (await readSessionEpoch(ctx.db)) === cached.epoch) return principalFrom(claims, cached.row);
  const { rows } =
    await sql<SessionCheckRow>`SELECT * FROM chambers.authenticate_session(${claims.sid}::uuid, ${claims.sub}::uuid, ${claims.org}::uuid, ${now}::timestamptz,
       ${`${TOUCH_EVERY_MS} milliseconds`}::interval, ${DEFAULT_IDLE_MINUTES}::int)`.execute(ctx.db.app);
  const s = rows[0];
  if (!s || s.status === 'revoked') {
    cache.forget(claims.sid);
    throw new AppError('SESSION_REVOKED');
  }
  const row = { ...s, epoch: Number(s.epoch) };
  cache.remember(claims, row);
  if (s.status === 'expired') throw new AppError('SESSION_EXPIRED');
  if (s.status === 'idle') throw new AppError('SESSION_EXPIRED', 'the session was idle too long; sign in again');
  return principalFrom(claims, row);
}

function principalFrom(claims: AccessClaims, s: SessionCheckRow): Principal {
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
    idleTimeoutMinutes: s.idle_minutes ?? DEFAULT_IDLE_MINUTES,
    identity: {
      email: s.email,
      name: s.name,
      orgName: s.org_name,
      orgKind: s.org_kind,
      mfa: { totp: s.totp_enrolled, webauthn: Number(s.passkeys) },
    },
  };
}
