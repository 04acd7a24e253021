import crypto from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context/index.ts';
import { sendSignIn } from './session-reply.ts';
import { tokensResponse } from './sessions.schemas.ts';
import { lookupSessionOwner } from './session-owner.ts';
import { openSession } from './session.service.ts';
import { requestFacts } from '../access/index.ts';
import { principalOf } from '../access/index.ts';
import { AppError } from '../platform/errors.ts';
import { unsafeWithOwner } from '../platform/db/index.ts';
import { HANDOFF_TTL_MS, openHandoff, signHandoff } from './portal-handoff.ts';

/**
 * Cross-portal hand-off: a signed-in user moves to another portal's origin (e.g.
 * a judges' portal on its own host) without signing in again. The code is
 * single-use, bound to its target origin and valid for 30 seconds.
 */
export async function portalHandoffRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['auth'];
  const ownOrigin = new URL(ctx.config.publicUrl).origin;
  const targets = new Set([ownOrigin, ...ctx.config.portalOrigins]);

  r.post(
    '/api/v1/auth/handoff',
    {
      config: { access: { orgOptional: true } },
      schema: { tags, summary: 'A 30-second code that signs you in on another portal', body: z.strictObject({ audience: z.url().max(300) }), response: { 201: z.object({ code: z.string(), expiresAt: z.string() }) } },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const audience = new URL(request.body.audience).origin;
      if (!targets.has(audience)) throw new AppError('VALIDATION_FAILED', 'body.audience: not a portal of this deployment (PORTAL_ORIGINS)');
      const exp = ctx.clock.now().getTime() + HANDOFF_TTL_MS;
      const code = signHandoff(ctx.keys.masterKey, { jti: crypto.randomUUID(), sub: p.userId, org: p.orgId, aud: audience, exp, amr: p.amr, aal: p.aal });
      await ctx.audit.record({ action: 'auth.handoff_issued', outcome: 'success', orgId: p.orgId, actorId: p.userId, details: { audience }, ...requestFacts(request) });
      return reply.code(201).send({ code, expiresAt: new Date(exp).toISOString() });
    },
  );

  r.post(
    '/api/v1/auth/handoff/redeem',
    {
      config: { access: { public: true }, rateLimits: [{ bucket: 'auth', limit: ctx.config.rateLimits.authPerMinute, windowMs: 60_000 }] },
      schema: { tags, summary: 'Redeem a hand-off code on this portal', body: z.strictObject({ code: z.string().min(10).max(2048) }), response: { 200: tokensResponse } },
    },
    async (request, reply) => {
      const facts = requestFacts(request);
      const claims = openHandoff(ctx.keys.masterKey, request.body.code, ownOrigin, ctx.clock.now());
      if (!claims) {
        await ctx.audit.record({ action: 'auth.handoff_redeemed', outcome: 'failure', orgId: null, actorId: null, ...facts });
        throw new AppError('HANDOFF_INVALID');
      }
      const result = await unsafeWithOwner(ctx.db, async (tx) => {
        const fresh = await tx.insertInto('chambers.portal_handoffs').values({ id: claims.jti, user_id: claims.sub }).onConflict((oc) => oc.column('id').doNothing()).returning('id').executeTakeFirst();
        if (!fresh) return null;
        const owner = await lookupSessionOwner(tx, claims.sub, claims.org);
        if (!owner) return null;
        const pair = await openSession(ctx, tx, { user: owner.user, org: owner.org, facts, amr: [...new Set([...claims.amr, 'handoff'])], aal: claims.aal });
        return { pair, ...owner };
      });
      await ctx.audit.record({ action: 'auth.handoff_redeemed', outcome: result ? 'success' : 'failure', orgId: claims.org, actorId: claims.sub, ...facts });
      if (!result) throw new AppError('HANDOFF_INVALID');
      return sendSignIn(ctx, request, reply, result);
    },
  );
}
