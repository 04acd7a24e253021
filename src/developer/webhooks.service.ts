import crypto from 'node:crypto';
import type { Actor } from '../access/index.ts';
import { sealSecret, SECRET_PURPOSE } from '../crypto/index.ts';
import type { Tx } from '../platform/db/index.ts';
import { AppError, notFound } from '../platform/errors.ts';
import type { Resolver } from '../platform/outbound/index.ts';
import type { CreateWebhookInput, DeliveryView, WebhookView } from './developer.schemas.ts';
import { vetEndpointUrl } from './endpoint-url.ts';
import { TEST_EVENT_TYPE } from './webhook-events.ts';
import { newEndpointSecret } from './webhook-signing.ts';
import * as repo from './webhooks.repository.ts';

/** How long a rotated-out secret keeps signing beside the new one, so receivers can switch without a gap. */
export const ROTATION_OVERLAP_MS = 24 * 60 * 60 * 1000;

export type WebhookDeps = {
  masterKey: Buffer;
  allowHosts: readonly string[];
  resolve?: Resolver | undefined;
  now: Date;
};

function toView(row: repo.EndpointRow): WebhookView {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    mode: row.mode,
    createdAt: new Date(row.created_at).toISOString(),
    status: row.disabled_at ? 'disabled' : row.failing_since ? 'failing' : 'active',
    disabledReason: row.disabled_reason,
  };
}

async function addSealedSecret(tx: Tx, deps: WebhookDeps, orgId: string, endpointId: string): Promise<string> {
  const secret = newEndpointSecret();
  const id = crypto.randomUUID();
  await repo.addSecret(tx, {
    id,
    endpointId,
    orgId,
    sealed: sealSecret(deps.masterKey, SECRET_PURPOSE.outboundWebhook, secret, id),
    retireOthersAt: new Date(deps.now.getTime() + ROTATION_OVERLAP_MS),
  });
  return secret;
}

export async function createWebhook(tx: Tx, actor: Actor, input: CreateWebhookInput, deps: WebhookDeps) {
  const url = await vetEndpointUrl(input.url, deps);
  const row = await repo.insertEndpoint(tx, {
    orgId: actor.orgId,
    url,
    events: input.events,
    mode: input.mode,
    createdBy: actor.userId,
  });
  return { id: row.id, secret: await addSealedSecret(tx, deps, actor.orgId, row.id) };
}

export async function listWebhooks(tx: Tx): Promise<{ webhooks: WebhookView[] }> {
  return { webhooks: (await repo.listEndpoints(tx)).map(toView) };
}

async function endpoint(tx: Tx, id: string): Promise<repo.EndpointRow> {
  const row = await repo.findEndpoint(tx, id);
  if (!row) throw notFound();
  return row;
}

export async function getWebhook(tx: Tx, id: string): Promise<WebhookView> {
  return toView(await endpoint(tx, id));
}

export async function deleteWebhook(tx: Tx, id: string): Promise<void> {
  if (!(await repo.deleteEndpoint(tx, id))) throw notFound();
}

export async function rotateSecret(tx: Tx, actor: Actor, id: string, deps: WebhookDeps) {
  await endpoint(tx, id);
  const secret = await addSealedSecret(tx, deps, actor.orgId, id);
  return { secret, previousSecretValidUntil: new Date(deps.now.getTime() + ROTATION_OVERLAP_MS).toISOString() };
}

export async function listDeliveries(tx: Tx, id: string): Promise<{ deliveries: DeliveryView[] }> {
  await endpoint(tx, id);
  return {
    deliveries: (await repo.listDeliveries(tx, id)).map((d) => ({
      id: d.id,
      event: d.event_type,
      attempt: d.attempts,
      // Not yet attempted counts as retrying: it is in the queue.
      status: d.status === 'pending' ? 'retrying' : d.status,
      responseStatus: d.last_response_status,
      at: new Date(d.updated_at).toISOString(),
    })),
  };
}

export async function resendDelivery(tx: Tx, id: string, deliveryId: string, now: Date): Promise<void> {
  const row = await endpoint(tx, id);
  if (row.disabled_at) throw new AppError('WEBHOOK_ENDPOINT_DISABLED');
  if (!(await repo.requeueDelivery(tx, id, deliveryId, now))) throw notFound();
}

export async function sendTestEvent(tx: Tx, actor: Actor, id: string): Promise<void> {
  const row = await endpoint(tx, id);
  if (row.disabled_at) throw new AppError('WEBHOOK_ENDPOINT_DISABLED');
  await repo.insertTestEvent(tx, actor.orgId, id, TEST_EVENT_TYPE);
}
