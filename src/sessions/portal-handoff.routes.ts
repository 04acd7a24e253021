import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context/index.ts';
import { principalOf, requestFacts } from '../access/index.ts';
import * as handoff from './portal-handoff.service.ts';
import { sendSignIn, tokensResponse } from './sessions.schemas.ts';

/**
 * Cross-portal hand-off: a signed-in user moves to another portal's origin (e.g.
 * a judges' portal on its own host) without signing in again. The code is
 * single-use, bound to its target origin and valid for 30 seconds.
 */
export async function portalHandoffRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['auth'];

  r.post(
    '/api/v1/auth/handoff',
    {
      config: { access: { orgOptional: true } },
      schema: { tags, summary: 'A 30-second code that signs you in on another portal', body: z.strictObject({ audience: z.url().max(300) }), response: { 201: z.object({ code: z.string(), expiresAt: z.string() }) } },
    },
    async (request, reply) => {
      const issued = await handoff.issueHandoffCode(ctx, principalOf(request), request.body.audience, requestFacts(request));
      return reply.code(201).send(issued);
    },
  );

  r.post(
    '/api/v1/auth/handoff/redeem',
    {
      config: { access: { public: true }, rateLimits: [{ bucket: 'auth', limit: ctx.config.rateLimits.authPerMinute, windowMs: 60_000 }] },
      schema: { tags, summary: 'Redeem a hand-off code on this portal', body: z.strictObject({ code: z.string().min(10).max(2048) }), response: { 200: tokensResponse } },
    },
    async (request, reply) => sendSignIn(ctx, request, reply, await handoff.unsafeRedeemHandoff(ctx, request.body.code, requestFacts(request))),
  );
}
