/**
 * One search over matters, clients and document names and tags (issue 14, item 5).
 * The module's public face: other modules import from here, never from its files.
 */
export { searchRoutes } from './search.routes.ts';
