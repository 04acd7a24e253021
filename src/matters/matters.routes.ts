import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../context/index.ts';
import { actorOf, inRequestTenant, readInRequestTenant, requestFacts } from '../access/index.ts';
import { searchQueryDetails } from '../audit/index.ts';
import * as walls from './matter-walls.service.ts';
import {
  getMatterRoute,
  getWallRoute,
  legalHoldRoute,
  liftWallRoute,
  listMattersRoute,
  matterStatusRoute,
  openMatterRoute,
  setWallRoute,
  updateMatterRoute,
} from './matters.schemas.ts';
import * as service from './matters.service.ts';

export async function mattersRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  /** Who did it, from where: the part every matter event shares. Recorded after the transaction committed. */
  const by = (request: FastifyRequest) => {
    const actor = actorOf(request);
    return { outcome: 'success' as const, orgId: actor.orgId, actorId: actor.userId, ...requestFacts(request) };
  };

  r.post('/api/v1/matters', openMatterRoute, async (request, reply) => {
    const matter = await inRequestTenant(ctx.db, request, (tx, actor) => service.createMatter(tx, actor, request.body));
    await ctx.audit.record({ action: 'matter.create', target: matter.id, ...by(request) });
    return reply.code(201).send(matter);
  });

  r.get('/api/v1/matters', listMattersRoute, async (request) => {
    const page = await readInRequestTenant(ctx.db, request, (tx) => service.listMatters(tx, request.query));
    // A search is recorded as its length and keyed hash, never its words (audit/search-query.ts).
    const { q } = request.query;
    if (q !== undefined)
      await ctx.audit.record({
        action: 'matter.search',
        target: null,
        details: searchQueryDetails(ctx.keys.masterKey, actorOf(request).orgId, q, page.matters.length),
        ...by(request),
      });
    return page;
  });

  r.get('/api/v1/matters/:id', getMatterRoute, async (request) => {
    const matter = await inRequestTenant(ctx.db, request, (tx) => service.getMatter(tx, request.params.id));
    await ctx.audit.record({ action: 'matter.view', target: matter.id, ...by(request) });
    return matter;
  });

  r.patch('/api/v1/matters/:id', updateMatterRoute, async (request) => {
    const matter = await inRequestTenant(ctx.db, request, (tx, actor) =>
      service.updateMatter(tx, actor, request.params.id, request.body),
    );
    // Which fields changed, not their values: titles and client names stay out of the log.
    const fields = Object.keys(request.body).sort().join(',');
    await ctx.audit.record({ action: 'matter.update', target: matter.id, details: { fields }, ...by(request) });
    return matter;
  });

  for (const [action, status] of [
    ['archive', 'archived'],
    ['unarchive', 'open'],
    ['close', 'closed'],
    ['reopen', 'open'],
  ] as const) {
    r.post(`/api/v1/matters/:id/${action}`, matterStatusRoute(action), async (request) => {
      const matter = await inRequestTenant(ctx.db, request, (tx, actor) =>
        service.setMatterStatus(tx, actor, request.params.id, status),
      );
      await ctx.audit.record({ action: `matter.${action}`, target: matter.id, ...by(request) });
      return matter;
    });
  }

  r.put('/api/v1/matters/:id/legal-hold', legalHoldRoute, async (request) => {
    const actor = actorOf(request);
    const matter = await inRequestTenant(ctx.db, request, (tx, actor) =>
      service.updateMatter(tx, actor, request.params.id, { legalHold: request.body.hold }),
    );
    await ctx.audit.record({
      action: request.body.hold ? 'matter.legal_hold_set' : 'matter.legal_hold_lift',
      outcome: 'success',
      orgId: actor.orgId,
      actorId: actor.userId,
      target: matter.id,
      ...requestFacts(request),
    });
    return matter;
  });

  r.get('/api/v1/matters/:id/wall', getWallRoute, async (request) =>
    inRequestTenant(ctx.db, request, (tx) => walls.getWall(tx, request.params.id)),
  );

  r.put('/api/v1/matters/:id/wall', setWallRoute, async (request) => {
    const actor = actorOf(request);
    const wall = await inRequestTenant(ctx.db, request, (tx) =>
      walls.setWall(tx, actor, request.params.id, request.body.memberIds),
    );
    await ctx.audit.record({
      action: 'matter.wall_set',
      outcome: 'success',
      orgId: actor.orgId,
      actorId: actor.userId,
      target: wall.matterId,
      details: { members: wall.memberIds.length },
      ...requestFacts(request),
    });
    return wall;
  });

  r.delete('/api/v1/matters/:id/wall', liftWallRoute, async (request, reply) => {
    const actor = actorOf(request);
    await inRequestTenant(ctx.db, request, (tx) => walls.liftWall(tx, request.params.id));
    await ctx.audit.record({
      action: 'matter.wall_lift',
      outcome: 'success',
      orgId: actor.orgId,
      actorId: actor.userId,
      target: request.params.id,
      ...requestFacts(request),
    });
    return reply.code(204).send();
  });
}
