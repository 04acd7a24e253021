import type { ResponseOf } from '../../api/openapi.ts';
import type { paths } from '../../api/schema.d.ts';

/**
 * The developer portal's types, read off the generated OpenAPI schema (schema.d.ts):
 * nothing here is written by hand except the option lists a form renders, and those
 * are checked against the schema's enums.
 */
type CreateKeyBody = NonNullable<paths['/api/v1/developer/keys']['post']['requestBody']>['content']['application/json'];
type CreateWebhookBody = NonNullable<
  paths['/api/v1/developer/webhooks']['post']['requestBody']
>['content']['application/json'];

export type Scope = CreateKeyBody['scopes'][number];
export const SCOPES = [
  'matters:read',
  'matters:write',
  'documents:read',
  'documents:write',
  'envelopes:read',
  'envelopes:write',
] as const satisfies readonly Scope[];

export type EventType = CreateWebhookBody['events'][number];
export const EVENTS = [
  'matter.created',
  'document.created',
  'document.deleted',
  'envelope.sent',
  'envelope.completed',
  'envelope.declined',
] as const satisfies readonly EventType[];

export type ApiKey = ResponseOf<'/api/v1/developer/keys', 'get'>['keys'][number];
export type CreatedKey = ResponseOf<'/api/v1/developer/keys', 'post'>;
export type ApiCall = ResponseOf<'/api/v1/developer/calls', 'get'>['calls'][number];
export type WebhookEndpoint = ResponseOf<'/api/v1/developer/webhooks', 'get'>['webhooks'][number];
export type Delivery = ResponseOf<'/api/v1/developer/webhooks/{id}/deliveries', 'get'>['deliveries'][number];
