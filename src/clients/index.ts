/**
 * Clients, their contacts, the parties of matters and the conflict check.
 * The module's public face: other modules import from here, never from its files.
 */
export { CLIENT_ERRORS } from './clients.errors.ts';
export { clientsRoutes } from './clients.routes.ts';
export { clientPrivacyRoutes } from './client-privacy.routes.ts';
export { normalizeName } from './normalize.ts';
