import { sql } from 'kysely';
import type { Tx } from '../platform/db/index.ts';

/** All SQL of the export jobs. Rows are read under RLS (own rows) or on the owner path by `unsafe` callers. */

export type ExportRow = {
  id: string;
  user_id: string;
  status: 'pending' | 'ready' | 'fetched' | 'failed';
  bytes: number | null;
  files: number | null;
  created_at: Date;
  expires_at: Date;
};

const columns = sql`id, user_id, status, bytes, files, created_at, expires_at`;

export async function insertExport(tx: Tx, userId: string, expiresAt: Date): Promise<string> {
  const { rows } = await sql<{ id: string }>`INSERT INTO chambers.privacy_exports (user_id, expires_at)
    VALUES (${userId}, ${expiresAt}) RETURNING id`.execute(tx);
  return rows[0]!.id;
}

/** A pending export of the user that is still running (at most one at a time). */
export async function findPendingExport(tx: Tx, userId: string, now: Date): Promise<string | undefined> {
  const { rows } = await sql<{ id: string }>`SELECT id FROM chambers.privacy_exports
    WHERE user_id = ${userId} AND status = 'pending' AND expires_at > ${now} ORDER BY created_at DESC LIMIT 1`.execute(
    tx,
  );
  return rows[0]?.id;
}

export async function findExport(tx: Tx, id: string, userId: string): Promise<ExportRow | undefined> {
  const { rows } = await sql<ExportRow>`SELECT ${columns} FROM chambers.privacy_exports
    WHERE id = ${id} AND user_id = ${userId}`.execute(tx);
  return rows[0];
}

export async function setDownloadToken(tx: Tx, id: string, tokenHash: string): Promise<void> {
  await sql`UPDATE chambers.privacy_exports SET token_hash = ${tokenHash} WHERE id = ${id} AND status = 'ready'`.execute(
    tx,
  );
}

/**
 * Claims the archive for one download: only the newest token, only once, only before
 * expiry. The wrapped key leaves the row in the same statement.
 */
export async function claimDownload(
  tx: Tx,
  id: string,
  userId: string,
  tokenHash: string,
  now: Date,
): Promise<{ blob_key: string; wrapped_key: Uint8Array } | undefined> {
  const { rows } = await sql<{ blob_key: string; wrapped_key: Uint8Array }>`
    WITH claimed AS (
      SELECT id, blob_key, wrapped_key FROM chambers.privacy_exports
       WHERE id = ${id} AND user_id = ${userId} AND status = 'ready' AND token_hash = ${tokenHash}
         AND expires_at > ${now} AND wrapped_key IS NOT NULL
       FOR UPDATE)
    UPDATE chambers.privacy_exports e SET status = 'fetched', fetched_at = ${now}, token_hash = NULL, wrapped_key = NULL
      FROM claimed WHERE e.id = claimed.id
    RETURNING claimed.blob_key, claimed.wrapped_key`.execute(tx);
  return rows[0];
}

/** Takes the next pending export for building; a lock lease lets a crashed build be resumed by the next run. */
export async function claimPendingExport(
  tx: Tx,
  now: Date,
  leaseMs: number,
  onlyId?: string,
): Promise<{ id: string; user_id: string } | undefined> {
  const { rows } = await sql<{ id: string; user_id: string }>`
    UPDATE chambers.privacy_exports SET locked_until = ${new Date(now.getTime() + leaseMs)}, attempts = attempts + 1
     WHERE id = (SELECT id FROM chambers.privacy_exports
                  WHERE status = 'pending' AND expires_at > ${now} AND attempts < 3
                    AND (locked_until IS NULL OR locked_until < ${now})
                    ${onlyId ? sql`AND id = ${onlyId}` : sql``}
                  ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
    RETURNING id, user_id`.execute(tx);
  return rows[0];
}

export async function markReady(
  tx: Tx,
  id: string,
  v: { blobKey: string; wrappedKey: Buffer; bytes: number; files: number; now: Date },
): Promise<void> {
  await sql`UPDATE chambers.privacy_exports SET status = 'ready', blob_key = ${v.blobKey}, wrapped_key = ${v.wrappedKey},
      bytes = ${v.bytes}, files = ${v.files}, ready_at = ${v.now}, locked_until = NULL
    WHERE id = ${id} AND status = 'pending'`.execute(tx);
}

export async function markFailed(tx: Tx, id: string): Promise<void> {
  await sql`UPDATE chambers.privacy_exports SET status = 'failed', locked_until = NULL WHERE id = ${id} AND status = 'pending'`.execute(
    tx,
  );
}

/** Exports past their 24 h, fetched or not, and every export of one user (erasure): rows and blob keys to delete. */
export async function deleteExports(
  tx: Tx,
  where: { expiredBefore: Date } | { userId: string },
): Promise<{ id: string; blob_key: string | null }[]> {
  const cond = 'userId' in where ? sql`user_id = ${where.userId}` : sql`expires_at <= ${where.expiredBefore}`;
  const { rows } = await sql<{ id: string; blob_key: string | null }>`DELETE FROM chambers.privacy_exports
    WHERE ${cond} RETURNING id, blob_key`.execute(tx);
  return rows;
}
