import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../context/index.ts';
import { principalOf, requestFacts } from '../access/index.ts';
import { AppError } from '../platform/errors.ts';
import { noteBody } from '../transparency/index.ts';
import { streamAuditExport } from './audit-export.service.ts';
import { eventsToCsv } from './audit-csv.service.ts';
import { unsafeNameEvents } from './audit-names.service.ts';
import {
  CSV_MAX_EVENTS,
  auditCsvRoute,
  auditExportRoute,
  auditStatusRoute,
  checkpointRoute,
  consistencyProofRoute,
  getEventRoute,
  inclusionProofRoute,
  listEventsRoute,
  publicKeyRoute,
} from './audit-trail.schemas.ts';
import * as service from './audit-trail.service.ts';

/** The audit API (docs/audit.md, docs/api/reference.md); who may call what is in audit-trail.schemas.ts. */
export async function auditRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/audit/events', listEventsRoute, async (request) => {
    const p = principalOf(request);
    const page = await service.unsafeReadAs(ctx, p, (tx) => service.listEvents(tx, request.query));
    const shown = await service.unsafeRevealForAdmin(ctx, page.events);
    return { ...page, events: await unsafeNameEvents(ctx, p, shown) };
  });

  r.get('/api/v1/audit/events.csv', auditCsvRoute, async (request, reply) => {
    const p = principalOf(request);
    const page = await service.unsafeReadAs(ctx, p, (tx) =>
      service.listEvents(tx, { ...request.query, limit: CSV_MAX_EVENTS }),
    );
    const events = await unsafeNameEvents(ctx, p, await service.unsafeRevealForAdmin(ctx, page.events));
    await ctx.audit.record({
      action: 'audit.export_csv',
      outcome: 'success',
      orgId: p.orgId,
      actorId: p.userId,
      target: null,
      details: { events: events.length },
      ...requestFacts(request),
    });
    return reply
      .header('content-disposition', 'attachment; filename="chambers-audit.csv"')
      .type('text/csv; charset=utf-8')
      .send(eventsToCsv(events));
  });

  r.get('/api/v1/audit/events/:seq', getEventRoute, async (request) => {
    const p = principalOf(request);
    const event = await service.unsafeReadAs(ctx, p, (tx) => service.getEvent(tx, request.params.seq));
    const [shown] = await unsafeNameEvents(ctx, p, await service.unsafeRevealForAdmin(ctx, [event]));
    return shown!;
  });

  r.get('/api/v1/audit/checkpoint', checkpointRoute, async () => {
    const cp = await service.unsafeLatestCheckpoint(ctx);
    if (!cp) throw new AppError('NOT_FOUND', 'no checkpoint has been signed yet');
    return {
      treeSize: cp.treeSize,
      rootHash: cp.rootHash,
      signedAt: cp.signedAt,
      signature: cp.signature,
      keyId: cp.keyId,
      origin: cp.origin,
      note: noteBody(cp),
    };
  });

  r.get('/api/v1/audit/public-key', publicKeyRoute, async () => service.publicKeyOf(ctx));

  r.get('/api/v1/audit/proof/inclusion', inclusionProofRoute, async (request) =>
    service.inclusionProof(ctx, request.query.seq, request.query.treeSize),
  );

  r.get('/api/v1/audit/proof/consistency', consistencyProofRoute, async (request) =>
    service.consistencyProof(ctx, request.query.from, request.query.to),
  );

  r.get('/api/v1/audit/status', auditStatusRoute, async () => service.unsafeAuditStatus(ctx));

  r.get('/api/v1/audit/export', auditExportRoute, async (request, reply) => {
    const bundle = await streamAuditExport(ctx, principalOf(request), request.query, requestFacts(request));
    return reply
      .header('content-disposition', 'attachment; filename="chambers-audit.json"')
      .type('application/json; charset=utf-8')
      .send(bundle);
  });
}
