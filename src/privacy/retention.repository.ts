import { sql } from 'kysely';
import type { Tx } from '../platform/db/index.ts';

/** SQL of the privacy retention classes; owner path (every tenant at once). Each statement is idempotent. */

export async function purgeShareLinks(tx: Tx, endedBefore: Date): Promise<number> {
  const res = await sql`DELETE FROM chambers.share_links
    WHERE least(expires_at, coalesce(revoked_at, expires_at)) < ${endedBefore}`.execute(tx);
  return Number(res.numAffectedRows ?? 0);
}

export async function closedAccountsDue(tx: Tx, now: Date) {
  const { rows } = await sql<{ user_id: string; audit_key_held: boolean }>`
    SELECT user_id, audit_key_held FROM chambers.closed_accounts
     WHERE purged_at IS NULL AND purge_after <= ${now} ORDER BY purge_after LIMIT 500`.execute(tx);
  return rows;
}

/** The last traces of a closed account: its (already revoked, anonymized) session rows. */
export async function deleteSessionRows(tx: Tx, userId: string): Promise<number> {
  await sql`DELETE FROM chambers.refresh_tokens WHERE session_id IN (SELECT id FROM chambers.sessions WHERE user_id = ${userId})`.execute(
    tx,
  );
  const res = await sql`DELETE FROM chambers.sessions WHERE user_id = ${userId}`.execute(tx);
  return Number(res.numAffectedRows ?? 0);
}

export async function markClosedAccountPurged(tx: Tx, userId: string, now: Date, held: boolean): Promise<void> {
  await sql`UPDATE chambers.closed_accounts SET audit_key_held = ${held}, purged_at = CASE WHEN ${held} THEN NULL ELSE ${now}::timestamptz END
    WHERE user_id = ${userId}`.execute(tx);
}

export async function purgeApiCalls(tx: Tx, before: Date): Promise<number> {
  const { rows } = await sql<{ n: number }>`SELECT audit.purge_api_calls_before(${before}) AS n`.execute(tx);
  return Number(rows[0]?.n ?? 0);
}

/** Per-person AI usage counters (chambers.ai_usage, db/migrations/0012_ai.sql: one row per org, user, day and tool). */
export async function purgeAiUsage(tx: Tx, before: Date): Promise<number> {
  const res = await sql`DELETE FROM chambers.ai_usage WHERE day < ${before.toISOString().slice(0, 10)}::date`.execute(
    tx,
  );
  return Number(res.numAffectedRows ?? 0);
}

export async function deleteExportById(tx: Tx, id: string): Promise<string | null | undefined> {
  const { rows } = await sql<{ blob_key: string | null }>`DELETE FROM chambers.privacy_exports WHERE id = ${id}
    RETURNING blob_key`.execute(tx);
  return rows[0]?.blob_key;
}
