import { sql } from 'kysely';
import type { AppContext } from '../context/index.ts';
import { unsafeWithOwner } from '../platform/db/index.ts';
import { deleteBlobs } from '../documents/index.ts';
import { shredDocument } from '../documents/index.ts';

/** Documents deleted per run at most; the next run continues. */
const BATCH = 500;

/**
 * Applies every organization's retention policy: a live document older than its
 * policy's days (and carrying the policy's tag, when one is set) is crypto-shredded
 * like an on-demand delete, unless it or its matter is under legal hold. A background
 * job crosses organizations by design, hence the owner path.
 *
 * @example await runRetention(ctx) // → number of documents deleted
 */
export async function runRetention(ctx: AppContext): Promise<number> {
  const now = ctx.clock.now();
  const due = await unsafeWithOwner(ctx.db, (tx) =>
    tx
      .selectFrom('chambers.documents as d')
      .innerJoin('chambers.matters as m', 'm.id', 'd.matter_id')
      .innerJoin('chambers.document_policies as p', 'p.org_id', 'd.org_id')
      .select(['d.id', 'd.org_id'])
      .where('d.deleted_at', 'is', null)
      .where('d.legal_hold', '=', false)
      .where('m.legal_hold', '=', false)
      .where('p.retention_days', 'is not', null)
      .where(sql<boolean>`d.created_at + make_interval(days => p.retention_days) <= ${now}`)
      .where(sql<boolean>`(p.retention_tag IS NULL OR p.retention_tag = ANY (d.tags))`)
      .orderBy('d.created_at')
      .limit(BATCH)
      .execute(),
  );
  for (const doc of due) {
    const keys = await unsafeWithOwner(ctx.db, (tx) => shredDocument(tx, doc.id, { userId: null, reason: 'retention' }));
    await deleteBlobs(ctx, keys);
    await ctx.audit.record({ action: 'document.delete', outcome: 'success', orgId: doc.org_id, actorId: null, target: doc.id, details: { reason: 'retention' } });
  }
  return due.length;
}
