import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../context/index.ts';
import { inAccountTenant, principalOf, requestFacts } from '../access/index.ts';
import { clearSessionCookies } from '../sessions/index.ts';
import * as erasure from './erasure.service.ts';
import * as exports from './export.service.ts';
import { downloadExportRoute, eraseAccountRoute, exportStatusRoute, requestExportRoute } from './privacy.schemas.ts';

export async function privacyRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post('/api/v1/me/export', requestExportRoute, async (request, reply) => {
    const p = principalOf(request);
    await exports.unsafeRequireRecentFactor(ctx, p);
    const job = await inAccountTenant(ctx.db, request, (tx, who) =>
      exports.openExport(tx, who.userId, ctx.clock.now()),
    );
    if (job.created) {
      await ctx.audit.record({
        action: 'privacy.export_requested',
        outcome: 'success',
        orgId: p.orgId,
        actorId: p.userId,
        target: job.id,
        ...requestFacts(request),
      });
      exports.startBuild(ctx, job.id);
    }
    return reply.code(202).send({ id: job.id });
  });

  r.get('/api/v1/me/exports/:id', exportStatusRoute, async (request) =>
    exports.unsafeExportStatus(ctx, principalOf(request).userId, request.params.id),
  );

  r.get('/api/v1/me/exports/:id/download', downloadExportRoute, async (request, reply) => {
    const p = principalOf(request);
    const body = await exports.unsafeOpenDownload(ctx, p.userId, request.params.id, request.query.token);
    await ctx.audit.record({
      action: 'privacy.export_downloaded',
      outcome: 'success',
      orgId: p.orgId,
      actorId: p.userId,
      target: request.params.id,
      ...requestFacts(request),
    });
    const day = ctx.clock.now().toISOString().slice(0, 10);
    return reply
      .header('content-type', 'application/zip')
      .header('content-disposition', `attachment; filename="chambers-my-data-${day}.zip"`)
      .send(body);
  });

  r.delete('/api/v1/me', eraseAccountRoute, async (request, reply) => {
    const result = await erasure.unsafeEraseAccount(ctx, principalOf(request), request.body, requestFacts(request));
    clearSessionCookies(reply);
    return reply.code(202).send(result);
  });
}
