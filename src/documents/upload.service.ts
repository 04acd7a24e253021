import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AppContext } from '../context/index.ts';
import type { RequestFacts } from '../access/index.ts';
import { publishWebhookEvent } from '../developer/index.ts';
import { findMatter } from '../matters/index.ts';
import { AppError, notFound } from '../platform/errors.ts';
import type { Tx, ScanStatus } from '../platform/db/index.ts';
import { createEncryptStream } from '../crypto/index.ts';
import { ScannerUnavailableError } from '../platform/scanner/index.ts';
import { BackpressureTee } from './backpressure-tee.ts';
import { readDocumentPolicy, type DocumentPolicy } from './document-policy.ts';
import * as repo from './documents.repository.ts';
import { extensionOf, nameForNewVersion, sanitizeFileName } from './file-name.ts';
import { guardIdleUpload } from './upload-idle-guard.ts';
import { UploadInspector } from './upload-inspector.ts';
import { blobKeyOf, newVersionId, versionContext } from './vault-io.ts';
import { assertZipIsNotABomb } from './zip-inspection.ts';

export type UploadTarget = { kind: 'new'; matterId: string } | { kind: 'version'; documentId: string };
type Actor = { orgId: string; userId: string };

/** How the multipart body is read: the limits this upload allows and the parser's buffer sizes. */
export type PartsOptions = {
  limits: { fileSize: number; files: number; fields: number; parts: number };
  highWaterMark: number;
  fileHwm: number;
};

/** One part of the multipart body, as far as an upload looks at it. */
export type UploadPart =
  { type: 'file'; fieldname: string; filename: string; file: Readable & { truncated: boolean } } | { type: 'field' };

/**
 * What an upload needs of its HTTP request, adapted by the route, so no Fastify type
 * reaches the service. The upload holds no transaction while bytes flow, so it opens
 * two of its own through `inTenant` (the route's inRequestTenant): one before, one after.
 */
export type UploadRequest = {
  actor: Actor;
  facts: RequestFacts;
  inTenant: <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>;
  /** The multipart parts, streamed (never buffered), read with the options given. */
  parts: (options: PartsOptions) => AsyncIterableIterator<UploadPart>;
};

/** What the first transaction established before a byte is read: where the file goes, the rules, a fresh data key. */
type Prepared = {
  matterId: string;
  document: { id: string; currentVersion: number; name: string | null } | null;
  policy: DocumentPolicy;
  dataKey: Buffer;
  wrappedDataKey: Buffer;
  orgKeyVersion: number;
};

/**
 * Receives one multipart upload and stores it as a new document or a new version.
 * The route has checked that the body is multipart.
 *
 * One pass over the bytes: inspector (type from magic bytes, size, SHA-256) → tee →
 * {encryptor → blob store, virus scanner}. No transaction is held while bytes flow;
 * the rows are written afterwards, only once the blob is durable and the scan is clean.
 * Any failure deletes the blob, so a refused upload leaves neither row nor blob.
 */
export async function receiveUpload(
  ctx: AppContext,
  upload: UploadRequest,
  target: UploadTarget,
): Promise<{ documentId: string }> {
  const { actor, facts } = upload;
  const prepared = await upload.inTenant(async (tx): Promise<Prepared> => {
    let matterId: string;
    let document: Prepared['document'] = null;
    if (target.kind === 'new') {
      if (!(await findMatter(tx, target.matterId))) throw notFound();
      matterId = target.matterId;
    } else {
      const doc = await repo.findDocument(tx, target.documentId);
      if (!doc || doc.deleted_at) throw notFound();
      matterId = doc.matter_id;
      document = { id: doc.id, currentVersion: doc.current_version, name: doc.name };
    }
    const policy = await readDocumentPolicy(tx, actor.orgId, ctx.config.bodyLimit);
    const key = await ctx.orgKeyring.newDataKey(tx, actor.orgId);
    return {
      matterId,
      document,
      policy,
      dataKey: key.dataKey,
      wrappedDataKey: key.wrappedDataKey,
      orgKeyVersion: key.orgKeyVersion,
    };
  });

  const { policy } = prepared;
  const quotaLeft =
    policy.quotaBytes === null
      ? Infinity
      : Math.max(0, policy.quotaBytes - (await repo.unsafeOrganizationBytes(ctx.db, actor.orgId)));
  const limit = Math.min(policy.maxUploadBytes, quotaLeft);
  const tooLarge = () =>
    quotaLeft < policy.maxUploadBytes
      ? new AppError('QUOTA_EXCEEDED')
      : new AppError('PAYLOAD_TOO_LARGE', `the limit for one file is ${policy.maxUploadBytes} bytes`);

  const parts = upload.parts({
    limits: { fileSize: limit + 1, files: 2, fields: 1, parts: 2 },
    highWaterMark: MULTIPART_BUFFER_BYTES,
    fileHwm: MULTIPART_BUFFER_BYTES,
  });
  const first = await withIdleTimeout(parts.next(), ctx.config.uploadIdleTimeoutMs);
  if (first.done || first.value.type !== 'file' || first.value.fieldname !== 'file') {
    if (!first.done && first.value.type === 'file') first.value.file.resume();
    throw new AppError('FILE_MISSING');
  }
  const file = first.value;
  // A new version keeps its document's name (the format's extension aside): see nameForNewVersion.
  const uploadedName = sanitizeFileName(file.filename);
  const name = prepared.document ? nameForNewVersion(prepared.document.name, uploadedName) : uploadedName;

  const versionId = newVersionId();
  const blobKey = blobKeyOf(actor.orgId, versionId);
  let stored = false;
  try {
    const result = await streamIntoVault(
      ctx,
      file,
      { limit, tooLarge, name, policy, versionId, blobKey, dataKey: prepared.dataKey },
      () => (stored = true),
    );
    await expectNoMorePart(parts);
    if (result.infected) {
      await ctx.audit.record({
        action: 'document.upload_infected',
        outcome: 'denied',
        orgId: actor.orgId,
        actorId: actor.userId,
        target: prepared.matterId,
        details: { signature: result.infected.slice(0, 200), size: result.size },
        ...facts,
      });
      throw new AppError('FILE_INFECTED');
    }
    // Checked again now that the size is known (another upload may have landed meanwhile); outside the
    // transaction below, since the owner path needs its own connection (PGlite has only one).
    if (
      policy.quotaBytes !== null &&
      (await repo.unsafeOrganizationBytes(ctx.db, actor.orgId)) + result.size > policy.quotaBytes
    )
      throw new AppError('QUOTA_EXCEEDED');
    const documentId = await upload.inTenant(async (tx) => {
      let documentId: string;
      let version = 1;
      if (prepared.document) {
        documentId = prepared.document.id;
        version = prepared.document.currentVersion + 1;
        if (!(await repo.advanceVersion(tx, documentId, prepared.document.currentVersion, name))) {
          throw new AppError(
            'CONFLICT',
            'the document changed (a newer version or a deletion) while this one was uploading',
          );
        }
      } else {
        documentId = await repo.insertDocument(tx, {
          orgId: actor.orgId,
          matterId: prepared.matterId,
          name,
          createdBy: actor.userId,
        });
        await publishWebhookEvent(tx, actor.orgId, 'document.created', { documentId, matterId: prepared.matterId });
      }
      await repo.insertVersion(tx, {
        id: versionId,
        orgId: actor.orgId,
        documentId,
        version,
        name,
        size: result.size,
        sha256: result.sha256,
        contentType: result.contentType,
        scanStatus: result.scanStatus,
        blobKey,
        wrappedDataKey: prepared.wrappedDataKey,
        orgKeyVersion: prepared.orgKeyVersion,
        createdBy: actor.userId,
      });
      return documentId;
    });
    stored = false;
    await ctx.audit.record({
      action: prepared.document ? 'document.version_upload' : 'document.upload',
      outcome: 'success',
      orgId: actor.orgId,
      actorId: actor.userId,
      target: documentId,
      details: { size: result.size, scan: result.scanStatus },
      ...facts,
    });
    return { documentId };
  } catch (err) {
    if (stored)
      await ctx.blobStore
        .delete(blobKey)
        .catch((e: Error) =>
          ctx.logger.error(
            { err: { message: e.message }, blobKey },
            'refused upload: blob not deleted; the orphan sweep will',
          ),
        );
    throw err;
  } finally {
    prepared.dataKey.fill(0);
  }
}

export type StreamOptions = {
  limit: number;
  tooLarge: () => AppError;
  name: string;
  policy: DocumentPolicy;
  versionId: string;
  blobKey: string;
  dataKey: Buffer;
};

/** Buffer of each tee branch: a few chunks, so the encryptor and the scanner rarely stall each other. */
const TEE_BRANCH_BYTES = 256 * 1024;
/** Multipart parser buffers: the default 16 KiB pauses the socket every few packets. */
export const MULTIPART_BUFFER_BYTES = 256 * 1024;

export type Streamed = {
  size: number;
  sha256: string;
  contentType: string;
  scanStatus: ScanStatus;
  infected: string | null;
};

/** The one pass: file → inspector → tee → (encrypt → store, scanner). Settles only when every branch has. */
export async function streamIntoVault(
  ctx: AppContext,
  file: Extract<UploadPart, { type: 'file' }>,
  o: StreamOptions,
  onStoreStarted: () => void,
): Promise<Streamed> {
  const inspector = new UploadInspector({
    limit: o.limit,
    tooLarge: o.tooLarge,
    extension: extensionOf(o.name),
    allowZip: o.policy.allowZip,
  });
  const stopGuard = guardIdleUpload(file.file, inspector, ctx.config.uploadIdleTimeoutMs);
  onStoreStarted();
  const encrypt = createEncryptStream(o.dataKey, versionContext(o.versionId));
  // Failures are collected from the promises below; this listener only keeps a torn-down branch from crashing the process.
  encrypt.on('error', () => undefined);
  const stored = ctx.blobStore.put(o.blobKey, encrypt);

  let scanStatus: ScanStatus = 'not_configured';
  let infected: string | null = null;
  let scanned: Promise<void> = Promise.resolve();
  let flowed: Promise<void>;
  let branches: PassThrough[] = [];
  let tee: BackpressureTee | null = null;
  if (!ctx.scanner) {
    // No scanner: no tee and no extra hops, the inspector feeds the encryptor directly.
    flowed = pipeline(file.file, inspector, encrypt);
  } else {
    const toStore = new PassThrough({ highWaterMark: TEE_BRANCH_BYTES });
    const toScanner = new PassThrough({ highWaterMark: TEE_BRANCH_BYTES });
    branches = [toStore, toScanner];
    const teeToBoth = new BackpressureTee(branches);
    tee = teeToBoth;
    toStore.on('error', (err) => encrypt.destroy(err));
    for (const s of branches) s.on('error', () => undefined);
    toStore.pipe(encrypt);
    scanStatus = 'clean';
    scanned = ctx.scanner.scan(toScanner).then(
      (verdict) => {
        if (verdict.status === 'infected') infected = verdict.signature;
      },
      (err: unknown) => {
        if (!(err instanceof ScannerUnavailableError)) throw err;
        if (o.policy.scannerUnavailable === 'refuse') throw new AppError('SCANNER_UNAVAILABLE');
        scanStatus = 'unscanned';
        teeToBoth.detach(toScanner);
      },
    );
    flowed = pipeline(file.file, inspector, teeToBoth);
  }

  const outcomes = await Promise.allSettled([flowed, stored, scanned]);
  stopGuard();
  const failures = outcomes
    .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    .map((r) => r.reason as unknown);
  if (failures.length > 0) {
    for (const s of [file.file, inspector, tee, encrypt, ...branches]) s?.destroy();
    await stored.catch(() => undefined);
    // The cause the client can act on first: what we decided about the file, then the scanner, then anything else.
    throw (
      failures.find((e) => e instanceof AppError && e.code !== 'SCANNER_UNAVAILABLE') ??
      failures.find((e) => e instanceof AppError) ??
      failures[0]
    );
  }
  if (file.file.truncated) throw o.tooLarge();
  const kind = inspector.kind;
  if (!kind) throw new AppError('FILE_EMPTY');
  if (kind.check === 'zip') await assertZipIsNotABomb(inspector.tail, inspector.size);
  return { size: inspector.size, sha256: inspector.sha256, contentType: kind.contentType, scanStatus, infected };
}

/** A second file (or any part) after the first one: refused, since the first is already stored. */
export async function expectNoMorePart(parts: AsyncIterableIterator<UploadPart>): Promise<void> {
  const next = await parts.next();
  if (next.done) return;
  if (next.value.type === 'file') next.value.file.resume();
  throw new AppError('TOO_MANY_FILES');
}

/** Waiting for the first part is waiting on the client too. */
export async function withIdleTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new AppError('UPLOAD_TIMEOUT')), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
