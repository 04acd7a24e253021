import crypto from 'node:crypto';
import type { AppContext } from '../context/index.ts';
import type { Principal, RequestFacts } from '../access/index.ts';
import { AppError } from '../platform/errors.ts';
import { unsafeWithOwner } from '../platform/db/index.ts';
import { HANDOFF_TTL_MS, openHandoff, signHandoff } from './portal-handoff.ts';
import { lookupSessionOwner } from './session-owner.ts';
import * as repo from './session.repository.ts';
import { mintSession } from './session-minting.ts';
import type { OrgMembership, SignedInUser, TokenPair } from './session.service.ts';

const ownOrigin = (ctx: AppContext) => new URL(ctx.config.publicUrl).origin;

/**
 * A 30-second code that carries the caller's session to another portal of this deployment.
 * It names the session: the one it opens there is that session's child, and the code is
 * void once that session ends (logout, revocation, expiry).
 */
export async function issueHandoffCode(
  ctx: AppContext,
  who: Pick<Principal, 'userId' | 'orgId' | 'sessionId'>,
  audienceUrl: string,
  facts: RequestFacts,
): Promise<{ code: string; expiresAt: string }> {
  const audience = new URL(audienceUrl).origin;
  if (audience !== ownOrigin(ctx) && !ctx.config.portalOrigins.includes(audience))
    throw new AppError('VALIDATION_FAILED', 'body.audience: not a portal of this deployment (PORTAL_ORIGINS)');
  const exp = ctx.clock.now().getTime() + HANDOFF_TTL_MS;
  const code = signHandoff(ctx.keys.masterKey, {
    jti: crypto.randomUUID(),
    sub: who.userId,
    sid: who.sessionId,
    org: who.orgId,
    aud: audience,
    exp,
  });
  await ctx.audit.record({
    action: 'auth.handoff_issued',
    outcome: 'success',
    orgId: who.orgId,
    actorId: who.userId,
    details: { audience },
    ...facts,
  });
  return { code, expiresAt: new Date(exp).toISOString() };
}

/**
 * Opens a session on this portal for a hand-off code addressed to it: a child of the
 * issuing session, with that session's factors (read from the database), ending when
 * it ends and never outliving it. The code is spent in the same owner transaction
 * (sign-in is pre-tenant), so a replay finds it used.
 */
export async function unsafeRedeemHandoff(
  ctx: AppContext,
  code: string,
  facts: RequestFacts,
): Promise<{ pair: TokenPair; user: SignedInUser; org: OrgMembership | null }> {
  const claims = openHandoff(ctx.keys.masterKey, code, ownOrigin(ctx), ctx.clock.now());
  if (!claims) {
    await ctx.audit.record({
      action: 'auth.handoff_redeemed',
      outcome: 'failure',
      orgId: null,
      actorId: null,
      ...facts,
    });
    throw new AppError('HANDOFF_INVALID');
  }
  const result = await unsafeWithOwner(ctx.db, async (tx) => {
    if (!(await repo.claimHandoff(tx, claims.jti, claims.sub))) return null;
    const owner = await lookupSessionOwner(tx, claims.sub, claims.org);
    if (!owner) return null;
    const minted = await mintSession(ctx, tx, {
      user: owner.user,
      org: owner.org,
      facts,
      assurance: { basis: 'session', sessionId: claims.sid, binding: 'child', addAmr: 'handoff' },
    });
    // An ended issuing session, or one short of the factor its role now requires (then sign in again): refused.
    if (minted.kind !== 'session') return null;
    return { pair: minted.pair, ...owner };
  });
  await ctx.audit.record({
    action: 'auth.handoff_redeemed',
    outcome: result ? 'success' : 'failure',
    orgId: claims.org,
    actorId: claims.sub,
    ...facts,
  });
  if (!result) throw new AppError('HANDOFF_INVALID');
  return result;
}
