import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../context/index.ts';
import { actorOf, inRequestTenant, principalOf, requestFacts } from '../access/index.ts';
import { AppError } from '../platform/errors.ts';
import * as service from './client-privacy.service.ts';
import { eraseClientRoute, exportClientRoute } from './client-privacy.schemas.ts';

/**
 * Data-subject requests for a client (GDPR Art. 15 and 17), made by the firm on the person's
 * behalf. Both are audited by the client's id only: the log never holds the name.
 */
export async function clientPrivacyRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const by = (request: FastifyRequest) => {
    const actor = actorOf(request);
    return {
      orgId: actor.orgId,
      actorId: actor.userId,
      target: (request.params as { id: string }).id,
      ...requestFacts(request),
    };
  };

  r.get('/api/v1/clients/:id/personal-data', exportClientRoute, async (request, reply) => {
    const { nameForTrace, ...data } = await inRequestTenant(ctx.db, request, (tx) =>
      service.collectClientData(tx, request.params.id, ctx.clock.now()),
    );
    const { orgId } = actorOf(request);
    const processing =
      principalOf(request).role === 'org_admin'
        ? await service.unsafeClientProcessing(ctx.db, ctx.keys.masterKey, orgId, request.params.id, nameForTrace)
        : null;
    await ctx.audit.record({ action: 'client.personal_data_export', outcome: 'success', ...by(request) });
    const day = data.exportedAt.slice(0, 10);
    return reply
      .header(
        'content-disposition',
        `attachment; filename="chambers-client-${request.params.id.slice(0, 8)}-${day}.json"`,
      )
      .type('application/json; charset=utf-8')
      .send({ ...data, processing });
  });

  r.post('/api/v1/clients/:id/erase', eraseClientRoute, async (request) => {
    const result = await service
      .unsafeEraseClient(ctx.db, actorOf(request), request.params.id, ctx.clock.now())
      .catch(async (err: unknown) => {
        if (err instanceof AppError && err.code === 'CLIENT_LEGAL_HOLD')
          await ctx.audit.record({
            action: 'client.erase',
            outcome: 'denied',
            details: { reason: 'legal_hold' },
            ...by(request),
          });
        throw err;
      });
    await ctx.audit.record({
      action: 'client.erase',
      outcome: 'success',
      details: {
        contacts: result.contactsRemoved,
        parties: result.partiesPseudonymized,
        matters: result.mattersPseudonymized,
      },
      ...by(request),
    });
    return result;
  });
}
