/**
 * Inbound and outbound webhooks.
 * The module's public face: other modules import from here, never from its files.
 */
export { WEBHOOK_ERRORS } from './webhooks.errors.ts';
export { unsafePurgeWebhookReplayRecords } from './webhooks.repository.ts';
export { webhooksRoutes } from './webhooks.routes.ts';
