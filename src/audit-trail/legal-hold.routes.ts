import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../context/index.ts';
import { principalOf, requestFacts } from '../access/index.ts';
import { AppError } from '../platform/errors.ts';
import { getLegalHoldRoute, liftLegalHoldRoute, setLegalHoldRoute } from './legal-hold.schemas.ts';
import * as holds from './legal-hold.service.ts';

/** Legal hold per organization: while set, the retention purge keeps its events (and every later one). */
export async function legalHoldRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const url = '/api/v1/orgs/:orgId/audit/legal-hold';

  r.get(url, getLegalHoldRoute, async (request) => {
    const h = await holds.unsafeGetHold(ctx, principalOf(request), request.params.orgId);
    if (!h) throw new AppError('NOT_FOUND', 'no legal hold');
    return h;
  });

  r.put(url, setLegalHoldRoute, async (request) => {
    const p = principalOf(request);
    const h = await holds.unsafeSetHold(ctx, p, request.params.orgId, request.body.reason);
    // The reason is the admin's own words about a case: kept with the hold, not copied into the log.
    await ctx.audit.record({
      action: 'retention.hold_set',
      outcome: 'success',
      orgId: request.params.orgId,
      actorId: p.userId,
      target: `org:${request.params.orgId}`,
      ...requestFacts(request),
    });
    return h;
  });

  r.delete(url, liftLegalHoldRoute, async (request, reply) => {
    const p = principalOf(request);
    if (!(await holds.unsafeLiftHold(ctx, p, request.params.orgId))) throw new AppError('NOT_FOUND', 'no legal hold');
    await ctx.audit.record({
      action: 'retention.hold_lifted',
      outcome: 'success',
      orgId: request.params.orgId,
      actorId: p.userId,
      target: `org:${request.params.orgId}`,
      ...requestFacts(request),
    });
    return reply.code(204).send();
  });
}
