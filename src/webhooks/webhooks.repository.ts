import { sql } from 'kysely';
import { type Database, unsafeWithOwner, type Tx } from '../platform/db/index.ts';
import { TIMESTAMP_TOLERANCE_S } from './signature.ts';

/** All SQL of webhooks. Admin functions run under RLS (org_admins of the current organization only). */

const integrationColumns = ['id', 'name', 'created_at', 'rotated_at'] as const;

export async function insertIntegration(tx: Tx, input: { orgId: string; name: string; createdBy: string }) {
  return tx
    .insertInto('chambers.webhook_integrations')
    .values({ org_id: input.orgId, name: input.name, created_by: input.createdBy })
    .returning(integrationColumns)
    .executeTakeFirstOrThrow();
}

export async function listIntegrations(tx: Tx) {
  return tx
    .selectFrom('chambers.webhook_integrations')
    .select(integrationColumns)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function findIntegration(tx: Tx, id: string) {
  return tx
    .selectFrom('chambers.webhook_integrations')
    .select([...integrationColumns, 'org_id'])
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function deleteIntegration(tx: Tx, id: string): Promise<boolean> {
  const result = await tx.deleteFrom('chambers.webhook_integrations').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Stores a sealed secret; the runtime role can write it but never read it back. */
export async function insertSecret(
  tx: Tx,
  input: { id: string; integrationId: string; orgId: string; ciphertext: string },
): Promise<void> {
  await tx
    .insertInto('chambers.webhook_secrets')
    .values({
      id: input.id,
      integration_id: input.integrationId,
      org_id: input.orgId,
      secret_ciphertext: input.ciphertext,
    })
    .execute();
}

/**
 * Rotation, step one: the current secret keeps working until `retiresAt`; any
 * secret still inside an earlier overlap window stops now (one previous secret at a time).
 */
export async function retireSecrets(tx: Tx, integrationId: string, now: Date, retiresAt: Date): Promise<void> {
  await tx
    .updateTable('chambers.webhook_secrets')
    .set({ retires_at: now })
    .where('integration_id', '=', integrationId)
    .where('retires_at', '>', now)
    .execute();
  await tx
    .updateTable('chambers.webhook_secrets')
    .set({ retires_at: retiresAt })
    .where('integration_id', '=', integrationId)
    .where('retires_at', 'is', null)
    .execute();
  await tx
    .updateTable('chambers.webhook_integrations')
    .set({ rotated_at: now })
    .where('id', '=', integrationId)
    .execute();
}

/**
 * The sealed secrets that verify a delivery right now, and the organization they belong to.
 * Owner path: an inbound delivery names only the integration, so no tenant is known yet.
 */
export async function unsafeFindVerificationSecrets(
  db: Database,
  integrationId: string,
  now: Date,
): Promise<{ orgId: string; secrets: Array<{ id: string; ciphertext: string }> } | null> {
  return unsafeWithOwner(db, async (tx) => {
    const integration = await tx
      .selectFrom('chambers.webhook_integrations')
      .select(['org_id'])
      .where('id', '=', integrationId)
      .executeTakeFirst();
    if (!integration) return null;
    const rows = await tx
      .selectFrom('chambers.webhook_secrets')
      .select(['id', 'secret_ciphertext'])
      .where('integration_id', '=', integrationId)
      .where((eb) => eb.or([eb('retires_at', 'is', null), eb('retires_at', '>', now)]))
      .execute();
    return { orgId: integration.org_id, secrets: rows.map((r) => ({ id: r.id, ciphertext: r.secret_ciphertext })) };
  });
}

/** Records an accepted delivery; false when its event id or signature was already seen (a replay). */
export async function recordDelivery(
  tx: Tx,
  input: { integrationId: string; orgId: string; eventId: string; signatureDigest: string; receivedAt: Date },
): Promise<boolean> {
  const row = await tx
    .insertInto('chambers.webhook_events')
    .values({
      integration_id: input.integrationId,
      org_id: input.orgId,
      event_id: input.eventId,
      signature_digest: input.signatureDigest,
      received_at: input.receivedAt,
    })
    .onConflict((oc) => oc.doNothing())
    .returning('event_id')
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Periodic purge across tenants: replay records older than twice the tolerance (no
 * delivery that old can pass the timestamp check again), and secrets whose overlap ended.
 */
export async function unsafePurgeWebhookReplayRecords(
  db: Database,
  now: Date,
  keepMs = 2 * TIMESTAMP_TOLERANCE_S * 1000,
): Promise<number> {
  return unsafeWithOwner(db, async (tx) => {
    const events =
      await sql`DELETE FROM chambers.webhook_events WHERE received_at < ${new Date(now.getTime() - keepMs)}`.execute(
        tx,
      );
    const secrets =
      await sql`DELETE FROM chambers.webhook_secrets WHERE retires_at IS NOT NULL AND retires_at <= ${now}`.execute(tx);
    return Number(events.numAffectedRows ?? 0) + Number(secrets.numAffectedRows ?? 0);
  });
}
