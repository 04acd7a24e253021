import type { AppContext } from '../context/index.ts';
import { unsafeWithOwner } from '../platform/db/index.ts';
import { sweepOrphanBlobs } from '../documents/index.ts';

/** A blob younger than this may belong to an upload still in flight (its row comes after the blob). */
export const ORPHAN_GRACE_MS = 6 * 60 * 60 * 1000;

/**
 * Deletes blobs no live version points at: left by an upload whose row was never written
 * (crash, refused at the last step) or a delete whose blob removal failed. Crosses
 * organizations by design (a background job), so it reads on the owner path.
 */
export async function runOrphanSweep(ctx: AppContext): Promise<number> {
  const isKnown = async (key: string) =>
    unsafeWithOwner(ctx.db, async (tx) =>
      Boolean(await tx.selectFrom('chambers.document_versions').select('id').where('blob_key', '=', key).where('shredded_at', 'is', null).executeTakeFirst()),
    );
  const olderThan = new Date(ctx.clock.now().getTime() - ORPHAN_GRACE_MS);
  const { deleted } = await sweepOrphanBlobs(ctx.blobStore, isKnown, olderThan);
  return deleted.length;
}
