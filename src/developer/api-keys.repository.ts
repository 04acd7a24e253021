import { sql } from 'kysely';
import type { ApiScope } from '../access/index.ts';
import type { Database, Tx } from '../platform/db/index.ts';

export type ApiKeyRow = {
  id: string;
  name: string;
  mode: 'live' | 'test';
  prefix: string;
  scopes: ApiScope[];
  created_by: string;
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
  rate_per_second: number;
  burst: number;
  daily_quota: number;
};

/** Calls a key may make a UTC day unless set otherwise (the column default, 0015). */
export const DEFAULT_DAILY_QUOTA = 100_000;

const COLUMNS = sql`id, name, mode, prefix, scopes, created_by, created_at, expires_at, last_used_at, revoked_at,
                    rate_per_second, burst, daily_quota`;

/** A key's limits; each one left undefined keeps the column default (on insert) or its value (on update). */
export type KeyLimits = {
  ratePerSecond?: number | undefined;
  burst?: number | undefined;
  dailyQuota?: number | undefined;
};

export async function insertApiKey(
  tx: Tx,
  k: {
    orgId: string;
    name: string;
    mode: 'live' | 'test';
    prefix: string;
    hash: Buffer;
    scopes: readonly ApiScope[];
    createdBy: string;
    expiresAt: Date | null;
    limits: KeyLimits;
  },
): Promise<ApiKeyRow> {
  const { rows } = await sql<ApiKeyRow>`
    INSERT INTO chambers.api_keys (org_id, name, mode, prefix, key_hash, scopes, created_by, expires_at,
                                   rate_per_second, burst, daily_quota)
    VALUES (${k.orgId}, ${k.name}, ${k.mode}, ${k.prefix}, ${k.hash}, ${sql.val([...k.scopes])}::text[], ${k.createdBy},
            ${k.expiresAt}, coalesce(${k.limits.ratePerSecond ?? null}::int, 10), coalesce(${k.limits.burst ?? null}::int, 20),
            coalesce(${k.limits.dailyQuota ?? null}::int, ${DEFAULT_DAILY_QUOTA}))
    RETURNING ${COLUMNS}`.execute(tx);
  return rows[0]!;
}

export async function listApiKeys(tx: Tx): Promise<ApiKeyRow[]> {
  const { rows } =
    await sql<ApiKeyRow>`SELECT ${COLUMNS} FROM chambers.api_keys ORDER BY created_at DESC, id LIMIT 500`.execute(tx);
  return rows;
}

/** Changes a key's limits (revoked keys included: harmless, and the list shows what it had); null when not found. */
export async function updateKeyLimits(tx: Tx, id: string, l: KeyLimits): Promise<ApiKeyRow | null> {
  const { rows } = await sql<ApiKeyRow>`
    UPDATE chambers.api_keys
       SET rate_per_second = coalesce(${l.ratePerSecond ?? null}::int, rate_per_second),
           burst = coalesce(${l.burst ?? null}::int, burst),
           daily_quota = coalesce(${l.dailyQuota ?? null}::int, daily_quota)
     WHERE id = ${id} RETURNING ${COLUMNS}`.execute(tx);
  return rows[0] ?? null;
}

/** Each key's calls since `since`, from the call log (the organization's rows only, under RLS). */
export async function callsSinceByKey(tx: Tx, since: Date): Promise<Map<string, number>> {
  const { rows } = await sql<{ api_key_id: string; n: number }>`
    SELECT api_key_id, count(*)::int AS n FROM audit.api_calls
     WHERE org_id = chambers.current_org_id() AND at >= ${since} GROUP BY api_key_id`.execute(tx);
  return new Map(rows.map((r) => [r.api_key_id, r.n]));
}

/** Revokes a live key; false when there is no such key in this organization (or it is already revoked). */
export async function revokeApiKey(tx: Tx, id: string, at: Date): Promise<boolean> {
  const res =
    await sql`UPDATE chambers.api_keys SET revoked_at = ${at} WHERE id = ${id} AND revoked_at IS NULL`.execute(tx);
  return (res.numAffectedRows ?? 0n) > 0n;
}

export type AuthenticatedKey = {
  id: string;
  org_id: string;
  mode: 'live' | 'test';
  scopes: ApiScope[];
  rate_per_second: number;
  burst: number;
  daily_quota: number;
  key_hash: Buffer;
  created_by: string;
  org_kind: 'firm' | 'court';
  org_name: string;
  email: string;
  user_name: string;
};

/**
 * The live key with this hash, before any tenant is known (owner path, one statement):
 * not revoked, not expired, and its creator still an active member of its organization.
 * Its last-used time is written at most once a minute, in the same statement.
 */
export async function unsafeAuthenticateApiKey(
  db: Database,
  hash: Buffer,
  now: Date,
): Promise<AuthenticatedKey | null> {
  const { rows } = await sql<AuthenticatedKey>`
    WITH k AS (
      SELECT k.id, k.org_id, k.mode, k.scopes, k.rate_per_second, k.burst, k.daily_quota, k.key_hash, k.created_by,
             k.last_used_at,
             o.kind AS org_kind, o.name AS org_name, u.email, u.name AS user_name
        FROM chambers.api_keys k
        JOIN chambers.organizations o ON o.id = k.org_id
        JOIN chambers.users u ON u.id = k.created_by
        JOIN chambers.memberships m ON m.org_id = k.org_id AND m.user_id = k.created_by AND m.suspended_at IS NULL
       WHERE k.key_hash = ${hash} AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > ${now})
    ), touched AS (
      UPDATE chambers.api_keys SET last_used_at = ${now}
       WHERE id IN (SELECT id FROM k WHERE last_used_at IS NULL OR last_used_at < ${new Date(now.getTime() - 60_000)})
      RETURNING id
    )
    SELECT k.id, k.org_id, k.mode, k.scopes, k.rate_per_second, k.burst, k.daily_quota, k.key_hash, k.created_by,
           k.org_kind, k.org_name, k.email, k.user_name, (SELECT count(*) FROM touched) AS touched
      FROM k`.execute(db.owner);
  return rows[0] ?? null;
}

/**
 * How many calls the call log holds for a key since `since` (owner path: before any
 * tenant is known), counting no further than `cap`, so the cost stays bounded by the quota.
 */
export async function unsafeCountCallsSince(db: Database, keyId: string, since: Date, cap: number): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM (
      SELECT 1 FROM audit.api_calls WHERE api_key_id = ${keyId} AND at >= ${since} LIMIT ${cap}
    ) c`.execute(db.owner);
  return rows[0]?.n ?? 0;
}
