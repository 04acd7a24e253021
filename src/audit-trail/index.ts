/**
 * The audit HTTP API: events, proofs, checkpoints, export, legal hold, the API-call log.
 * The module's public face: other modules import from here, never from its files.
 */
export { registerApiCallLog } from './api-call-log.ts';
export { auditRoutes } from './audit-trail.routes.ts';
export { legalHoldRoutes } from './legal-hold.routes.ts';
