import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf, inRequestTenant, requestFacts } from '../access/index.ts';
import type { AppContext } from '../context/index.ts';
import * as keys from './api-keys.service.ts';
import * as calls from './call-log.service.ts';
import {
  createKeyRoute,
  createWebhookRoute,
  deleteWebhookRoute,
  getWebhookRoute,
  listCallsRoute,
  listDeliveriesRoute,
  listKeysRoute,
  listWebhooksRoute,
  resendDeliveryRoute,
  revokeKeyRoute,
  rotateSecretRoute,
  testDataRoute,
  testEventRoute,
  updateKeyRoute,
} from './developer.schemas.ts';
import * as testData from './test-data.service.ts';
import * as webhooks from './webhooks.service.ts';

/** The developer portal's API: keys, the call log, outbound webhooks (API.md, "Developer platform"). */
export async function developerRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const deps = () => ({ masterKey: ctx.keys.masterKey, allowHosts: ctx.config.ssrfAllowHosts, now: ctx.clock.now() });

  r.post('/api/v1/developer/keys', createKeyRoute, async (request, reply) => {
    const actor = actorOf(request);
    const created = await inRequestTenant(ctx.db, request, (tx) =>
      keys.createKey(tx, actor, request.body, ctx.clock.now()),
    );
    await ctx.audit.record({
      action: 'apikey.create',
      outcome: 'success',
      orgId: actor.orgId,
      actorId: actor.userId,
      target: created.id,
      details: { scopes: created.scopes.join(' ') },
      ...requestFacts(request),
    });
    return reply.code(201).send(created);
  });

  r.get('/api/v1/developer/keys', listKeysRoute, async (request) =>
    inRequestTenant(ctx.db, request, (tx) => keys.listKeys(tx, ctx.clock.now())),
  );

  r.patch('/api/v1/developer/keys/:id', updateKeyRoute, async (request) =>
    inRequestTenant(ctx.db, request, (tx) => keys.updateKey(tx, request.params.id, request.body, ctx.clock.now())),
  );

  r.delete('/api/v1/developer/keys/:id', revokeKeyRoute, async (request, reply) => {
    const actor = actorOf(request);
    await inRequestTenant(ctx.db, request, (tx) => keys.revokeKey(tx, request.params.id, ctx.clock.now()));
    await ctx.audit.record({
      action: 'apikey.revoke',
      outcome: 'success',
      orgId: actor.orgId,
      actorId: actor.userId,
      target: request.params.id,
      ...requestFacts(request),
    });
    return reply.code(204).send();
  });

  r.get('/api/v1/developer/calls', listCallsRoute, async (request) =>
    inRequestTenant(ctx.db, request, (tx) => calls.listCalls(tx, request.query)),
  );

  r.post('/api/v1/developer/webhooks', createWebhookRoute, async (request, reply) => {
    const actor = actorOf(request);
    const created = await inRequestTenant(ctx.db, request, (tx) =>
      webhooks.createWebhook(tx, actor, request.body, deps()),
    );
    await ctx.audit.record({
      action: 'webhook.create',
      outcome: 'success',
      orgId: actor.orgId,
      actorId: actor.userId,
      target: created.id,
      details: { events: request.body.events.length },
      ...requestFacts(request),
    });
    return reply.code(201).send(created);
  });

  r.get('/api/v1/developer/webhooks', listWebhooksRoute, async (request) =>
    inRequestTenant(ctx.db, request, (tx) => webhooks.listWebhooks(tx)),
  );

  r.get('/api/v1/developer/webhooks/:id', getWebhookRoute, async (request) =>
    inRequestTenant(ctx.db, request, (tx) => webhooks.getWebhook(tx, request.params.id)),
  );

  r.delete('/api/v1/developer/webhooks/:id', deleteWebhookRoute, async (request, reply) => {
    const actor = actorOf(request);
    await inRequestTenant(ctx.db, request, (tx) => webhooks.deleteWebhook(tx, request.params.id));
    await ctx.audit.record({
      action: 'webhook.delete',
      outcome: 'success',
      orgId: actor.orgId,
      actorId: actor.userId,
      target: request.params.id,
      ...requestFacts(request),
    });
    return reply.code(204).send();
  });

  r.post('/api/v1/developer/webhooks/:id/rotate-secret', rotateSecretRoute, async (request) => {
    const actor = actorOf(request);
    const rotated = await inRequestTenant(ctx.db, request, (tx) =>
      webhooks.rotateSecret(tx, actor, request.params.id, deps()),
    );
    await ctx.audit.record({
      action: 'webhook.secret_rotated',
      outcome: 'success',
      orgId: actor.orgId,
      actorId: actor.userId,
      target: request.params.id,
      ...requestFacts(request),
    });
    return rotated;
  });

  r.get('/api/v1/developer/webhooks/:id/deliveries', listDeliveriesRoute, async (request) =>
    inRequestTenant(ctx.db, request, (tx) => webhooks.listDeliveries(tx, request.params.id)),
  );

  r.post(
    '/api/v1/developer/webhooks/:id/deliveries/:deliveryId/resend',
    resendDeliveryRoute,
    async (request, reply) => {
      await inRequestTenant(ctx.db, request, (tx) =>
        webhooks.resendDelivery(tx, request.params.id, request.params.deliveryId, ctx.clock.now()),
      );
      return reply.code(202).send({ status: 'queued' as const });
    },
  );

  r.put('/api/v1/matters/:id/test-data', testDataRoute, async (request) => {
    const actor = actorOf(request);
    const marked = await inRequestTenant(ctx.db, request, (tx) =>
      testData.markTestData(tx, request.params.id, request.body.testData),
    );
    await ctx.audit.record({
      action: 'matter.update',
      outcome: 'success',
      orgId: actor.orgId,
      actorId: actor.userId,
      target: marked.id,
      details: { testData: marked.testData },
      ...requestFacts(request),
    });
    return marked;
  });

  r.post('/api/v1/developer/webhooks/:id/test', testEventRoute, async (request, reply) => {
    const actor = actorOf(request);
    await inRequestTenant(ctx.db, request, (tx) => webhooks.sendTestEvent(tx, actor, request.params.id));
    return reply.code(202).send({ status: 'queued' as const });
  });
}
