/**
 * All SQL of the AI module: playbooks, usage counters, settings. Nothing here stores a question,
 * document text or model output (zero retention); the tables hold policy and counts only.
 * Raw SQL keeps these tables out of the shared Kysely schema; every statement runs in the
 * caller's tenant transaction under forced RLS.
 */
import { sql } from 'kysely';
import type { Tx } from '../platform/db/index.ts';
import type { PlaybookRule, Tool } from './ai.schemas.ts';

export type PlaybookRow = {
  id: string;
  name: string;
  rules: PlaybookRule[];
  created_at: Date | string;
  updated_at: Date | string;
};

export async function insertPlaybook(
  tx: Tx,
  p: { orgId: string; userId: string; name: string; rules: PlaybookRule[] },
): Promise<string> {
  const r = await sql<{ id: string }>`
    INSERT INTO chambers.ai_playbooks (org_id, name, rules, created_by)
    VALUES (${p.orgId}, ${p.name}, ${JSON.stringify(p.rules)}::jsonb, ${p.userId})
    RETURNING id`.execute(tx);
  const id = r.rows[0]?.id;
  if (!id) throw new Error('playbook insert returned no id');
  return id;
}

export async function listPlaybooks(tx: Tx): Promise<PlaybookRow[]> {
  const r = await sql<PlaybookRow>`
    SELECT id, name, rules, created_at, updated_at FROM chambers.ai_playbooks ORDER BY created_at, id`.execute(tx);
  return r.rows;
}

export async function findPlaybook(tx: Tx, id: string): Promise<PlaybookRow | undefined> {
  const r = await sql<PlaybookRow>`
    SELECT id, name, rules, created_at, updated_at FROM chambers.ai_playbooks WHERE id = ${id}`.execute(tx);
  return r.rows[0];
}

export async function updatePlaybook(tx: Tx, id: string, name: string, rules: PlaybookRule[]): Promise<boolean> {
  const r = await sql`
    UPDATE chambers.ai_playbooks SET name = ${name}, rules = ${JSON.stringify(rules)}::jsonb, updated_at = now()
    WHERE id = ${id}`.execute(tx);
  return Number(r.numAffectedRows ?? 0) > 0;
}

export async function deletePlaybook(tx: Tx, id: string): Promise<boolean> {
  const r = await sql`DELETE FROM chambers.ai_playbooks WHERE id = ${id}`.execute(tx);
  return Number(r.numAffectedRows ?? 0) > 0;
}

/** Today's calls by this user and by the whole organization (all tools). */
export async function usageToday(tx: Tx, userId: string, day: string): Promise<{ user: number; org: number }> {
  const r = await sql<{ user_total: number | null; org_total: number | null }>`
    SELECT coalesce(sum(count) FILTER (WHERE user_id = ${userId}), 0)::int AS user_total,
           coalesce(sum(count), 0)::int AS org_total
    FROM chambers.ai_usage WHERE day = ${day}::date`.execute(tx);
  return { user: Number(r.rows[0]?.user_total ?? 0), org: Number(r.rows[0]?.org_total ?? 0) };
}

export async function countCall(tx: Tx, p: { orgId: string; userId: string; day: string; tool: Tool }): Promise<void> {
  await sql`
    INSERT INTO chambers.ai_usage (org_id, user_id, day, tool, count)
    VALUES (${p.orgId}, ${p.userId}, ${p.day}::date, ${p.tool}, 1)
    ON CONFLICT (org_id, user_id, day, tool) DO UPDATE SET count = chambers.ai_usage.count + 1`.execute(tx);
}

export async function usageByDay(
  tx: Tx,
  sinceDay: string,
): Promise<Array<{ date: string; tool: Tool; count: number }>> {
  const r = await sql<{ date: string; tool: Tool; count: number }>`
    SELECT to_char(day, 'YYYY-MM-DD') AS date, tool, sum(count)::int AS count
    FROM chambers.ai_usage WHERE day >= ${sinceDay}::date
    GROUP BY day, tool ORDER BY day DESC, tool`.execute(tx);
  return r.rows.map((x) => ({ ...x, count: Number(x.count) }));
}

export type SettingsRow = {
  quota_user_per_day: number | null;
  quota_org_per_day: number | null;
  review_log: boolean;
  review_log_days: number;
};

export async function readSettings(tx: Tx): Promise<SettingsRow | undefined> {
  const r = await sql<SettingsRow>`
    SELECT quota_user_per_day, quota_org_per_day, review_log, review_log_days FROM chambers.ai_settings`.execute(tx);
  return r.rows[0];
}

export async function writeSettings(
  tx: Tx,
  orgId: string,
  s: { quotaUserPerDay: number | null; quotaOrgPerDay: number | null },
): Promise<void> {
  await sql`
    INSERT INTO chambers.ai_settings (org_id, quota_user_per_day, quota_org_per_day)
    VALUES (${orgId}, ${s.quotaUserPerDay}, ${s.quotaOrgPerDay})
    ON CONFLICT (org_id) DO UPDATE SET quota_user_per_day = excluded.quota_user_per_day,
      quota_org_per_day = excluded.quota_org_per_day, updated_at = now()`.execute(tx);
}

// The organization's own provider (API key sealed; see org-provider.ts) and the review log's switch.

export type ProviderRow = {
  provider: 'local' | 'anthropic' | 'openai-compatible' | null;
  base_url: string | null;
  model: string | null;
  api_key_ciphertext: string | null;
};

export async function readProvider(tx: Tx): Promise<ProviderRow | undefined> {
  const r = await sql<ProviderRow>`
    SELECT provider, base_url, model, api_key_ciphertext FROM chambers.ai_settings`.execute(tx);
  return r.rows[0];
}

export async function writeProvider(tx: Tx, orgId: string, p: ProviderRow): Promise<void> {
  await sql`
    INSERT INTO chambers.ai_settings (org_id, provider, base_url, model, api_key_ciphertext)
    VALUES (${orgId}, ${p.provider}, ${p.base_url}, ${p.model}, ${p.api_key_ciphertext})
    ON CONFLICT (org_id) DO UPDATE SET provider = excluded.provider, base_url = excluded.base_url,
      model = excluded.model, api_key_ciphertext = excluded.api_key_ciphertext, updated_at = now()`.execute(tx);
}

export async function readReviewLogSetting(tx: Tx): Promise<{ on: boolean; days: number }> {
  const r = await sql<{ review_log: boolean; review_log_days: number }>`
    SELECT review_log, review_log_days FROM chambers.ai_settings`.execute(tx);
  return { on: r.rows[0]?.review_log ?? false, days: Number(r.rows[0]?.review_log_days ?? 30) };
}

export async function writeReviewLogSetting(tx: Tx, orgId: string, on: boolean, days: number): Promise<void> {
  await sql`
    INSERT INTO chambers.ai_settings (org_id, review_log, review_log_days) VALUES (${orgId}, ${on}, ${days})
    ON CONFLICT (org_id) DO UPDATE SET review_log = excluded.review_log,
      review_log_days = excluded.review_log_days, updated_at = now()`.execute(tx);
}

export type ReviewLogRow = {
  id: string;
  user_id: string | null;
  tool: Tool;
  document_ids: string[];
  created_at: Date | string;
  expires_at: Date | string;
  org_key_version: number;
  wrapped_data_key: Buffer | Uint8Array;
  ciphertext: Buffer | Uint8Array;
};

export async function insertReviewLog(tx: Tx, e: Omit<ReviewLogRow, 'created_at'> & { org_id: string }): Promise<void> {
  await sql`
    INSERT INTO chambers.ai_review_log
      (id, org_id, user_id, tool, document_ids, expires_at, org_key_version, wrapped_data_key, ciphertext)
    VALUES (${e.id}, ${e.org_id}, ${e.user_id}, ${e.tool},
      ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(e.document_ids)}::jsonb))::uuid[], ${e.expires_at},
      ${e.org_key_version}, ${e.wrapped_data_key}, ${e.ciphertext})`.execute(tx);
}

export async function listReviewLog(tx: Tx, limit: number): Promise<ReviewLogRow[]> {
  const r = await sql<ReviewLogRow>`
    SELECT id, user_id, tool, to_jsonb(document_ids) AS document_ids, created_at, expires_at, org_key_version,
      wrapped_data_key, ciphertext
    FROM chambers.ai_review_log ORDER BY created_at DESC, id LIMIT ${limit}`.execute(tx);
  return r.rows;
}

/** Every organization's expired entries: a background job, so the owner path (see review-log.ts). */
export async function deleteExpiredReviewLog(tx: Tx, now: Date): Promise<number> {
  const r = await sql`DELETE FROM chambers.ai_review_log WHERE expires_at <= ${now}`.execute(tx);
  return Number(r.numAffectedRows ?? 0);
}
