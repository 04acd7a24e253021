import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../context/index.ts';
import { principalOf, requestFacts } from '../access/index.ts';
import * as handoff from './portal-handoff.service.ts';
import { issueHandoffRoute, redeemHandoffRoute, sendSignIn } from './sessions.schemas.ts';

/**
 * Cross-portal hand-off: a signed-in user moves to another portal's origin (e.g.
 * a judges' portal on its own host) without signing in again. The code is
 * single-use, bound to its target origin and valid for 30 seconds.
 */
export async function portalHandoffRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post('/api/v1/auth/handoff', issueHandoffRoute, async (request, reply) => {
    const issued = await handoff.issueHandoffCode(
      ctx,
      principalOf(request),
      request.body.audience,
      requestFacts(request),
    );
    return reply.code(201).send(issued);
  });

  r.post(
    '/api/v1/auth/handoff/redeem',
    redeemHandoffRoute(ctx.config.rateLimits.authPerMinute),
    async (request, reply) =>
      sendSignIn(ctx, request, reply, await handoff.unsafeRedeemHandoff(ctx, request.body.code, requestFacts(request))),
  );
}
