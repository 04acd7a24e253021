/**
 * The developer platform: API keys (and their principal), the per-key call log, signed
 * outbound webhooks from a durable outbox, and the portal's routes.
 * The module's public face: other modules import from here, never from its files.
 */
export { createApiKeyAuthenticator } from './api-key-authenticator.ts';
export { API_KEY_OPERATIONS, API_KEY_SECURITY_SCHEME, registerApiKeyOperations } from './api-key-routes.ts';
export { createKeyRateLimiterFor } from './redis-key-rate-limit.ts';
export { DEVELOPER_ERRORS } from './developer.errors.ts';
export { developerRoutes } from './developer.routes.ts';
export { createWebhookDispatcher, startWebhookDispatcher, type WebhookDispatcher } from './webhook-dispatcher.ts';
export { publishWebhookEvent, WEBHOOK_EVENT_TYPES, type WebhookEventType } from './webhook-events.ts';
