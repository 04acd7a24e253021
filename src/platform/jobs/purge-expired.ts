import type { Database } from '../db/database.ts';
import { unsafePurgeExpiredIdempotencyKeys } from '../../http/idempotency.repository.ts';
import { unsafePurgeWebhookReplayRecords } from '../../webhooks/webhooks.repository.ts';

/** Short-lived records every tenant leaves behind: idempotency keys past 24 h, webhook replay records and retired secrets. */
export async function unsafePurgeExpiredRecords(db: Database, now: Date): Promise<{ idempotencyKeys: number; webhookRecords: number }> {
  return {
    idempotencyKeys: await unsafePurgeExpiredIdempotencyKeys(db, now),
    webhookRecords: await unsafePurgeWebhookReplayRecords(db, now),
  };
}
