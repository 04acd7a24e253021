import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../context/index.ts';
import { actorOf, inRequestTenant, requestFacts } from '../access/index.ts';
import { searchQueryDetails } from '../audit/index.ts';
import { searchRoute } from './search.schemas.ts';
import * as service from './search.service.ts';

export async function searchRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.withTypeProvider<ZodTypeProvider>().get('/api/v1/search', searchRoute, async (request) => {
    const page = await inRequestTenant(ctx.db, request, (tx) => service.search(tx, request.query));
    const actor = actorOf(request);
    // Recorded as the query's length and keyed hash, never its words (audit/search-query.ts).
    await ctx.audit.record({
      action: 'workspace.search',
      outcome: 'success',
      orgId: actor.orgId,
      actorId: actor.userId,
      target: null,
      details: searchQueryDetails(ctx.keys.masterKey, actor.orgId, request.query.q, page.results.length),
      ...requestFacts(request),
    });
    return page;
  });
}
