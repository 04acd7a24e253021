import { sql } from 'kysely';
import { type Database, unsafeWithOwner, withTenant, type TenantContext } from '../platform/db/index.ts';

/** All SQL of idempotency keys. Tenant-scoped: RLS limits every statement to this user in this organization. */

export type Actor = { orgId: string; userId: string };
export type StoredResponse = { status: number; headers: Record<string, string>; body: string };
export type ClaimResult =
  { kind: 'claimed' } | { kind: 'replay'; response: StoredResponse } | { kind: 'in_flight' } | { kind: 'mismatch' };

const tenant = (a: Actor): TenantContext => ({ orgId: a.orgId, userId: a.userId });

/**
 * Takes the key for this request, or reports who holds it. An expired record, or
 * an in-flight one older than `staleAfterMs` (its process died), is dropped first.
 * Concurrent claims of one key serialize on the primary key: exactly one wins.
 */
export async function claimKey(
  db: Database,
  actor: Actor,
  input: { key: string; requestHash: string; now: Date; ttlMs: number; staleAfterMs: number },
): Promise<ClaimResult> {
  return withTenant(db, tenant(actor), async (tx) => {
    const staleBefore = new Date(input.now.getTime() - input.staleAfterMs);
    await tx
      .deleteFrom('chambers.idempotency_keys')
      .where('org_id', '=', actor.orgId)
      .where('user_id', '=', actor.userId)
      .where('key', '=', input.key)
      .where((eb) =>
        eb.or([
          eb('expires_at', '<=', input.now),
          eb.and([eb('state', '=', 'in_flight'), eb('locked_at', '<=', staleBefore)]),
        ]),
      )
      .execute();
    const inserted = await tx
      .insertInto('chambers.idempotency_keys')
      .values({
        org_id: actor.orgId,
        user_id: actor.userId,
        key: input.key,
        request_hash: input.requestHash,
        locked_at: input.now,
        expires_at: new Date(input.now.getTime() + input.ttlMs),
      })
      .onConflict((oc) => oc.doNothing())
      .returning('key')
      .executeTakeFirst();
    if (inserted) return { kind: 'claimed' };
    const row = await tx
      .selectFrom('chambers.idempotency_keys')
      .select(['request_hash', 'state', 'response_status', 'response_headers', 'response_body'])
      .where('org_id', '=', actor.orgId)
      .where('user_id', '=', actor.userId)
      .where('key', '=', input.key)
      .executeTakeFirst();
    // Deleted between our insert and select (a purge): the caller may simply retry.
    if (!row) return { kind: 'in_flight' };
    if (row.request_hash !== input.requestHash) return { kind: 'mismatch' };
    if (row.state !== 'done' || row.response_status === null) return { kind: 'in_flight' };
    return {
      kind: 'replay',
      response: { status: row.response_status, headers: row.response_headers ?? {}, body: row.response_body ?? '' },
    };
  });
}

/** Records the first response under the key, for replay until the key expires. */
export async function completeKey(
  db: Database,
  actor: Actor,
  key: string,
  response: StoredResponse,
  now: Date,
): Promise<void> {
  await withTenant(db, tenant(actor), async (tx) => {
    await tx
      .updateTable('chambers.idempotency_keys')
      .set({
        state: 'done',
        response_status: response.status,
        response_headers: JSON.stringify(response.headers),
        response_body: response.body,
        completed_at: now,
      })
      .where('org_id', '=', actor.orgId)
      .where('user_id', '=', actor.userId)
      .where('key', '=', key)
      .where('state', '=', 'in_flight')
      .execute();
  });
}

/** Gives the key back (the request failed on our side): a retry with the same key runs again. */
export async function releaseKey(db: Database, actor: Actor, key: string): Promise<void> {
  await withTenant(db, tenant(actor), async (tx) => {
    await tx
      .deleteFrom('chambers.idempotency_keys')
      .where('org_id', '=', actor.orgId)
      .where('user_id', '=', actor.userId)
      .where('key', '=', key)
      .where('state', '=', 'in_flight')
      .execute();
  });
}

/** The periodic purge: crosses every tenant by design, hence the owner path. */
export async function unsafePurgeExpiredIdempotencyKeys(db: Database, now: Date): Promise<number> {
  return unsafeWithOwner(db, async (tx) => {
    const { numAffectedRows } = await sql`DELETE FROM chambers.idempotency_keys WHERE expires_at <= ${now}`.execute(tx);
    return Number(numAffectedRows ?? 0);
  });
}
