import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../context/index.ts';
import { actorOf, inRequestTenant, requestFacts } from '../access/index.ts';
import { AppError } from '../platform/errors.ts';
import {
  categoriesRoute,
  createPlaybookRoute,
  deletePlaybookRoute,
  getPlaybookRoute,
  getProviderRoute,
  getSettingsRoute,
  listPlaybooksRoute,
  putPlaybookRoute,
  putProviderRoute,
  putSettingsRoute,
  reviewLogRoute,
  statusRoute,
  usageRoute,
} from './ai.schemas.ts';
import * as service from './ai.service.ts';

export async function aiRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  /** The server's engine (AI_PROVIDER), for the status label; an organization may have its own (org-provider.ts). */
  const serverEngine = service.createEngine(ctx.config.ai);
  const stopPurge = service.startReviewLogPurge(ctx);
  app.addHook('onClose', async () => stopPurge());

  // The four tools themselves are in ai-tools.routes.ts (firm vault and judicial store).
  /** A playbook whose guidance tries to instruct the model: refused (422) and audited. */
  const refused = async (request: FastifyRequest, err: unknown) => {
    if (!(err instanceof AppError) || err.code !== 'PROMPT_INJECTION') return;
    const actor = actorOf(request);
    const classes = (err.extra.body?.classes as string[] | undefined)?.join(',') ?? '';
    await ctx.audit.record({
      action: 'ai.refused',
      outcome: 'denied',
      orgId: actor.orgId,
      actorId: actor.userId,
      target: null,
      details: { tool: 'review', rule: 'prompt_injection', classes },
      ...requestFacts(request),
    });
  };

  r.get('/api/v1/ai/status', statusRoute, async (request) =>
    inRequestTenant(ctx.db, request, async (tx, actor) =>
      service.status(tx, ctx, await service.engineFor(tx, ctx, actor.orgId, serverEngine)),
    ),
  );

  r.get('/api/v1/ai/categories', categoriesRoute, async () => ({
    categories: service.categories(),
  }));

  r.get('/api/v1/ai/usage', usageRoute, async (request) =>
    inRequestTenant(ctx.db, request, (tx) => service.usage(tx, ctx)),
  );

  r.get('/api/v1/ai/settings', getSettingsRoute, async (request) =>
    inRequestTenant(ctx.db, request, (tx) => service.getSettings(tx, ctx)),
  );

  r.put('/api/v1/ai/settings', putSettingsRoute, async (request) =>
    inRequestTenant(ctx.db, request, (tx, actor) => service.putSettings(tx, ctx, actor, request.body)),
  );

  r.get('/api/v1/ai/provider', getProviderRoute, async (request) =>
    inRequestTenant(ctx.db, request, (tx) => service.getProvider(tx)),
  );

  r.put('/api/v1/ai/provider', putProviderRoute, async (request) => {
    const out = await inRequestTenant(ctx.db, request, (tx, actor) =>
      service.putProvider(tx, ctx, actor, request.body),
    );
    const actor = actorOf(request);
    await ctx.audit.record({
      action: 'ai.settings',
      outcome: 'success',
      orgId: actor.orgId,
      actorId: actor.userId,
      target: null,
      details: { provider: out.provider ?? 'server', model: out.model ?? '', apiKeySet: out.apiKeySet },
      ...requestFacts(request),
    });
    return out;
  });

  r.get('/api/v1/ai/review-log', reviewLogRoute, async (request) =>
    inRequestTenant(ctx.db, request, (tx, actor) => service.reviewLogEntries(tx, ctx, actor)),
  );

  r.post('/api/v1/playbooks', createPlaybookRoute, async (request, reply) => {
    try {
      const out = await inRequestTenant(ctx.db, request, (tx, actor) =>
        service.createPlaybook(tx, actor, request.body),
      );
      return reply.code(201).send(out);
    } catch (err) {
      await refused(request, err);
      throw err;
    }
  });

  r.get('/api/v1/playbooks', listPlaybooksRoute, async (request) =>
    inRequestTenant(ctx.db, request, (tx) => service.listPlaybooks(tx)),
  );

  r.get('/api/v1/playbooks/:id', getPlaybookRoute, async (request) =>
    inRequestTenant(ctx.db, request, (tx) => service.getPlaybook(tx, request.params.id)),
  );

  r.put('/api/v1/playbooks/:id', putPlaybookRoute, async (request) => {
    try {
      return await inRequestTenant(ctx.db, request, (tx) =>
        service.replacePlaybook(tx, request.params.id, request.body),
      );
    } catch (err) {
      await refused(request, err);
      throw err;
    }
  });

  r.delete('/api/v1/playbooks/:id', deletePlaybookRoute, async (request, reply) => {
    await inRequestTenant(ctx.db, request, (tx) => service.deletePlaybook(tx, request.params.id));
    return reply.code(204).send();
  });
}
