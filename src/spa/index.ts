/**
 * Serves the built web app and its runtime configuration.
 * The module's public face: other modules import from here, never from its files.
 */
export { webAppRoutes, WEB_DIST_DIR } from './spa.routes.ts';
export { webAppPageNotFound } from './page-not-found.ts';
export { webConfigRoutes } from './web-config.routes.ts';
