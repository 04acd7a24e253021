import type { Readable } from 'node:stream';
import type { AppContext } from '../context/index.ts';
import { publishWebhookEvent } from '../developer/index.ts';
import { findMatter } from '../matters/index.ts';
import { AppError, notFound } from '../platform/errors.ts';
import type { Tx } from '../platform/db/index.ts';
import {
  readDocumentPolicy,
  retentionExpiry,
  writeDocumentPolicy,
  type DocumentPolicy,
  type RetentionSetting,
} from './document-policy.ts';
import * as repo from './documents.repository.ts';
import type { DocumentPolicyInput, DocumentView, SearchDocumentsQuery } from './documents.schemas.ts';
import { openPlaintext, unwrapVersionKey } from './vault-io.ts';

type Actor = { orgId: string; userId: string };

/** The API's document; of the policy, only retention decides anything shown (expiresAt). */
export function toView(row: repo.DocumentRow, policy: RetentionSetting): DocumentView {
  const createdAt = new Date(row.created_at);
  return {
    id: row.id,
    matterId: row.matter_id,
    name: row.name ?? '',
    size: Number(row.size),
    sha256: row.sha256,
    contentType: row.content_type,
    version: row.current_version,
    tags: row.tags,
    legalHold: row.legal_hold || row.matter_legal_hold,
    scanStatus: row.scan_status,
    createdBy: row.created_by,
    createdAt: createdAt.toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    expiresAt: retentionExpiry(policy, createdAt, row.tags)?.toISOString() ?? null,
  };
}

/** A live document the caller can see; deleted ones (tombstones) and hidden ones are 404 alike. */
export async function liveDocument(tx: Tx, id: string): Promise<repo.DocumentRow> {
  const row = await repo.findDocument(tx, id);
  if (!row || row.deleted_at) throw notFound();
  return row;
}

export async function getDocument(tx: Tx, ctx: AppContext, orgId: string, id: string): Promise<DocumentView> {
  return toView(await liveDocument(tx, id), await readDocumentPolicy(tx, orgId, ctx.config.bodyLimit));
}

/** Runs one read-only statement in the caller's tenant transaction (readInRequestTenant). */
export type TenantRead = <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>;

/**
 * A matter's documents in one read-only statement: each row carries its organization's
 * retention setting, which is all the view takes from the document policy.
 */
export async function listMatterDocuments(read: TenantRead, matterId: string): Promise<DocumentView[]> {
  const rows = await read((tx) => repo.listMatterDocuments(tx, matterId));
  // The list joins the matter under row-level security: rows prove it visible; only an empty list asks (404 or []).
  if (rows.length === 0 && !(await read((tx) => findMatter(tx, matterId)))) throw notFound();
  return rows.map((r) => toView(r, { retentionDays: r.retention_days, retentionTag: r.retention_tag }));
}

export async function searchDocuments(
  tx: Tx,
  ctx: AppContext,
  orgId: string,
  query: SearchDocumentsQuery,
): Promise<DocumentView[]> {
  const policy = await readDocumentPolicy(tx, orgId, ctx.config.bodyLimit);
  return (await repo.searchDocuments(tx, query)).map((r) => toView(r, policy));
}

/** Replaces a live document's tags (duplicates dropped): adding or removing one sends the whole list. */
export async function setTags(
  tx: Tx,
  ctx: AppContext,
  orgId: string,
  id: string,
  tags: string[],
): Promise<DocumentView> {
  if (!(await repo.updateTags(tx, id, [...new Set(tags)]))) throw new AppError('NOT_FOUND');
  return getDocument(tx, ctx, orgId, id);
}

/** Places or lifts the legal hold of one live document. */
export async function setLegalHold(
  tx: Tx,
  ctx: AppContext,
  orgId: string,
  id: string,
  hold: boolean,
): Promise<DocumentView> {
  if (!(await repo.setDocumentHold(tx, id, hold))) throw new AppError('NOT_FOUND');
  return getDocument(tx, ctx, orgId, id);
}

export async function listVersions(tx: Tx, id: string) {
  const doc = await liveDocument(tx, id);
  const versions = await repo.listVersions(tx, id);
  return versions.map((v) => ({
    version: v.version,
    name: v.name,
    size: Number(v.size),
    sha256: v.sha256,
    contentType: v.content_type,
    scanStatus: v.scan_status,
    createdBy: v.created_by,
    createdAt: new Date(v.created_at).toISOString(),
    current: v.version === doc.current_version,
  }));
}

export function getPolicy(tx: Tx, ctx: AppContext, orgId: string): Promise<DocumentPolicy> {
  return readDocumentPolicy(tx, orgId, ctx.config.bodyLimit);
}

export function changePolicy(
  tx: Tx,
  ctx: AppContext,
  orgId: string,
  input: DocumentPolicyInput,
): Promise<DocumentPolicy> {
  return writeDocumentPolicy(tx, orgId, input, ctx.config.bodyLimit);
}

export type Download = { name: string; contentType: string; size: number; body: Readable; version: number };

/** A version whose data key is unwrapped: all a download needs once its transaction has committed. */
export type UnlockedVersion = { sealed: repo.SealedVersionRow; dataKey: Buffer; name: string; version: number };

/** Finds one version (the current one when `version` is omitted) and unwraps its key; a shredded version is 404. */
export async function unlockVersion(tx: Tx, ctx: AppContext, id: string, version?: number): Promise<UnlockedVersion> {
  const doc = await liveDocument(tx, id);
  const n = version ?? doc.current_version;
  const sealed = await repo.findSealedVersion(tx, id, n);
  if (!sealed) throw notFound();
  const dataKey = await unwrapVersionKey(ctx, tx, sealed);
  if (!dataKey) throw notFound();
  return { sealed, dataKey, name: sealed.name ?? doc.name ?? 'document', version: n };
}

/** Opens an unlocked version for streaming, outside any transaction: the bytes flow after the key's has committed. */
export async function openDownload(ctx: AppContext, v: UnlockedVersion): Promise<Download> {
  return {
    name: v.name,
    contentType: v.sealed.content_type,
    size: Number(v.sealed.size),
    body: await openPlaintext(ctx, v.sealed, v.dataKey),
    version: v.version,
  };
}

/**
 * Crypto-shreds a document on request of its author or an org_admin: its wrapped keys
 * are erased in this transaction; the caller deletes the returned blob keys once it has
 * committed (deleteBlobs). A legal hold (on the document or its matter) refuses with 409 LEGAL_HOLD.
 */
export async function eraseDocument(tx: Tx, actor: Actor & { role: string | null }, id: string): Promise<string[]> {
  const doc = await liveDocument(tx, id);
  if (actor.role !== 'org_admin' && doc.created_by !== actor.userId)
    throw new AppError('FORBIDDEN', 'only its author or an org_admin may delete a document');
  if (doc.legal_hold || doc.matter_legal_hold) throw new AppError('LEGAL_HOLD');
  await publishWebhookEvent(tx, actor.orgId, 'document.deleted', { documentId: id, matterId: doc.matter_id });
  return repo.shredDocument(tx, id, { userId: actor.userId, reason: 'owner' });
}

/** Blob deletion after the keys are gone: a failure only leaves unreadable ciphertext, which the orphan sweep removes. */
export async function deleteBlobs(ctx: AppContext, keys: string[]): Promise<void> {
  for (const key of keys) {
    await ctx.blobStore
      .delete(key)
      .catch((err: Error) =>
        ctx.logger.warn(
          { err: { message: err.message }, blobKey: key },
          'blob delete failed; the orphan sweep will retry',
        ),
      );
  }
}
