import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../context/index.ts';
import { actorOf, inRequestTenant, requestFacts } from '../access/index.ts';
import * as walls from './matter-walls.service.ts';
import {
  createMatterBody,
  legalHoldBody,
  wallBody,
  wallResponse,
  listMattersQuery,
  matterIdParams,
  matterListResponse,
  matterResponse,
  updateMatterBody,
} from './matters.schemas.ts';
import * as service from './matters.service.ts';

const WRITERS = ['org_admin', 'lawyer'] as const;

export async function mattersRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/api/v1/matters',
    {
      config: { access: { portal: 'lawyer', roles: [...WRITERS] }, idempotent: true },
      schema: { tags: ['matters'], summary: 'Open a matter', body: createMatterBody, response: { 201: matterResponse } },
    },
    async (request, reply) => {
      const matter = await inRequestTenant(ctx.db, request, (tx, actor) => service.createMatter(tx, actor, request.body));
      return reply.code(201).send(matter);
    },
  );

  r.get(
    '/api/v1/matters',
    {
      config: { access: { portal: 'lawyer' } },
      schema: { tags: ['matters'], summary: 'List and search matters', querystring: listMattersQuery, response: { 200: matterListResponse } },
    },
    async (request) => inRequestTenant(ctx.db, request, (tx) => service.listMatters(tx, request.query)),
  );

  r.get(
    '/api/v1/matters/:id',
    {
      config: { access: { portal: 'lawyer' } },
      schema: { tags: ['matters'], summary: 'One matter', params: matterIdParams, response: { 200: matterResponse } },
    },
    async (request) => inRequestTenant(ctx.db, request, (tx) => service.getMatter(tx, request.params.id)),
  );

  r.patch(
    '/api/v1/matters/:id',
    {
      config: { access: { portal: 'lawyer', roles: [...WRITERS] } },
      schema: { tags: ['matters'], summary: 'Rename, re-reference or archive a matter', params: matterIdParams, body: updateMatterBody, response: { 200: matterResponse } },
    },
    async (request) => inRequestTenant(ctx.db, request, (tx) => service.updateMatter(tx, request.params.id, request.body)),
  );

  for (const [action, status] of [['archive', 'archived'], ['unarchive', 'open']] as const) {
    r.post(
      `/api/v1/matters/:id/${action}`,
      {
        config: { access: { portal: 'lawyer', roles: [...WRITERS] } },
        schema: { tags: ['matters'], summary: action === 'archive' ? 'Archive a matter' : 'Reopen an archived matter', params: matterIdParams, response: { 200: matterResponse } },
      },
      async (request) => inRequestTenant(ctx.db, request, (tx) => service.updateMatter(tx, request.params.id, { status })),
    );
  }

  r.put(
    '/api/v1/matters/:id/legal-hold',
    {
      config: { access: { portal: 'lawyer', roles: ['org_admin'] } },
      schema: { tags: ['matters'], summary: 'Place or lift a legal hold: no document of the matter can be deleted while it holds', params: matterIdParams, body: legalHoldBody, response: { 200: matterResponse } },
    },
    async (request) => {
      const actor = actorOf(request);
      const matter = await inRequestTenant(ctx.db, request, (tx) => service.updateMatter(tx, request.params.id, { legalHold: request.body.hold }));
      await ctx.audit.record({ action: request.body.hold ? 'matter.legal_hold_set' : 'matter.legal_hold_lift', outcome: 'success', orgId: actor.orgId, actorId: actor.userId, target: matter.id, ...requestFacts(request) });
      return matter;
    },
  );

  const ADMIN = { portal: 'lawyer', roles: ['org_admin'] } as const;
  r.get(
    '/api/v1/matters/:id/wall',
    { config: { access: { ...ADMIN, roles: [...ADMIN.roles] } }, schema: { tags: ['matters'], summary: 'Who an ethical wall admits', params: matterIdParams, response: { 200: wallResponse } } },
    async (request) => inRequestTenant(ctx.db, request, (tx) => walls.getWall(tx, request.params.id)),
  );

  r.put(
    '/api/v1/matters/:id/wall',
    {
      config: { access: { ...ADMIN, roles: [...ADMIN.roles] } },
      schema: { tags: ['matters'], summary: 'Restrict a matter and its documents to named members (ethical wall)', params: matterIdParams, body: wallBody, response: { 200: wallResponse } },
    },
    async (request) => {
      const actor = actorOf(request);
      const wall = await inRequestTenant(ctx.db, request, (tx) => walls.setWall(tx, actor, request.params.id, request.body.memberIds));
      await ctx.audit.record({ action: 'matter.wall_set', outcome: 'success', orgId: actor.orgId, actorId: actor.userId, target: wall.matterId, details: { members: wall.memberIds.length }, ...requestFacts(request) });
      return wall;
    },
  );

  r.delete(
    '/api/v1/matters/:id/wall',
    { config: { access: { ...ADMIN, roles: [...ADMIN.roles] } }, schema: { tags: ['matters'], summary: 'Lift an ethical wall', params: matterIdParams } },
    async (request, reply) => {
      const actor = actorOf(request);
      await inRequestTenant(ctx.db, request, (tx) => walls.liftWall(tx, request.params.id));
      await ctx.audit.record({ action: 'matter.wall_lift', outcome: 'success', orgId: actor.orgId, actorId: actor.userId, target: request.params.id, ...requestFacts(request) });
      return reply.code(204).send();
    },
  );
}
