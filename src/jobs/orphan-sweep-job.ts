import type { AppContext } from '../context/index.ts';
import { sweepOrphanBlobs, unsafeBlobInUse } from '../documents/index.ts';
import { unsafeJudicialBlobInUse } from '../judicial/index.ts';

/** A blob younger than this may belong to an upload still in flight (its row comes after the blob). */
export const ORPHAN_GRACE_MS = 6 * 60 * 60 * 1000;

/**
 * Every module that keeps blobs in the shared store, by key prefix, with how to tell a live
 * blob from an orphan. A blob under no listed prefix is a firm-vault document version. A
 * module that adds blobs under a new prefix must be listed here, or its blobs would be swept.
 */
export const BLOB_OWNERS: ReadonlyArray<{
  prefix: string;
  owner: string;
  inUse: (ctx: AppContext, key: string) => Promise<boolean>;
}> = [
  { prefix: 'judicial/', owner: 'judicial case documents', inUse: unsafeJudicialBlobInUse },
  // Data exports are deleted by the privacy module's own retention class (24 hours), never by this sweep.
  { prefix: 'privacy-exports/', owner: 'privacy exports', inUse: async () => true },
];

/**
 * Deletes blobs no live row points at: left by an upload whose row was never written
 * (crash, refused at the last step) or a delete whose blob removal failed. Crosses
 * organizations by design (a background job), so it reads on the owner path.
 */
export async function runOrphanSweep(ctx: AppContext): Promise<number> {
  const olderThan = new Date(ctx.clock.now().getTime() - ORPHAN_GRACE_MS);
  const inUse = (key: string) => {
    const owner = BLOB_OWNERS.find((o) => key.startsWith(o.prefix));
    return owner ? owner.inUse(ctx, key) : unsafeBlobInUse(ctx.db, key);
  };
  const { deleted } = await sweepOrphanBlobs(ctx.blobStore, inUse, olderThan);
  return deleted.length;
}
