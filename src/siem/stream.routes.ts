import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context/index.ts';
import { requestFacts } from '../access/index.ts';
import { principalOf } from '../access/index.ts';
import { RECENT_FACTOR } from '../access/index.ts';
import { unsafeWithOwner } from '../platform/db/index.ts';
import { sealedRows, toFields } from '../audit/index.ts';

const PAGE = 1000;

/**
 * `GET /api/v1/audit/stream?after=<seq>`: every sealed event with seq > after, one JSON
 * object per line (the sealed fields, details included), chunked, in seq order, up to
 * the sealed size when the request began. A SIEM resumes with the last seq it stored.
 */
export async function auditStreamRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/v1/audit/stream',
    {
      config: { access: { orgOptional: true, superAdmin: true, recentFactorMs: RECENT_FACTOR.admin } },
      schema: {
        tags: ['audit'],
        summary: 'Stream sealed events as JSON lines from a seq cursor (super_admin; SIEM export)',
        querystring: z.strictObject({ after: z.coerce.number().int().min(-1).max(Number.MAX_SAFE_INTEGER).default(-1) }),
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      await ctx.auditSealer.sealNow();
      const end = ctx.auditSealer.tree.size;
      const start = Math.max(request.query.after + 1, ctx.auditSealer.status().prunedBelow);
      await ctx.audit.record({ action: 'audit.stream', outcome: 'success', orgId: p.orgId, actorId: p.userId, details: { after: request.query.after }, ...requestFacts(request) });
      async function* lines() {
        for (let from = start; from < end; from += PAGE) {
          const rows = await unsafeWithOwner(ctx.db, (tx) => sealedRows(tx, from, Math.min(end, from + PAGE)));
          if (rows.length === 0) return;
          yield rows.map((row) => `${JSON.stringify(toFields(row, row.seq!))}\n`).join('');
        }
      }
      return reply.header('content-type', 'application/x-ndjson; charset=utf-8').header('cache-control', 'no-store').send(Readable.from(lines()));
    },
  );
}
