import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../context/index.ts';
import { principalOf, requestFacts } from '../access/index.ts';
import { auditStreamRoute } from './siem.schemas.ts';
import { unsafeOpenAuditStream } from './stream.service.ts';

/**
 * `GET /api/v1/audit/stream?after=<seq>`: every sealed event with seq > after, one JSON
 * object per line (the sealed fields, details included), chunked, in seq order, up to
 * the sealed size when the request began. A SIEM resumes with the last seq it stored.
 */
export async function auditStreamRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/api/v1/audit/stream', auditStreamRoute, async (request, reply) => {
    const p = principalOf(request);
    const lines = await unsafeOpenAuditStream(ctx, request.query.after);
    await ctx.audit.record({
      action: 'audit.stream',
      outcome: 'success',
      orgId: p.orgId,
      actorId: p.userId,
      details: { after: request.query.after },
      ...requestFacts(request),
    });
    return reply
      .header('content-type', 'application/x-ndjson; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(lines);
  });
}
