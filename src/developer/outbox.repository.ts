import { sql } from 'kysely';
import { type Database, unsafeWithOwner } from '../platform/db/index.ts';

/**
 * The dispatcher's side of the outbox, across organizations (owner path): fan events
 * out to deliveries, lease due deliveries, record what happened. Leases make it safe
 * to run in several processes and to pick up after a crash.
 */

/**
 * Turns new events into one delivery per subscribed, enabled endpoint of the event's
 * mode: events about test data go to test endpoints only, the rest to live endpoints
 * only. A "send a test event" goes to its one endpoint, whatever its mode.
 */
export async function unsafeFanOutEvents(db: Database, now: Date): Promise<number> {
  return unsafeWithOwner(db, async (tx) => {
    const { rows } = await sql<{ id: string }>`
      WITH ev AS (
        SELECT id, org_id, type, endpoint_id, test_data FROM chambers.outbound_events
         WHERE fanned_out_at IS NULL ORDER BY created_at LIMIT 200 FOR UPDATE SKIP LOCKED
      ), ins AS (
        INSERT INTO chambers.webhook_deliveries (org_id, endpoint_id, event_id, event_type, next_attempt_at)
        SELECT ev.org_id, e.id, ev.id, ev.type, ${now}
          FROM ev JOIN chambers.webhook_endpoints e ON e.org_id = ev.org_id AND e.disabled_at IS NULL
         WHERE (ev.endpoint_id IS NULL AND ev.type = ANY (e.events)
                AND e.mode = CASE WHEN ev.test_data THEN 'test' ELSE 'live' END)
            OR ev.endpoint_id = e.id
        ON CONFLICT (event_id, endpoint_id) DO NOTHING
      )
      UPDATE chambers.outbound_events SET fanned_out_at = ${now} WHERE id IN (SELECT id FROM ev) RETURNING id`.execute(
      tx,
    );
    return rows.length;
  });
}

export type DueDelivery = {
  id: string;
  org_id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  attempts: number;
  url: string;
  created_by: string;
  failing_since: Date | null;
  data: Record<string, unknown>;
  event_at: Date;
};

/** Leases up to `limit` due deliveries of enabled endpoints until `leaseUntil`. */
export async function unsafeLeaseDueDeliveries(
  db: Database,
  now: Date,
  leaseUntil: Date,
  limit: number,
): Promise<DueDelivery[]> {
  return unsafeWithOwner(db, async (tx) => {
    const { rows } = await sql<DueDelivery>`
      WITH due AS (
        SELECT d.id FROM chambers.webhook_deliveries d
          JOIN chambers.webhook_endpoints e ON e.id = d.endpoint_id
         WHERE d.status IN ('pending', 'retrying') AND d.next_attempt_at <= ${now}
           AND (d.locked_until IS NULL OR d.locked_until < ${now}) AND e.disabled_at IS NULL
         ORDER BY d.next_attempt_at LIMIT ${limit} FOR UPDATE OF d SKIP LOCKED
      ), leased AS (
        UPDATE chambers.webhook_deliveries d SET locked_until = ${leaseUntil}
          FROM due WHERE d.id = due.id
        RETURNING d.id, d.org_id, d.endpoint_id, d.event_id, d.event_type, d.attempts
      )
      SELECT l.*, e.url, e.created_by, e.failing_since, ev.data, ev.created_at AS event_at
        FROM leased l
        JOIN chambers.webhook_endpoints e ON e.id = l.endpoint_id
        JOIN chambers.outbound_events ev ON ev.id = l.event_id`.execute(tx);
    return rows;
  });
}

/** The sealed secrets an endpoint signs with now: the current one and any still in their overlap. */
export async function unsafeLiveSecrets(
  db: Database,
  endpointId: string,
  now: Date,
): Promise<Array<{ id: string; sealed: string }>> {
  return unsafeWithOwner(db, async (tx) => {
    const { rows } = await sql<{ id: string; sealed: string }>`
      SELECT id, secret_ciphertext AS sealed FROM chambers.webhook_endpoint_secrets
       WHERE endpoint_id = ${endpointId} AND (retires_at IS NULL OR retires_at > ${now})
       ORDER BY created_at DESC`.execute(tx);
    return rows;
  });
}

export type AttemptOutcome = {
  deliveryId: string;
  orgId: string;
  endpointId: string;
  attempt: number;
  at: Date;
  responseStatus: number | null;
  error: string | null;
  durationMs: number;
  status: 'delivered' | 'retrying' | 'failed';
  nextAttemptAt: Date | null;
  /** What becomes of the endpoint: healthy again, failing (since when), or disabled. */
  endpoint: { kind: 'ok' } | { kind: 'failing' } | { kind: 'disable'; reason: 'gone' | 'failing' };
};

/**
 * Records one attempt and its consequences in one transaction. When it disabled the
 * endpoint now, returns whom to tell: its creator while still an active member, else
 * the organization's active org_admins and api_admins (an endpoint outlives the person
 * who set it up; a former member hears nothing more about the firm's integrations).
 */
export async function unsafeRecordAttempt(
  db: Database,
  o: AttemptOutcome,
): Promise<{ recipients: string[]; url: string } | null> {
  return unsafeWithOwner(db, async (tx) => {
    await sql`INSERT INTO chambers.webhook_delivery_attempts (delivery_id, org_id, attempt, at, response_status, error, duration_ms)
              VALUES (${o.deliveryId}, ${o.orgId}, ${o.attempt}, ${o.at}, ${o.responseStatus}, ${o.error}, ${o.durationMs})`.execute(
      tx,
    );
    await sql`UPDATE chambers.webhook_deliveries
                 SET status = ${o.status}, attempts = ${o.attempt}, last_response_status = ${o.responseStatus},
                     last_error = ${o.error}, next_attempt_at = coalesce(${o.nextAttemptAt}, next_attempt_at),
                     locked_until = NULL, updated_at = ${o.at}
               WHERE id = ${o.deliveryId}`.execute(tx);
    if (o.endpoint.kind === 'ok') {
      await sql`UPDATE chambers.webhook_endpoints SET failing_since = NULL WHERE id = ${o.endpointId} AND failing_since IS NOT NULL`.execute(
        tx,
      );
      return null;
    }
    if (o.endpoint.kind === 'failing') {
      await sql`UPDATE chambers.webhook_endpoints SET failing_since = ${o.at} WHERE id = ${o.endpointId} AND failing_since IS NULL`.execute(
        tx,
      );
      return null;
    }
    const { rows } = await sql<{ url: string; org_id: string; created_by: string }>`
      UPDATE chambers.webhook_endpoints e SET disabled_at = ${o.at}, disabled_reason = ${o.endpoint.reason}
       WHERE e.id = ${o.endpointId} AND e.disabled_at IS NULL
      RETURNING e.url, e.org_id, e.created_by`.execute(tx);
    // Nothing more will be sent to a disabled endpoint: its queue ends as failed, visibly.
    await sql`UPDATE chambers.webhook_deliveries SET status = 'failed', locked_until = NULL, updated_at = ${o.at}
               WHERE endpoint_id = ${o.endpointId} AND status IN ('pending', 'retrying')`.execute(tx);
    const row = rows[0];
    if (!row) return null;
    const { rows: people } = await sql<{ email: string; creator: boolean }>`
      SELECT u.email, m.user_id = ${row.created_by} AS creator
        FROM chambers.memberships m JOIN chambers.users u ON u.id = m.user_id
       WHERE m.org_id = ${row.org_id} AND m.suspended_at IS NULL
         AND (m.user_id = ${row.created_by} OR m.role IN ('org_admin', 'api_admin'))`.execute(tx);
    const creator = people.filter((p) => p.creator);
    return { recipients: (creator.length > 0 ? creator : people).map((p) => p.email), url: row.url };
  });
}
