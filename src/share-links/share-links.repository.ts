import { sql } from 'kysely';
import { type Database, unsafeWithOwner, type Tx } from '../platform/db/index.ts';

/** SQL of share links. The tenant functions run under RLS (and behind ethical walls, through the document). */

export async function insertShareLink(
  tx: Tx,
  row: {
    orgId: string;
    documentId: string;
    tokenHash: string;
    passcodeHash: string | null;
    expiresAt: Date;
    createdBy: string;
  },
): Promise<string> {
  const { id } = await tx
    .insertInto('chambers.share_links')
    .values({
      org_id: row.orgId,
      document_id: row.documentId,
      token_hash: row.tokenHash,
      passcode_hash: row.passcodeHash,
      expires_at: row.expiresAt,
      created_by: row.createdBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

export async function listShareLinks(tx: Tx, documentId: string) {
  return tx
    .selectFrom('chambers.share_links')
    .select(['id', 'document_id', 'expires_at', 'revoked_at', 'locked_at', 'has_passcode', 'created_by', 'created_at'])
    .where('document_id', '=', documentId)
    .orderBy('created_at', 'desc')
    .execute();
}

export async function revokeShareLink(tx: Tx, id: string): Promise<{ documentId: string } | undefined> {
  const row = await tx
    .updateTable('chambers.share_links')
    .set({ revoked_at: sql<Date>`coalesce(revoked_at, now())` })
    .where('id', '=', id)
    .returning('document_id')
    .executeTakeFirst();
  return row ? { documentId: row.document_id } : undefined;
}

/**
 * The public side of a share link. Its caller has no account and no tenant: the 256-bit
 * token is the whole authority, so the lookup crosses tenants on the owner path, by the
 * token's hash only, and returns only what serving that one document needs. Keeping it
 * here (not in a SECURITY DEFINER function) lets it also read the passcode hash, which
 * the runtime role must never read.
 */
export async function unsafeFindSharedDocument(db: Database, tokenHash: string) {
  return unsafeWithOwner(db, (tx) =>
    tx
      .selectFrom('chambers.share_links as l')
      .innerJoin('chambers.documents as d', 'd.id', 'l.document_id')
      .innerJoin('chambers.document_versions as v', (j) =>
        j.onRef('v.document_id', '=', 'd.id').onRef('v.version', '=', 'd.current_version'),
      )
      .innerJoin('chambers.users as u', 'u.id', 'l.created_by')
      .innerJoin('chambers.organizations as o', 'o.id', 'l.org_id')
      .select([
        'u.name as shared_by_name',
        'o.name as shared_by_org',
        'l.id as link_id',
        'l.org_id',
        'l.passcode_hash',
        'l.failed_attempts',
        'l.locked_at',
        'l.expires_at',
        'l.revoked_at',
        'd.id as document_id',
        'd.name as document_name',
        'd.deleted_at',
        'v.id',
        'v.blob_key',
        'v.wrapped_data_key',
        'v.org_key_version',
        'v.content_type',
        'v.size',
        'v.sha256',
        'v.name as version_name',
      ])
      .where('l.token_hash', '=', tokenHash)
      .executeTakeFirst(),
  );
}

/** Counts a wrong passcode; the fifth locks the link for good. Returns the count after this one. */
export async function unsafeRecordPasscodeFailure(db: Database, linkId: string, lockAfter: number): Promise<number> {
  return unsafeWithOwner(db, async (tx) => {
    const row = await tx
      .updateTable('chambers.share_links')
      .set({
        failed_attempts: sql<number>`failed_attempts + 1`,
        locked_at: sql<Date | null>`CASE WHEN failed_attempts + 1 >= ${lockAfter} THEN coalesce(locked_at, now()) ELSE locked_at END`,
      })
      .where('id', '=', linkId)
      .returning('failed_attempts')
      .executeTakeFirstOrThrow();
    return row.failed_attempts;
  });
}

/** Unwraps a shared version's key on the owner path (the org key ring needs a transaction). */
export async function unsafeWithSharedOrg<T>(db: Database, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return unsafeWithOwner(db, fn);
}
