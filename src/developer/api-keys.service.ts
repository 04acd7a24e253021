import type { Actor } from '../access/index.ts';
import type { Tx } from '../platform/db/index.ts';
import { notFound } from '../platform/errors.ts';
import { newApiKey } from './api-key-secret.ts';
import * as repo from './api-keys.repository.ts';
import type { CreateKeyInput, KeyView, UpdateKeyInput } from './developer.schemas.ts';
import { startOfUtcDay } from './key-quota.ts';

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

function toView(row: repo.ApiKeyRow, callsToday: number): KeyView {
  return {
    id: row.id,
    name: row.name,
    mode: row.mode,
    prefix: row.prefix,
    scopes: row.scopes,
    createdAt: new Date(row.created_at).toISOString(),
    expiresAt: iso(row.expires_at),
    lastUsedAt: iso(row.last_used_at),
    revokedAt: iso(row.revoked_at),
    ratePerSecond: row.rate_per_second,
    burst: row.burst,
    dailyQuota: row.daily_quota,
    callsToday,
  };
}

/** Makes a key and returns it, the one time it exists outside the caller's hands; only its hash is kept. */
export async function createKey(tx: Tx, actor: Actor, input: CreateKeyInput, now: Date) {
  const { key, hash, prefix } = newApiKey(input.mode);
  const expiresAt = input.expiresInDays ? new Date(now.getTime() + input.expiresInDays * 86_400_000) : null;
  const row = await repo.insertApiKey(tx, {
    orgId: actor.orgId,
    name: input.name,
    mode: input.mode,
    prefix,
    hash,
    scopes: input.scopes,
    createdBy: actor.userId,
    expiresAt,
    limits: { ratePerSecond: input.ratePerSecond, burst: input.burst, dailyQuota: input.dailyQuota },
  });
  return { id: row.id, key, prefix: row.prefix, scopes: row.scopes, expiresAt: iso(row.expires_at) };
}

export async function listKeys(tx: Tx, now: Date): Promise<{ keys: KeyView[] }> {
  const today = await repo.callsSinceByKey(tx, startOfUtcDay(now));
  return { keys: (await repo.listApiKeys(tx)).map((k) => toView(k, today.get(k.id) ?? 0)) };
}

/** New limits hold from the key's next request (the authenticator reads them every time). */
export async function updateKey(tx: Tx, id: string, input: UpdateKeyInput, now: Date): Promise<KeyView> {
  const row = await repo.updateKeyLimits(tx, id, input);
  if (!row) throw notFound();
  const today = await repo.callsSinceByKey(tx, startOfUtcDay(now));
  return toView(row, today.get(row.id) ?? 0);
}

/** Another organization's key, a missing one and an already revoked one all answer 404. */
export async function revokeKey(tx: Tx, id: string, now: Date): Promise<void> {
  if (!(await repo.revokeApiKey(tx, id, now))) throw notFound();
}
