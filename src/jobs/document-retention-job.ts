import type { AppContext } from '../context/index.ts';
import { deleteBlobs, unsafeDocumentsPastRetention, unsafeShredForRetention } from '../documents/index.ts';

/** Documents deleted per run at most; the next run continues. */
const BATCH = 500;

/**
 * Applies every organization's retention policy: a live document older than its
 * policy's days (and carrying the policy's tag, when one is set) is crypto-shredded
 * like an on-demand delete, unless it or its matter is under legal hold. A background
 * job crosses organizations by design, hence the owner path (the unsafe… reads and writes).
 *
 * @example await runRetention(ctx) // → number of documents deleted
 */
export async function runRetention(ctx: AppContext): Promise<number> {
  const due = await unsafeDocumentsPastRetention(ctx.db, ctx.clock.now(), BATCH);
  for (const doc of due) {
    const keys = await unsafeShredForRetention(ctx.db, doc.id);
    await deleteBlobs(ctx, keys);
    await ctx.audit.record({
      action: 'document.delete',
      outcome: 'success',
      orgId: doc.org_id,
      actorId: null,
      target: doc.id,
      details: { reason: 'retention' },
    });
  }
  return due.length;
}
