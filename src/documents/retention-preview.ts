import type { FastifyInstance, RouteShorthandOptions } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import { actorOf } from '../access/index.ts';
import type { AppContext } from '../context/index.ts';
import { type Database, unsafeWithOwner } from '../platform/db/index.ts';

/**
 * "Save" on a retention policy may delete documents at the job's next run. Before she confirms, the
 * admin is told how many: the documents of her organization the proposed policy would delete now,
 * counted as the retention job selects them (live, outside any legal hold, tag matching), walled
 * matters included, since retention deletes those too. A number only: no name leaves the owner path.
 */
export async function unsafeCountRetentionCandidates(
  db: Database,
  orgId: string,
  policy: { retentionDays: number; retentionTag?: string | undefined },
  now: Date,
): Promise<number> {
  const { rows } = await unsafeWithOwner(db, (tx) =>
    sql<{ n: number }>`
      SELECT count(*)::int AS n FROM chambers.documents d JOIN chambers.matters m ON m.id = d.matter_id
       WHERE d.org_id = ${orgId} AND d.deleted_at IS NULL AND NOT d.legal_hold AND NOT m.legal_hold
         AND d.created_at + make_interval(days => ${policy.retentionDays}::int) <= ${now}
         AND (${policy.retentionTag ?? null}::text IS NULL OR ${policy.retentionTag ?? null}::text = ANY (d.tags))`.execute(
      tx,
    ),
  );
  return rows[0]?.n ?? 0;
}

const previewQuery = z.strictObject({
  retentionDays: z.coerce.number().int().min(1).max(36500),
  retentionTag: z.string().trim().min(1).max(50).optional(),
});

/** GET /api/v1/document-policy/retention-preview */
export const retentionPreviewRoute = {
  config: { access: { portal: 'lawyer', roles: ['org_admin'] } },
  schema: {
    tags: ['documents'],
    summary: 'How many documents a retention policy would delete now (asked before it is saved)',
    querystring: previewQuery,
    response: { 200: z.object({ documents: z.number() }) },
  },
} satisfies RouteShorthandOptions;

export async function retentionPreviewRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app
    .withTypeProvider<ZodTypeProvider>()
    .get('/api/v1/document-policy/retention-preview', retentionPreviewRoute, async (request) => ({
      documents: await unsafeCountRetentionCandidates(ctx.db, actorOf(request).orgId, request.query, ctx.clock.now()),
    }));
}
