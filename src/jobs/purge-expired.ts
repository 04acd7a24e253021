import type { Database } from '../platform/db/index.ts';
import { unsafePurgeExpiredIdempotencyKeys } from '../idempotency/index.ts';
import { unsafePurgeWebhookReplayRecords } from '../webhooks/index.ts';

/** Short-lived records every tenant leaves behind: idempotency keys past 24 h, webhook replay records and retired secrets. */
export async function unsafePurgeExpiredRecords(
  db: Database,
  now: Date,
): Promise<{ idempotencyKeys: number; webhookRecords: number }> {
  return {
    idempotencyKeys: await unsafePurgeExpiredIdempotencyKeys(db, now),
    webhookRecords: await unsafePurgeWebhookReplayRecords(db, now),
  };
}
