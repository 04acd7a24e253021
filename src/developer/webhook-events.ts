import { sql } from 'kysely';
import type { Tx } from '../platform/db/index.ts';

/** The event types an endpoint may subscribe to (API.md, "Developer platform"). */
export const WEBHOOK_EVENT_TYPES = [
  'matter.created',
  'document.created',
  'document.deleted',
  'envelope.sent',
  'envelope.completed',
  'envelope.declined',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** What "send a test event" sends: only to the endpoint it was asked for. */
export const TEST_EVENT_TYPE = 'webhook.test';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids and small facts only: an event says what happened, the receiver fetches the rest with its key. */
export type EventData = Record<string, string | number | boolean | null>;

/**
 * Appends an event to the outbox in the caller's business transaction: it is
 * delivered exactly when the change commits, and survives restarts. The dispatcher
 * fans it out to the organization's subscribed endpoints of the event's mode. An event
 * is test data when a test key caused it or when it is about a matter marked as test
 * data (`matterId` in its data), whoever changed that matter. One line in a service:
 *
 * @example
 *   await publishWebhookEvent(tx, actor.orgId, 'matter.created', { matterId: row.id });
 */
export async function publishWebhookEvent(
  tx: Tx,
  orgId: string,
  type: WebhookEventType,
  data: EventData,
): Promise<void> {
  const matterId = typeof data.matterId === 'string' && UUID.test(data.matterId) ? data.matterId : null;
  await sql`
    INSERT INTO chambers.outbound_events (org_id, type, data, test_data)
    VALUES (${orgId}, ${type}, ${JSON.stringify(data)}::jsonb,
            chambers.test_data_only()
              OR coalesce((SELECT m.test_data FROM chambers.matters m WHERE m.id = ${matterId}::uuid), false))`.execute(
    tx,
  );
}
