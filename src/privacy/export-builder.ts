import { PassThrough, type Readable } from 'node:stream';
import yazl from 'yazl';
import type { AppContext } from '../context/index.ts';
import { unsafeRevealPersonalData } from '../audit/index.ts';
import { createEncryptStream } from '../crypto/index.ts';
import { openPlaintext } from '../documents/index.ts';
import { unsafeWithOwner } from '../platform/db/index.ts';
import * as data from './account-data.repository.ts';
import { archiveBlobKey, archiveContext, newArchiveKey, wrapArchiveKey } from './archive-key.ts';
import * as repo from './export.repository.ts';

/** A build that has not finished in this long is taken up again by the next run (crash, restart). */
const LEASE_MS = 30 * 60_000;
/** Security events in one archive: the newest ones; older ones are in the organization's audit export. */
const MAX_EVENTS = 50_000;

const iso = (d: Date | string): string => new Date(d).toISOString();

/** A file name safe inside the archive on any system: no separators, no control characters. */
const safeName = (name: string | null, fallback: string): string =>
  (name ?? fallback)
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}._ -]+/gu, '_')
    .replace(/^\.+/, '_')
    .slice(0, 120) || fallback;

/** account.json: the person's data across organizations, never a secret (see account-data.repository.ts). */
async function unsafeAccountJson(ctx: AppContext, userId: string, now: Date): Promise<Buffer | null> {
  return unsafeWithOwner(ctx.db, async (tx) => {
    const profile = await data.profile(tx, userId);
    if (!profile) return null;
    const events = await data.securityEvents(tx, userId, MAX_EVENTS);
    const plain = await unsafeRevealPersonalData(
      tx,
      ctx.keys.masterKey,
      events.flatMap((e) => [e.ip, e.user_agent]),
    );
    const reveal = (v: string | null) => (v === null ? null : (plain.get(v) ?? null));
    const account = {
      format: 'chambers-account-export/1',
      generatedAt: now.toISOString(),
      profile,
      memberships: await data.memberships(tx, userId),
      sessions: await data.sessions(tx, userId),
      trustedDevices: await data.trustedDevices(tx, userId),
      securityEvents: events.map((e) => ({
        seq: e.seq,
        at: iso(e.at),
        orgId: e.org_id,
        action: e.action,
        target: e.target,
        outcome: e.outcome,
        ip: reveal(e.ip),
        userAgent: reveal(e.user_agent),
        details: typeof e.details === 'string' ? (JSON.parse(e.details) as unknown) : e.details,
      })),
      shareLinks: await data.shareLinks(tx, userId),
      envelopes: await data.envelopes(tx, userId, profile.email),
      aiUsage: await data.aiUsage(tx, userId),
      files: [] as { path: string; documentId: string; version: number; size: number; sha256: string }[],
    };
    return Buffer.from(JSON.stringify(account, null, 2));
  });
}

/**
 * Builds one archive: account.json and each file the person uploaded, decrypted,
 * streamed through the ZIP writer and sealed again under a fresh key straight into
 * the blob store. One file is open at a time, so memory stays flat whatever the size.
 */
async function unsafeBuildArchive(ctx: AppContext, exportId: string, userId: string): Promise<void> {
  const now = ctx.clock.now();
  const accountJson = await unsafeAccountJson(ctx, userId, now);
  if (!accountJson) throw new Error('the account no longer exists');
  const versions = await unsafeWithOwner(ctx.db, (tx) => data.uploadedVersions(tx, userId));
  const index: { path: string; documentId: string; version: number; size: number; sha256: string }[] = [];
  const files: { path: string; v: (typeof versions)[number] }[] = [];
  const used = new Set<string>();
  for (const v of versions) {
    if (!v.wrapped_data_key) continue;
    let path = `files/${v.document_id}/v${v.version}-${safeName(v.name ?? v.document_name, 'file')}`;
    while (used.has(path)) path = `${path}_`;
    used.add(path);
    index.push({ path, documentId: v.document_id, version: v.version, size: Number(v.size), sha256: v.sha256 });
    files.push({ path, v });
  }
  const zip = new yazl.ZipFile();
  const account = JSON.parse(accountJson.toString('utf8')) as { files: typeof index };
  account.files = index;
  zip.addBuffer(Buffer.from(JSON.stringify(account, null, 2)), 'account.json', { mtime: now });
  for (const { path, v } of files) {
    // Lazy: each file is unwrapped and opened only when the writer reaches it.
    zip.addReadStreamLazy(path, { mtime: new Date(v.created_at) }, (cb) => {
      unsafeWithOwner(ctx.db, (tx) =>
        ctx.orgKeyring.unwrapDataKey(tx, v.org_id, Buffer.from(v.wrapped_data_key!), v.org_key_version),
      )
        .then((key) => openPlaintext(ctx, v, key))
        .then((plain: Readable) => cb(null, plain))
        .catch((err: unknown) => cb(err, new PassThrough()));
    });
  }
  zip.end();

  const key = newArchiveKey();
  const sealed = createEncryptStream(key, archiveContext(exportId));
  const out = zip.outputStream as Readable;
  out.on('error', (err) => sealed.destroy(err));
  zip.on('error', (err: Error) => sealed.destroy(err));
  const blobKey = archiveBlobKey(exportId);
  try {
    const { bytes } = await ctx.blobStore.put(blobKey, out.pipe(sealed));
    await unsafeWithOwner(ctx.db, (tx) =>
      repo.markReady(tx, exportId, {
        blobKey,
        wrappedKey: wrapArchiveKey(ctx.keys.masterKey, key, exportId),
        bytes,
        files: index.length,
        now: ctx.clock.now(),
      }),
    );
    await ctx.audit.record({
      action: 'privacy.export_ready',
      outcome: 'success',
      orgId: null,
      actorId: userId,
      target: exportId,
      details: { files: index.length, bytes },
    });
  } finally {
    key.fill(0);
  }
}

/**
 * Builds pending exports (one given id, or any whose lease ran out). Idempotent and
 * resumable: a build that fails is marked failed and its partial blob removed; one
 * that died with its process is taken up again after its lease.
 */
export async function unsafeRunExportBuilds(ctx: AppContext, onlyId?: string): Promise<number> {
  let built = 0;
  for (;;) {
    const job = await unsafeWithOwner(ctx.db, (tx) => repo.claimPendingExport(tx, ctx.clock.now(), LEASE_MS, onlyId));
    if (!job) return built;
    try {
      await unsafeBuildArchive(ctx, job.id, job.user_id);
      built += 1;
    } catch (err) {
      ctx.logger.error({ err: { message: (err as Error).message }, exportId: job.id }, 'data export failed');
      await ctx.blobStore.delete(archiveBlobKey(job.id)).catch(() => undefined);
      await unsafeWithOwner(ctx.db, (tx) => repo.markFailed(tx, job.id));
    }
    if (onlyId) return built;
  }
}
