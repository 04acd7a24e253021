import type { Readable } from 'node:stream';
import type { AppContext } from '../context/index.ts';
import { createDecryptStream } from '../crypto/index.ts';
import { randomToken, sha256Hex } from '../platform/crypto-basics.ts';
import { unsafeWithOwner, type Tx } from '../platform/db/index.ts';
import { AppError, notFound } from '../platform/errors.ts';
import { archiveContext, unwrapArchiveKey } from './archive-key.ts';
import { unsafeRunExportBuilds } from './export-builder.ts';
import * as repo from './export.repository.ts';
import type { ExportStatusView } from './privacy.schemas.ts';

export { unsafeRequireRecentFactor } from './recent-factor.ts';

/** The archive and its link live 24 hours from the request. */
export const EXPORT_TTL_MS = 24 * 60 * 60 * 1000;

/** Opens an export job, or returns the one still pending (one build per person at a time). */
export async function openExport(tx: Tx, userId: string, now: Date): Promise<{ id: string; created: boolean }> {
  const pending = await repo.findPendingExport(tx, userId, now);
  if (pending) return { id: pending, created: false };
  return { id: await repo.insertExport(tx, userId, new Date(now.getTime() + EXPORT_TTL_MS)), created: true };
}

/** Starts building in the background; the periodic job picks up anything this misses (restart, crash). */
export function startBuild(ctx: AppContext, id: string): void {
  void unsafeRunExportBuilds(ctx, id).catch((err: Error) =>
    ctx.logger.error({ err: { message: err.message }, exportId: id }, 'data export build failed to start'),
  );
}

/**
 * The state of one of the caller's exports. While the archive waits, each look
 * mints a fresh single-use link and the previous one stops working, so a link
 * copied from an old page or log is dead.
 */
export async function unsafeExportStatus(ctx: AppContext, userId: string, id: string): Promise<ExportStatusView> {
  const now = ctx.clock.now();
  return unsafeWithOwner(ctx.db, async (tx) => {
    const row = await repo.findExport(tx, id, userId);
    if (!row) throw notFound();
    const expiresAt = new Date(row.expires_at).toISOString();
    const live = new Date(row.expires_at).getTime() > now.getTime();
    if (row.status === 'failed') return { status: 'failed', expiresAt };
    if (!live || row.status === 'fetched') return { status: 'expired', expiresAt };
    if (row.status === 'pending') return { status: 'pending', expiresAt };
    const token = randomToken(32);
    await repo.setDownloadToken(tx, id, sha256Hex(token));
    const downloadUrl = new URL(`/api/v1/me/exports/${id}/download?token=${token}`, ctx.config.publicUrl).toString();
    return {
      status: 'ready',
      downloadUrl,
      expiresAt,
      ...(row.files !== null ? { files: Number(row.files) } : {}),
      ...(row.bytes !== null ? { bytes: Number(row.bytes) } : {}),
    };
  });
}

/**
 * Hands the archive over once: the claim consumes the link and takes the key out of
 * the row in one statement; the blob is deleted as soon as the stream closes,
 * whether the download finished or not.
 */
export async function unsafeOpenDownload(
  ctx: AppContext,
  userId: string,
  id: string,
  token: string,
): Promise<Readable> {
  const now = ctx.clock.now();
  const claim = await unsafeWithOwner(ctx.db, (tx) => repo.claimDownload(tx, id, userId, sha256Hex(token), now));
  if (!claim) throw new AppError('EXPORT_LINK_INVALID');
  const key = unwrapArchiveKey(ctx.keys.masterKey, Buffer.from(claim.wrapped_key), id);
  const sealed = await ctx.blobStore.get(claim.blob_key);
  const plain = createDecryptStream(key, archiveContext(id));
  sealed.on('error', (err) => plain.destroy(err));
  plain.on('close', () => {
    key.fill(0);
    sealed.destroy();
    void ctx.blobStore.delete(claim.blob_key).catch(() => undefined);
  });
  return sealed.pipe(plain);
}
