import type { RouteShorthandOptions } from 'fastify';
import { z } from 'zod';
import { API_SCOPES } from '../access/index.ts';
import { WEBHOOK_EVENT_TYPES } from './webhook-events.ts';

export const idParams = z.strictObject({ id: z.uuid({ message: 'must be a UUID' }) });
export const deliveryParams = z.strictObject({ id: z.uuid(), deliveryId: z.uuid() });

/** Per-key limits: the token bucket (10 a second, burst 20 by default) and the calls a UTC day. */
const keyLimitFields = {
  ratePerSecond: z.number().int().min(1).max(100_000).optional(),
  burst: z.number().int().min(1).max(1_000_000).optional(),
  dailyQuota: z.number().int().min(1).max(10_000_000).optional(),
};

export const createKeyBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  mode: z.enum(['live', 'test']),
  scopes: z
    .array(z.enum(API_SCOPES))
    .min(1)
    .max(API_SCOPES.length)
    .refine((s) => new Set(s).size === s.length, { message: 'each scope once' }),
  expiresInDays: z.number().int().min(1).max(730).optional(),
  ...keyLimitFields,
});
export type CreateKeyInput = z.infer<typeof createKeyBody>;

/** Changes a key's limits; each field left out keeps its value. */
export const updateKeyBody = z
  .strictObject(keyLimitFields)
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'name at least one limit' });
export type UpdateKeyInput = z.infer<typeof updateKeyBody>;

export const keyView = z.object({
  id: z.uuid(),
  name: z.string(),
  mode: z.enum(['live', 'test']),
  prefix: z.string(),
  scopes: z.array(z.enum(API_SCOPES)),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  ratePerSecond: z.number().int(),
  burst: z.number().int(),
  dailyQuota: z.number().int(),
  /** Calls in the call log since midnight UTC: what the daily quota counts. */
  callsToday: z.number().int(),
});
export type KeyView = z.infer<typeof keyView>;
/** The only response that ever carries the key itself. */
export const createdKeyResponse = z.object({
  id: z.uuid(),
  key: z.string(),
  prefix: z.string(),
  scopes: z.array(z.enum(API_SCOPES)),
  expiresAt: z.string().nullable(),
});
export const keyListResponse = z.object({ keys: z.array(keyView) });

export const callsQuery = z.strictObject({
  keyId: z.uuid().optional(),
  cursor: z
    .string()
    .max(19)
    .regex(/^[1-9][0-9]{0,18}$/, 'not a cursor this server issued')
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type CallsQuery = z.infer<typeof callsQuery>;
export const callView = z.object({
  at: z.string(),
  keyId: z.string(),
  method: z.string(),
  route: z.string(),
  status: z.number().int(),
  ip: z.string().nullable(),
  latencyMs: z.number().int().nullable(),
});
export const callsResponse = z.object({ calls: z.array(callView), nextCursor: z.string().nullable() });

export const createWebhookBody = z.strictObject({
  url: z.string().trim().min(8).max(2000),
  /** A live endpoint receives events about live data, a test endpoint about test data only. */
  mode: z.enum(['live', 'test']).default('live'),
  events: z
    .array(z.enum(WEBHOOK_EVENT_TYPES))
    .min(1)
    .max(WEBHOOK_EVENT_TYPES.length)
    .refine((s) => new Set(s).size === s.length, { message: 'each event once' }),
});
export type CreateWebhookInput = z.infer<typeof createWebhookBody>;

export const webhookView = z.object({
  id: z.uuid(),
  url: z.string(),
  events: z.array(z.string()),
  mode: z.enum(['live', 'test']),
  createdAt: z.string(),
  status: z.enum(['active', 'failing', 'disabled']),
  disabledReason: z.enum(['gone', 'failing']).nullable(),
});
export type WebhookView = z.infer<typeof webhookView>;
export const webhookListResponse = z.object({ webhooks: z.array(webhookView) });
/** Creation and rotation: the only responses that carry a signing secret, once. */
export const createdWebhookResponse = z.object({ id: z.uuid(), secret: z.string() });
export const rotatedSecretResponse = z.object({ secret: z.string(), previousSecretValidUntil: z.string() });

export const deliveryView = z.object({
  id: z.uuid(),
  event: z.string(),
  attempt: z.number().int(),
  status: z.enum(['delivered', 'retrying', 'failed']),
  responseStatus: z.number().int().nullable(),
  at: z.string(),
});
export type DeliveryView = z.infer<typeof deliveryView>;
export const deliveriesResponse = z.object({ deliveries: z.array(deliveryView) });
export const queuedResponse = z.object({ status: z.literal('queued') });

export const matterIdParams = z.strictObject({ id: z.uuid({ message: 'must be a UUID' }) });
export const testDataBody = z.strictObject({ testData: z.boolean() });
export const testDataResponse = z.object({ id: z.uuid(), testData: z.boolean() });

/*
 * Route options. The developer portal is for org_admins and api_admins; naming api_admin
 * is also what lets an api_admin's session in (access/api-key-access.ts).
 */
const DEVELOPERS = { roles: ['org_admin', 'api_admin'] } as const;
const access = { access: { roles: [...DEVELOPERS.roles] } };
/**
 * Minting or ending a credential (an API key, a webhook signing secret): a second factor
 * within 10 minutes (step-up), whatever the session's age. This also keeps every API key
 * away from them (access/api-key-access.ts).
 */
const credential = { access: { roles: [...DEVELOPERS.roles], destructive: true } };
const tags = ['developer'];

export const createKeyRoute = {
  config: credential,
  schema: {
    tags,
    summary: 'Create an API key; the key is shown only in this response',
    body: createKeyBody,
    response: { 201: createdKeyResponse },
  },
} satisfies RouteShorthandOptions;

export const listKeysRoute = {
  config: access,
  schema: { tags, summary: 'API keys of the organization (never the keys)', response: { 200: keyListResponse } },
} satisfies RouteShorthandOptions;

export const revokeKeyRoute = {
  config: credential,
  schema: { tags, summary: 'Revoke an API key: refused from the next request on', params: idParams },
} satisfies RouteShorthandOptions;

export const updateKeyRoute = {
  config: access,
  schema: {
    tags,
    summary: "Change an API key's rate, burst or daily quota; from the next request on",
    params: idParams,
    body: updateKeyBody,
    response: { 200: keyView },
  },
} satisfies RouteShorthandOptions;

export const listCallsRoute = {
  config: access,
  schema: {
    tags,
    summary: 'Every call made with an API key, newest first',
    querystring: callsQuery,
    response: { 200: callsResponse },
  },
} satisfies RouteShorthandOptions;

export const createWebhookRoute = {
  config: credential,
  schema: {
    tags,
    summary: 'Subscribe an endpoint to events; its whsec_ signing secret is shown only in this response',
    body: createWebhookBody,
    response: { 201: createdWebhookResponse },
  },
} satisfies RouteShorthandOptions;

export const listWebhooksRoute = {
  config: access,
  schema: { tags, summary: 'Webhook endpoints of the organization', response: { 200: webhookListResponse } },
} satisfies RouteShorthandOptions;

export const getWebhookRoute = {
  config: access,
  schema: { tags, summary: 'One webhook endpoint', params: idParams, response: { 200: webhookView } },
} satisfies RouteShorthandOptions;

export const deleteWebhookRoute = {
  config: credential,
  schema: { tags, summary: 'Delete a webhook endpoint and its queue', params: idParams },
} satisfies RouteShorthandOptions;

export const rotateSecretRoute = {
  config: credential,
  schema: {
    tags,
    summary: 'Rotate the signing secret; the old one keeps signing alongside for 24 hours',
    params: idParams,
    response: { 200: rotatedSecretResponse },
  },
} satisfies RouteShorthandOptions;

export const listDeliveriesRoute = {
  config: access,
  schema: {
    tags,
    summary: 'Deliveries to an endpoint, newest first, with attempts and response codes',
    params: idParams,
    response: { 200: deliveriesResponse },
  },
} satisfies RouteShorthandOptions;

export const resendDeliveryRoute = {
  config: access,
  schema: {
    tags,
    summary: 'Send a delivery again',
    params: deliveryParams,
    response: { 202: queuedResponse },
  },
} satisfies RouteShorthandOptions;

export const testEventRoute = {
  config: access,
  schema: {
    tags,
    summary: 'Send a webhook.test event to this endpoint',
    params: idParams,
    response: { 202: queuedResponse },
  },
} satisfies RouteShorthandOptions;

export const testDataRoute = {
  // An org_admin decides what an organization's test keys may see: an administration route (12-hour step-up).
  config: { access: { portal: 'lawyer', roles: ['org_admin'] } },
  schema: {
    tags: ['developer', 'matters'],
    summary: 'Mark a matter as test data (its test keys see it, its events go to test endpoints) or as live again',
    params: matterIdParams,
    body: testDataBody,
    response: { 200: testDataResponse },
  },
} satisfies RouteShorthandOptions;
