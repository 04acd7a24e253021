import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../context/index.ts';
import { inRequestTenant, principalOf, requestFacts } from '../access/index.ts';
import { dismissOnboardingRoute, getOnboardingRoute } from './onboarding.schemas.ts';
import * as service from './onboarding.service.ts';

/** The onboarding checklist of the caller's current organization (org_admin). */
export async function onboardingRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/orgs/current/onboarding', getOnboardingRoute, async (request) =>
    inRequestTenant(ctx.db, request, (tx, actor) => service.onboardingStatus(tx, ctx, actor)),
  );

  r.post('/api/v1/orgs/current/onboarding/dismiss', dismissOnboardingRoute, async (request, reply) => {
    const p = principalOf(request);
    const dismissed = await inRequestTenant(ctx.db, request, (tx, actor) => service.dismissOnboarding(tx, ctx, actor));
    // Dismissing again answers 204 too, but is not an event.
    if (dismissed)
      await ctx.audit.record({
        action: 'org.onboarding_dismissed',
        outcome: 'success',
        orgId: p.orgId,
        actorId: p.userId,
        target: `org:${p.orgId}`,
        ...requestFacts(request),
      });
    return reply.code(204).send();
  });
}
