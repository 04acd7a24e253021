import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../app-context.ts';
import { principalOf } from '../http/route-access.ts';
import { withTenant } from '../platform/db/tenant.ts';
import {
  createMatterBody,
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
  const tenant = (p: { orgId: string | null; userId: string }) => ({ orgId: p.orgId, userId: p.userId });

  r.post(
    '/api/v1/matters',
    {
      config: { access: { portal: 'lawyer', roles: [...WRITERS] } },
      schema: { tags: ['matters'], summary: 'Open a matter', body: createMatterBody, response: { 201: matterResponse } },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const matter = await withTenant(ctx.db, tenant(p), (tx) => service.createMatter(tx, { orgId: p.orgId!, userId: p.userId }, request.body));
      return reply.code(201).send(matter);
    },
  );

  r.get(
    '/api/v1/matters',
    {
      config: { access: { portal: 'lawyer' } },
      schema: { tags: ['matters'], summary: 'List and search matters', querystring: listMattersQuery, response: { 200: matterListResponse } },
    },
    async (request) => withTenant(ctx.db, tenant(principalOf(request)), (tx) => service.listMatters(tx, request.query)),
  );

  r.get(
    '/api/v1/matters/:id',
    {
      config: { access: { portal: 'lawyer' } },
      schema: { tags: ['matters'], summary: 'One matter', params: matterIdParams, response: { 200: matterResponse } },
    },
    async (request) => withTenant(ctx.db, tenant(principalOf(request)), (tx) => service.getMatter(tx, request.params.id)),
  );

  r.patch(
    '/api/v1/matters/:id',
    {
      config: { access: { portal: 'lawyer', roles: [...WRITERS] } },
      schema: { tags: ['matters'], summary: 'Rename, re-reference or archive a matter', params: matterIdParams, body: updateMatterBody, response: { 200: matterResponse } },
    },
    async (request) => withTenant(ctx.db, tenant(principalOf(request)), (tx) => service.updateMatter(tx, request.params.id, request.body)),
  );
}
