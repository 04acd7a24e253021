import type { AppContext } from '../context/index.ts';
import { JUDICIAL_BLOB_PREFIX } from './judicial-documents.service.ts';
import { judicialStoreOf } from './judicial-store.ts';
import { unsafeBlobInUse } from './judicial.repository.ts';

/**
 * For the orphan sweep (src/jobs): whether a blob belongs to a live case document. Case
 * documents live in the shared blob store under `judicial/`, but their rows are in the
 * judicial store, which the firm vault's check does not read. When the judicial store is
 * not open in this process, a judicial blob counts as in use: never delete what cannot be checked.
 */
export async function unsafeJudicialBlobInUse(ctx: AppContext, blobKey: string): Promise<boolean> {
  if (!blobKey.startsWith(JUDICIAL_BLOB_PREFIX)) return false;
  let db;
  try {
    db = judicialStoreOf(ctx).db;
  } catch {
    return true;
  }
  return unsafeBlobInUse(db, blobKey);
}
