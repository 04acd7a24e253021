import type { Readable } from 'node:stream';
import type { AppContext } from '../context/index.ts';
import { findMatter } from '../matters/index.ts';
import { AppError, notFound } from '../platform/errors.ts';
import { withTenant, type Tx } from '../platform/db/index.ts';
import { readDocumentPolicy, retentionExpiry, type DocumentPolicy } from './document-policy.ts';
import * as repo from './documents.repository.ts';
import type { DocumentView, SearchDocumentsQuery } from './documents.schemas.ts';
import { openPlaintext, unwrapVersionKey } from './vault-io.ts';

type Actor = { orgId: string; userId: string; role: string | null };

export function toView(row: repo.DocumentRow, policy: DocumentPolicy): DocumentView {
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

export async function getDocument(ctx: AppContext, tx: Tx, orgId: string, id: string): Promise<DocumentView> {
  return toView(await liveDocument(tx, id), await readDocumentPolicy(tx, orgId, ctx.config.bodyLimit));
}

export async function listMatterDocuments(ctx: AppContext, tx: Tx, orgId: string, matterId: string): Promise<DocumentView[]> {
  if (!(await findMatter(tx, matterId))) throw notFound();
  const policy = await readDocumentPolicy(tx, orgId, ctx.config.bodyLimit);
  return (await repo.listMatterDocuments(tx, matterId)).map((r) => toView(r, policy));
}

export async function searchDocuments(ctx: AppContext, tx: Tx, orgId: string, query: SearchDocumentsQuery): Promise<DocumentView[]> {
  const policy = await readDocumentPolicy(tx, orgId, ctx.config.bodyLimit);
  return (await repo.searchDocuments(tx, query)).map((r) => toView(r, policy));
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

export type Download = { name: string; contentType: string; size: number; body: Readable; version: number };

/**
 * Opens one version (the current one when `version` is omitted) for streaming. The key
 * is unwrapped inside a short transaction; the bytes flow after it has committed.
 */
export async function openDocument(ctx: AppContext, actor: Actor, id: string, version?: number): Promise<Download> {
  const { sealed, dataKey, name, n } = await withTenant(ctx.db, actor, async (tx) => {
    const doc = await liveDocument(tx, id);
    const n = version ?? doc.current_version;
    const sealed = await repo.findSealedVersion(tx, id, n);
    if (!sealed) throw notFound();
    const dataKey = await unwrapVersionKey(ctx, tx, sealed);
    if (!dataKey) throw notFound();
    return { sealed, dataKey, name: sealed.name ?? doc.name ?? 'document', n };
  });
  return { name, contentType: sealed.content_type, size: Number(sealed.size), body: await openPlaintext(ctx, sealed, dataKey), version: n };
}

/**
 * Crypto-shreds a document on request of its author or an org_admin: its wrapped keys
 * are erased in the transaction, then its blobs are deleted. A legal hold (on the
 * document or its matter) refuses with 409 LEGAL_HOLD.
 */
export async function deleteDocument(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  const blobKeys = await withTenant(ctx.db, actor, async (tx) => {
    const doc = await liveDocument(tx, id);
    if (actor.role !== 'org_admin' && doc.created_by !== actor.userId) throw new AppError('FORBIDDEN', 'only its author or an org_admin may delete a document');
    if (doc.legal_hold || doc.matter_legal_hold) throw new AppError('LEGAL_HOLD');
    return repo.shredDocument(tx, id, { userId: actor.userId, reason: 'owner' });
  });
  await deleteBlobs(ctx, blobKeys);
}

/** Blob deletion after the keys are gone: a failure only leaves unreadable ciphertext, which the orphan sweep removes. */
export async function deleteBlobs(ctx: AppContext, keys: string[]): Promise<void> {
  for (const key of keys) {
    await ctx.blobStore.delete(key).catch((err: Error) => ctx.logger.warn({ err: { message: err.message }, blobKey: key }, 'blob delete failed; the orphan sweep will retry'));
  }
}
