import { sql } from 'kysely';
import type { Tx } from '../platform/db/index.ts';

/** The organization's side of outbound webhooks, under RLS (org_admins and api_admins only). */

export type EndpointRow = {
  id: string;
  url: string;
  events: string[];
  mode: 'live' | 'test';
  created_by: string;
  created_at: Date;
  failing_since: Date | null;
  disabled_at: Date | null;
  disabled_reason: 'gone' | 'failing' | null;
};

const ENDPOINT = sql`id, url, events, mode, created_by, created_at, failing_since, disabled_at, disabled_reason`;

export async function insertEndpoint(
  tx: Tx,
  e: { orgId: string; url: string; events: readonly string[]; mode: 'live' | 'test'; createdBy: string },
): Promise<EndpointRow> {
  const { rows } = await sql<EndpointRow>`
    INSERT INTO chambers.webhook_endpoints (org_id, url, events, mode, created_by)
    VALUES (${e.orgId}, ${e.url}, ${sql.val([...e.events])}::text[], ${e.mode}, ${e.createdBy})
    RETURNING ${ENDPOINT}`.execute(tx);
  return rows[0]!;
}

export async function listEndpoints(tx: Tx): Promise<EndpointRow[]> {
  return (
    await sql<EndpointRow>`SELECT ${ENDPOINT} FROM chambers.webhook_endpoints ORDER BY created_at DESC, id LIMIT 100`.execute(
      tx,
    )
  ).rows;
}

export async function findEndpoint(tx: Tx, id: string): Promise<EndpointRow | null> {
  return (
    (await sql<EndpointRow>`SELECT ${ENDPOINT} FROM chambers.webhook_endpoints WHERE id = ${id}`.execute(tx)).rows[0] ??
    null
  );
}

export async function deleteEndpoint(tx: Tx, id: string): Promise<boolean> {
  const res = await sql`DELETE FROM chambers.webhook_endpoints WHERE id = ${id}`.execute(tx);
  return (res.numAffectedRows ?? 0n) > 0n;
}

/** Adds the endpoint's new current secret; the one it replaces stays valid until `retireAt` (the overlap). */
export async function addSecret(
  tx: Tx,
  s: { id: string; endpointId: string; orgId: string; sealed: string; retireOthersAt: Date },
): Promise<void> {
  await sql`UPDATE chambers.webhook_endpoint_secrets SET retires_at = ${s.retireOthersAt}
             WHERE endpoint_id = ${s.endpointId} AND retires_at IS NULL`.execute(tx);
  await sql`INSERT INTO chambers.webhook_endpoint_secrets (id, endpoint_id, org_id, secret_ciphertext)
            VALUES (${s.id}, ${s.endpointId}, ${s.orgId}, ${s.sealed})`.execute(tx);
}

export type DeliveryRow = {
  id: string;
  event_type: string;
  attempts: number;
  status: 'pending' | 'retrying' | 'delivered' | 'failed';
  last_response_status: number | null;
  updated_at: Date;
};

export async function listDeliveries(tx: Tx, endpointId: string): Promise<DeliveryRow[]> {
  return (
    await sql<DeliveryRow>`SELECT id, event_type, attempts, status, last_response_status, updated_at
                             FROM chambers.webhook_deliveries WHERE endpoint_id = ${endpointId}
                            ORDER BY created_at DESC, id LIMIT 100`.execute(tx)
  ).rows;
}

/** Puts a delivery back in the queue, due now; false when the endpoint has no such delivery. */
export async function requeueDelivery(tx: Tx, endpointId: string, deliveryId: string, now: Date): Promise<boolean> {
  const res =
    await sql`UPDATE chambers.webhook_deliveries SET status = 'retrying', next_attempt_at = ${now}, updated_at = ${now}
                         WHERE id = ${deliveryId} AND endpoint_id = ${endpointId}`.execute(tx);
  return (res.numAffectedRows ?? 0n) > 0n;
}

/** "Send a test event": an outbox event addressed to one endpoint only. */
export async function insertTestEvent(tx: Tx, orgId: string, endpointId: string, type: string): Promise<string> {
  const { rows } = await sql<{ id: string }>`
    INSERT INTO chambers.outbound_events (org_id, type, data, endpoint_id)
    VALUES (${orgId}, ${type}, ${JSON.stringify({ endpointId })}::jsonb, ${endpointId}) RETURNING id`.execute(tx);
  return rows[0]!.id;
}
