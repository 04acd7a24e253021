import crypto from 'node:crypto';
import type { AppContext } from '../context/index.ts';
import type { Tx } from '../platform/db/index.ts';
import { SECRET_PURPOSE as SEALED, sealSecret } from '../crypto/index.ts';
import { notFound } from '../platform/errors.ts';
import * as repo from './webhooks.repository.ts';
import { newWebhookSecret } from './signature.ts';

/** Managing inbound integrations (org_admin). Secrets are shown once, at creation and rotation, and stored sealed. */

/** How long the previous secret keeps verifying after a rotation: time to roll the new one out to the sender. */
export const ROTATION_OVERLAP_MS = 60 * 60 * 1000;
export const SECRET_PURPOSE = SEALED.webhook;

type Actor = { orgId: string; userId: string };
type IntegrationRow = { id: string; name: string; created_at: Date | string; rotated_at: Date | string | null };

const toView = (row: IntegrationRow) => ({
  id: row.id,
  name: row.name,
  createdAt: new Date(row.created_at).toISOString(),
  rotatedAt: row.rotated_at ? new Date(row.rotated_at).toISOString() : null,
});

/** The path names an organization; another organization's looks like a missing one. */
function assertOwnOrg(actor: Actor, orgId: string): void {
  if (actor.orgId !== orgId) throw notFound();
}

async function storeNewSecret(tx: Tx, ctx: AppContext, integrationId: string, orgId: string): Promise<string> {
  const secret = newWebhookSecret();
  const id = crypto.randomUUID();
  // Bound to the secret row's id: a ciphertext copied onto another row does not open.
  await repo.insertSecret(tx, {
    id,
    integrationId,
    orgId,
    ciphertext: sealSecret(ctx.keys.masterKey, SECRET_PURPOSE, secret, id),
  });
  return secret;
}

export async function createIntegration(tx: Tx, ctx: AppContext, actor: Actor, orgId: string, name: string) {
  assertOwnOrg(actor, orgId);
  const row = await repo.insertIntegration(tx, { orgId, name, createdBy: actor.userId });
  const secret = await storeNewSecret(tx, ctx, row.id, orgId);
  return { ...toView(row), secret };
}

export async function listIntegrations(tx: Tx, actor: Actor, orgId: string) {
  assertOwnOrg(actor, orgId);
  return (await repo.listIntegrations(tx)).map(toView);
}

export async function rotateSecret(tx: Tx, ctx: AppContext, actor: Actor, orgId: string, integrationId: string) {
  assertOwnOrg(actor, orgId);
  const integration = await repo.findIntegration(tx, integrationId);
  if (!integration) throw notFound();
  const now = ctx.clock.now();
  const validUntil = new Date(now.getTime() + ROTATION_OVERLAP_MS);
  await repo.retireSecrets(tx, integrationId, now, validUntil);
  const secret = await storeNewSecret(tx, ctx, integrationId, orgId);
  return { id: integrationId, secret, previousSecretValidUntil: validUntil.toISOString() };
}

export async function deleteIntegration(tx: Tx, actor: Actor, orgId: string, integrationId: string): Promise<void> {
  assertOwnOrg(actor, orgId);
  if (!(await repo.deleteIntegration(tx, integrationId))) throw notFound();
}
