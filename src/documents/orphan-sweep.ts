import type { BlobStore } from '../platform/storage/index.ts';

/**
 * Removes blobs that no document row names: left by uploads interrupted after the
 * blob was written but before the row committed (or by a crash between the two).
 * Only blobs last modified before `olderThan` are candidates, so an upload still
 * in flight (blob written, row not yet committed) is never swept.
 *
 * @example
 *   await sweepOrphanBlobs(ctx.blobStore, (key) => documentExistsForBlob(key), new Date(Date.now() - 24 * 3600_000));
 */
export async function sweepOrphanBlobs(
  store: BlobStore,
  isKnown: (key: string) => Promise<boolean>,
  olderThan: Date,
): Promise<{ examined: number; deleted: string[] }> {
  let examined = 0;
  const deleted: string[] = [];
  for await (const blob of store.list('')) {
    examined += 1;
    if (blob.lastModified.getTime() >= olderThan.getTime()) continue;
    if (await isKnown(blob.key)) continue;
    await store.delete(blob.key);
    deleted.push(blob.key);
  }
  return { examined, deleted };
}
