import { sql } from 'kysely';
import { type Database, reusableQuery, unsafeWithOwner, type Tx, type ScanStatus } from '../platform/db/index.ts';

/**
 * All SQL of documents and their versions. Runs under RLS: the organization and the
 * ethical walls filter every row (db/migrations/0007_documents.sql), not this code.
 */

const documentColumns = [
  'd.id',
  'd.matter_id',
  'd.name',
  'd.tags',
  'd.current_version',
  'd.legal_hold',
  'd.created_by',
  'd.created_at',
  'd.updated_at',
  'd.deleted_at',
  'v.id as version_id',
  'v.size',
  'v.sha256',
  'v.content_type',
  'v.scan_status',
  'v.created_at as version_created_at',
] as const;

function documentsWithCurrentVersion(tx: Tx) {
  return tx
    .selectFrom('chambers.documents as d')
    .innerJoin('chambers.document_versions as v', (j) =>
      j.onRef('v.document_id', '=', 'd.id').onRef('v.version', '=', 'd.current_version'),
    )
    .innerJoin('chambers.matters as m', 'm.id', 'd.matter_id')
    .select([...documentColumns, 'm.legal_hold as matter_legal_hold']);
}

export type DocumentRow = NonNullable<Awaited<ReturnType<typeof findDocument>>>;

/** A live or deleted (tombstone) document with its current version. */
export async function findDocument(tx: Tx, id: string) {
  return documentsWithCurrentVersion(tx).where('d.id', '=', id).executeTakeFirst();
}

/**
 * A matter's live documents, each with its organization's retention setting (the
 * document policy's two columns the view needs), so the list is one statement.
 * Compiled once per process (reusable-query.ts): it is on every matter page.
 */
const matterDocumentsQuery = reusableQuery((tx: Tx, v: { matterId: string }) =>
  documentsWithCurrentVersion(tx)
    .leftJoin('chambers.document_policies as p', 'p.org_id', 'd.org_id')
    .select(['p.retention_days', 'p.retention_tag'])
    .where('d.matter_id', '=', v.matterId)
    .where('d.deleted_at', 'is', null)
    .orderBy('d.created_at', 'desc')
    .orderBy('d.id')
    .limit(1000),
);

export async function listMatterDocuments(tx: Tx, matterId: string) {
  return matterDocumentsQuery(tx, { matterId }, 'list');
}

/** Search by name, tag or the matter's reference or title: never by content (it is only ever encrypted). */
export async function searchDocuments(tx: Tx, opts: { q?: string; tag?: string; limit: number }) {
  let query = documentsWithCurrentVersion(tx).where('d.deleted_at', 'is', null);
  if (opts.q) {
    const pattern = `%${opts.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const q = opts.q.toLowerCase();
    query = query.where((eb) =>
      eb.or([
        eb('d.name', 'ilike', pattern),
        eb('m.reference', 'ilike', pattern),
        eb('m.title', 'ilike', pattern),
        sql<boolean>`${q} = ANY (d.tags)`,
      ]),
    );
  }
  if (opts.tag) query = query.where(sql<boolean>`${opts.tag.toLowerCase()} = ANY (d.tags)`);
  return query.orderBy('d.created_at', 'desc').orderBy('d.id').limit(opts.limit).execute();
}

export async function insertDocument(
  tx: Tx,
  row: { orgId: string; matterId: string; name: string; createdBy: string },
): Promise<string> {
  const { id } = await tx
    .insertInto('chambers.documents')
    .values({ org_id: row.orgId, matter_id: row.matterId, name: row.name, created_by: row.createdBy })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

export type NewVersion = {
  id: string;
  orgId: string;
  documentId: string;
  version: number;
  name: string;
  size: number;
  sha256: string;
  contentType: string;
  scanStatus: ScanStatus;
  blobKey: string;
  wrappedDataKey: Buffer;
  orgKeyVersion: number;
  createdBy: string;
};

export async function insertVersion(tx: Tx, v: NewVersion): Promise<void> {
  await tx
    .insertInto('chambers.document_versions')
    .values({
      id: v.id,
      org_id: v.orgId,
      document_id: v.documentId,
      version: v.version,
      name: v.name,
      size: v.size,
      sha256: v.sha256,
      content_type: v.contentType,
      scan_status: v.scanStatus,
      blob_key: v.blobKey,
      wrapped_data_key: v.wrappedDataKey,
      org_key_version: v.orgKeyVersion,
      created_by: v.createdBy,
    })
    .execute();
}

/** Makes `version` current; only if the document is still at `expected` (two concurrent uploads: one wins). */
export async function advanceVersion(tx: Tx, documentId: string, expected: number, name: string): Promise<boolean> {
  const res = await tx
    .updateTable('chambers.documents')
    .set({ current_version: expected + 1, name, updated_at: sql<Date>`now()` })
    .where('id', '=', documentId)
    .where('current_version', '=', expected)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export async function listVersions(tx: Tx, documentId: string) {
  return tx
    .selectFrom('chambers.document_versions')
    .select([
      'id',
      'version',
      'name',
      'size',
      'sha256',
      'content_type',
      'scan_status',
      'created_by',
      'created_at',
      'shredded_at',
    ])
    .where('document_id', '=', documentId)
    .orderBy('version', 'desc')
    .execute();
}

export type SealedVersionRow = NonNullable<Awaited<ReturnType<typeof findSealedVersion>>>;

/** What it takes to open one version: its blob and its wrapped key. */
export async function findSealedVersion(tx: Tx, documentId: string, version: number) {
  return tx
    .selectFrom('chambers.document_versions')
    .select([
      'id',
      'org_id',
      'name',
      'size',
      'sha256',
      'content_type',
      'blob_key',
      'wrapped_data_key',
      'org_key_version',
    ])
    .where('document_id', '=', documentId)
    .where('version', '=', version)
    .executeTakeFirst();
}

export async function updateTags(tx: Tx, documentId: string, tags: string[]): Promise<boolean> {
  const res = await tx
    .updateTable('chambers.documents')
    .set({ tags, updated_at: sql<Date>`now()` })
    .where('id', '=', documentId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export async function setDocumentHold(tx: Tx, documentId: string, hold: boolean): Promise<boolean> {
  const res = await tx
    .updateTable('chambers.documents')
    .set({ legal_hold: hold, updated_at: sql<Date>`now()` })
    .where('id', '=', documentId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** An organization's stored document policy, or undefined when it never set one. */
export async function findDocumentPolicy(tx: Tx, orgId: string) {
  return tx.selectFrom('chambers.document_policies').selectAll().where('org_id', '=', orgId).executeTakeFirst();
}

export type DocumentPolicyValues = {
  max_upload_bytes: number;
  quota_bytes: number | null;
  allow_zip: boolean;
  scanner_unavailable: 'refuse' | 'accept_unscanned';
  retention_days: number | null;
  retention_tag: string | null;
};

export async function saveDocumentPolicy(tx: Tx, orgId: string, values: DocumentPolicyValues): Promise<void> {
  await tx
    .insertInto('chambers.document_policies')
    .values({ org_id: orgId, ...values })
    .onConflict((oc) => oc.column('org_id').doUpdateSet({ ...values, updated_at: sql<Date>`now()` }))
    .execute();
}

/**
 * Crypto-shreds a document: erases every version's wrapped data key and name, erases the
 * document's name and tags, revokes its share links, and returns the blob keys to delete.
 * The row stays as a tombstone (id, matter, author, when, why).
 */
export async function shredDocument(
  tx: Tx,
  documentId: string,
  by: { userId: string | null; reason: 'owner' | 'retention' },
): Promise<string[]> {
  const versions = await tx
    .updateTable('chambers.document_versions')
    .set({ wrapped_data_key: null, name: null, shredded_at: sql<Date>`now()` })
    .where('document_id', '=', documentId)
    .where('shredded_at', 'is', null)
    .returning('blob_key')
    .execute();
  await tx
    .updateTable('chambers.documents')
    .set({
      name: null,
      tags: [],
      deleted_at: sql<Date>`now()`,
      deleted_by: by.userId,
      deletion_reason: by.reason,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', documentId)
    .execute();
  await tx
    .updateTable('chambers.share_links')
    .set({ revoked_at: sql<Date>`now()` })
    .where('document_id', '=', documentId)
    .where('revoked_at', 'is', null)
    .execute();
  return versions.map((v) => v.blob_key);
}

/**
 * Bytes stored by the whole organization, behind every ethical wall: the quota is the
 * organization's, and a member must not escape it by uploading beside walled matters.
 * Owner path, because RLS would hide the walled matters' versions; it returns one sum.
 */
export async function unsafeOrganizationBytes(db: Database, orgId: string): Promise<number> {
  return unsafeWithOwner(db, async (tx) => {
    const row = await tx
      .selectFrom('chambers.document_versions')
      .select(sql<number>`coalesce(sum(size), 0)::int8`.as('bytes'))
      .where('org_id', '=', orgId)
      .where('shredded_at', 'is', null)
      .executeTakeFirst();
    return Number(row?.bytes ?? 0);
  });
}

/**
 * Live documents past their organization's retention (and carrying its tag, when one is
 * set), oldest first, outside any legal hold. Owner path: the retention job crosses
 * organizations by design.
 */
export async function unsafeDocumentsPastRetention(
  db: Database,
  now: Date,
  limit: number,
): Promise<{ id: string; org_id: string }[]> {
  return unsafeWithOwner(db, (tx) =>
    tx
      .selectFrom('chambers.documents as d')
      .innerJoin('chambers.matters as m', 'm.id', 'd.matter_id')
      .innerJoin('chambers.document_policies as p', 'p.org_id', 'd.org_id')
      .select(['d.id', 'd.org_id'])
      .where('d.deleted_at', 'is', null)
      .where('d.legal_hold', '=', false)
      .where('m.legal_hold', '=', false)
      .where('p.retention_days', 'is not', null)
      .where(sql<boolean>`d.created_at + make_interval(days => p.retention_days) <= ${now}`)
      .where(sql<boolean>`(p.retention_tag IS NULL OR p.retention_tag = ANY (d.tags))`)
      .orderBy('d.created_at')
      .limit(limit)
      .execute(),
  );
}

/** Crypto-shreds one document for the retention job (owner path); returns the blob keys to delete. */
export async function unsafeShredForRetention(db: Database, documentId: string): Promise<string[]> {
  return unsafeWithOwner(db, (tx) => shredDocument(tx, documentId, { userId: null, reason: 'retention' }));
}

/** Does a live (not shredded) version of any organization name this blob? Owner path, for the orphan sweep. */
export async function unsafeBlobInUse(db: Database, blobKey: string): Promise<boolean> {
  return unsafeWithOwner(db, async (tx) =>
    Boolean(
      await tx
        .selectFrom('chambers.document_versions')
        .select('id')
        .where('blob_key', '=', blobKey)
        .where('shredded_at', 'is', null)
        .executeTakeFirst(),
    ),
  );
}
