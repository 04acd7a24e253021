import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../context/index.ts';
import { principalOf, requestFacts } from '../access/index.ts';
import { clearOrgRetentionRoute, getOrgRetentionRoute, setOrgRetentionRoute } from './org-retention.schemas.ts';
import { unsafeGetOrgRetention, unsafeSetOrgRetention } from './org-retention.service.ts';

/** An organization's own, longer audit retention (a firm that must keep 7 years); every change is audited. */
export async function orgRetentionRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const url = '/api/v1/orgs/:orgId/audit/retention';

  r.get(url, getOrgRetentionRoute, async (request) =>
    unsafeGetOrgRetention(ctx, principalOf(request), request.params.orgId),
  );

  const change = async (request: FastifyRequest, orgId: string, days: number | null) => {
    const p = principalOf(request);
    const { retention, previousDays } = await unsafeSetOrgRetention(ctx, p, orgId, days);
    await ctx.audit.record({
      action: 'retention.audit_period_set',
      outcome: 'success',
      orgId,
      actorId: p.userId,
      target: `org:${orgId}`,
      details: { days, previousDays },
      ...requestFacts(request),
    });
    return retention;
  };

  r.put(url, setOrgRetentionRoute, async (request) => change(request, request.params.orgId, request.body.days));
  r.delete(url, clearOrgRetentionRoute, async (request) => change(request, request.params.orgId, null));
}
