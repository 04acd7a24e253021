import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../context/index.ts';
import { actorOf, inRequestTenant, requestFacts } from '../access/index.ts';
import { unsafeAcceptDelivery } from './inbound.service.ts';
import {
  createIntegrationRoute,
  deleteIntegrationRoute,
  inboundDeliveryRoute,
  listIntegrationsRoute,
  rotateSecretRoute,
} from './webhooks.schemas.ts';
import * as service from './webhooks.service.ts';

/** Inbound deliveries are small JSON events; anything bigger is refused before it is read whole. */
const INBOUND_BODY_LIMIT = 256 * 1024;

export async function webhooksRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const base = '/api/v1/orgs/:orgId/webhooks/integrations';

  r.post(base, createIntegrationRoute, async (request, reply) => {
    const actor = actorOf(request);
    const created = await inRequestTenant(ctx.db, request, (tx) =>
      service.createIntegration(tx, ctx, actor, request.params.orgId, request.body.name),
    );
    await ctx.audit.record({
      action: 'webhook.integration_create',
      outcome: 'success',
      orgId: actor.orgId,
      actorId: actor.userId,
      target: `webhook_integration:${created.id}`,
      ...requestFacts(request),
    });
    return reply.code(201).send(created);
  });

  r.get(base, listIntegrationsRoute, async (request) => ({
    integrations: await inRequestTenant(ctx.db, request, (tx, actor) =>
      service.listIntegrations(tx, actor, request.params.orgId),
    ),
  }));

  r.post(`${base}/:integrationId/rotate`, rotateSecretRoute, async (request) => {
    const actor = actorOf(request);
    const rotated = await inRequestTenant(ctx.db, request, (tx) =>
      service.rotateSecret(tx, ctx, actor, request.params.orgId, request.params.integrationId),
    );
    await ctx.audit.record({
      action: 'webhook.secret_rotate',
      outcome: 'success',
      orgId: actor.orgId,
      actorId: actor.userId,
      target: `webhook_integration:${rotated.id}`,
      ...requestFacts(request),
    });
    return rotated;
  });

  r.delete(`${base}/:integrationId`, deleteIntegrationRoute, async (request, reply) => {
    const actor = actorOf(request);
    await inRequestTenant(ctx.db, request, (tx) =>
      service.deleteIntegration(tx, actor, request.params.orgId, request.params.integrationId),
    );
    await ctx.audit.record({
      action: 'webhook.integration_delete',
      outcome: 'success',
      orgId: actor.orgId,
      actorId: actor.userId,
      target: `webhook_integration:${request.params.integrationId}`,
      ...requestFacts(request),
    });
    return reply.code(204).send();
  });

  // Inbound deliveries: the body stays raw bytes (a parser scoped to this route) so the
  // signature is checked over exactly what was sent, before anything parses it.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: INBOUND_BODY_LIMIT }, (_request, body, done) =>
      done(null, body),
    );
    scope
      .withTypeProvider<ZodTypeProvider>()
      .post('/api/v1/webhooks/inbound/:integrationId', inboundDeliveryRoute, async (request, reply) => {
        const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const { eventId } = await unsafeAcceptDelivery(
          ctx,
          { integrationId: request.params.integrationId, headers: request.headers, rawBody },
          requestFacts(request),
        );
        return reply.code(202).send({ status: 'accepted' as const, eventId });
      });
  });
}
