import crypto from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Actor, RequestFacts } from '../access/index.ts';
import type { AppContext } from '../context/index.ts';
import {
  MULTIPART_BUFFER_BYTES,
  expectNoMorePart,
  openPlaintext,
  readDocumentPolicy,
  sanitizeFileName,
  streamIntoVault,
  withIdleTimeout,
  type UploadPart,
} from '../documents/index.ts';
import type { Tx } from '../platform/db/index.ts';
import { AppError } from '../platform/errors.ts';
import { newDataKey, unwrapDataKey } from './judicial-keys.ts';
import * as repo from './judicial.repository.ts';
import type { JudicialDocumentView } from './judicial.schemas.ts';
import { visibleCase } from './judicial.service.ts';

/**
 * Case documents: the vault's rules (type sniffed from magic bytes and matched to the
 * name, the court's size limit, the virus scanner when one is configured, chunked
 * AES-256-GCM into the blob store, nothing held in memory), but the data key of each
 * document is wrapped by the judicial key, never by the court's organization key, and
 * the row lives in the judicial store, where the case's policies decide who sees it.
 */

/** Blobs of case documents live under their own prefix, apart from the firm vault's `<orgId>/…`. */
export const JUDICIAL_BLOB_PREFIX = 'judicial/';
export const judicialBlobKey = (orgId: string, documentId: string): string =>
  `${JUDICIAL_BLOB_PREFIX}${orgId}/${documentId}`;

type DocumentRow = Pick<
  NonNullable<Awaited<ReturnType<typeof repo.findDocument>>>,
  'id' | 'case_id' | 'name' | 'size' | 'sha256' | 'content_type' | 'created_by' | 'created_at'
>;

export const documentViewOf = (d: DocumentRow): JudicialDocumentView => ({
  id: d.id,
  caseId: d.case_id,
  name: d.name,
  size: Number(d.size),
  sha256: d.sha256,
  contentType: d.content_type,
  createdBy: d.created_by,
  createdAt: new Date(d.created_at).toISOString(),
});

/** What an upload needs of its request, adapted by the route (no Fastify type reaches the service). */
export type CaseUpload = {
  actor: Actor;
  facts: RequestFacts;
  kek: Buffer;
  /** A transaction on the judicial store, as the caller (its RLS decides what the case shows). */
  inStore: <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>;
  /** A transaction on the main database, as the caller (the court's document policy lives there). */
  inMain: <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>;
  parts: (options: {
    limits: { fileSize: number; files: number; fields: number; parts: number };
    highWaterMark: number;
    fileHwm: number;
  }) => AsyncIterableIterator<UploadPart>;
};

/**
 * Receives one multipart file into a case. No transaction is held while bytes flow: the
 * case is checked first, the row written only once the blob is durable and the scan is
 * clean. Any failure deletes the blob, so a refused upload leaves neither row nor blob.
 */
export async function receiveCaseDocument(
  ctx: AppContext,
  upload: CaseUpload,
  caseId: string,
): Promise<JudicialDocumentView> {
  const { actor } = upload;
  await upload.inStore((tx) => visibleCase(tx, caseId));
  const policy = await upload.inMain((tx) => readDocumentPolicy(tx, actor.orgId, ctx.config.bodyLimit));
  const limit = policy.maxUploadBytes;
  const tooLarge = () => new AppError('PAYLOAD_TOO_LARGE', `the limit for one file is ${limit} bytes`);

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
  const name = sanitizeFileName(file.filename);

  const id = crypto.randomUUID();
  const blobKey = judicialBlobKey(actor.orgId, id);
  const { dataKey, wrappedKey } = newDataKey(upload.kek, 'document', id);
  let stored = false;
  try {
    const result = await streamIntoVault(
      ctx,
      file,
      { limit, tooLarge, name, policy, versionId: id, blobKey, dataKey },
      () => (stored = true),
    );
    await expectNoMorePart(parts);
    if (result.infected) {
      await ctx.audit.record({
        action: 'judicial.document_upload_infected',
        outcome: 'denied',
        orgId: actor.orgId,
        actorId: actor.userId,
        target: caseId,
        details: { size: result.size, signature: result.infected.slice(0, 200) },
        ...upload.facts,
      });
      throw new AppError('FILE_INFECTED');
    }
    const row = await upload.inStore(async (tx) =>
      repo
        .insertDocument(tx, {
          id,
          caseId,
          orgId: actor.orgId,
          name,
          contentType: result.contentType,
          size: result.size,
          sha256: result.sha256,
          blobKey,
          wrappedKey,
          createdBy: actor.userId,
        })
        .catch((err: unknown) => {
          // The case was unshared or removed while the bytes flowed: the policy (42501) or the key (23503) says so.
          const code = (err as { code?: unknown }).code;
          throw code === '42501' || code === '23503' ? new AppError('NOT_FOUND') : err;
        }),
    );
    stored = false;
    return documentViewOf(row);
  } catch (err) {
    if (stored)
      await ctx.blobStore
        .delete(blobKey)
        .catch((e: Error) =>
          ctx.logger.error({ err: { message: e.message }, blobKey }, 'refused case document: blob not deleted'),
        );
    throw err;
  } finally {
    dataKey.fill(0);
  }
}

export async function listDocuments(tx: Tx, caseId: string): Promise<{ documents: JudicialDocumentView[] }> {
  await visibleCase(tx, caseId);
  return { documents: (await repo.listDocuments(tx, caseId)).map(documentViewOf) };
}

/** A case document the actor sees (through its case); 404 otherwise, like one that does not exist. */
async function visibleDocument(tx: Tx, id: string) {
  const d = await repo.findDocument(tx, id);
  if (!d) throw new AppError('NOT_FOUND');
  return d;
}

export async function getDocument(tx: Tx, id: string): Promise<JudicialDocumentView> {
  return documentViewOf(await visibleDocument(tx, id));
}

export type UnlockedDocument = JudicialDocumentView & { blobKey: string; dataKey: Buffer };

/** Unwraps a document's data key inside the caller's (short) transaction; the bytes stream after it commits. */
export async function unlockDocument(tx: Tx, kek: Buffer, id: string): Promise<UnlockedDocument> {
  const d = await visibleDocument(tx, id);
  return { ...documentViewOf(d), blobKey: d.blob_key, dataKey: unwrapDataKey(kek, 'document', d.id, d.wrapped_key) };
}

/** The plaintext, decrypted chunk by chunk and checked against the recorded size and SHA-256 at the end. */
export function openDocument(ctx: AppContext, doc: UnlockedDocument): Promise<Readable> {
  // The vault's reader looks only at the blob key, the id (the AEAD context) and the recorded size and hash;
  // the key columns of a firm version do not apply: the data key was unwrapped by the judicial key above.
  return openPlaintext(
    ctx,
    {
      id: doc.id,
      org_id: '',
      blob_key: doc.blobKey,
      wrapped_data_key: null,
      org_key_version: 0,
      size: doc.size,
      sha256: doc.sha256,
    },
    doc.dataKey,
  );
}

/** Deletes a removed document's blob; a failure is logged and left to the orphan sweep (the key is already gone). */
export async function deleteBlob(ctx: AppContext, blobKey: string): Promise<void> {
  await ctx.blobStore
    .delete(blobKey)
    .catch((e: Error) => ctx.logger.error({ err: { message: e.message }, blobKey }, 'case document blob not deleted'));
}

/**
 * Removes a document's row (its wrapped key goes with it: the blob no longer opens) and
 * returns the blob to delete once that has committed. Whoever sees the case sees the
 * document, but only its uploader or the case's judge removes it.
 */
export async function removeDocument(tx: Tx, id: string): Promise<{ caseId: string; blobKey: string }> {
  await visibleDocument(tx, id);
  const gone = await repo.deleteDocument(tx, id);
  if (!gone) throw new AppError('FORBIDDEN', "only the document's uploader or the case's judge removes it");
  return { caseId: gone.case_id, blobKey: gone.blob_key };
}
