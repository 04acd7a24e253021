import type { AppContext } from '../context/index.ts';
import { sweepOrphanBlobs, unsafeBlobInUse } from '../documents/index.ts';

/** A blob younger than this may belong to an upload still in flight (its row comes after the blob). */
export const ORPHAN_GRACE_MS = 6 * 60 * 60 * 1000;

/**
 * Deletes blobs no live version points at: left by an upload whose row was never written
 * (crash, refused at the last step) or a delete whose blob removal failed. Crosses
 * organizations by design (a background job), so it reads on the owner path.
 */
export async function runOrphanSweep(ctx: AppContext): Promise<number> {
  const olderThan = new Date(ctx.clock.now().getTime() - ORPHAN_GRACE_MS);
  const { deleted } = await sweepOrphanBlobs(ctx.blobStore, (key) => unsafeBlobInUse(ctx.db, key), olderThan);
  return deleted.length;
}
