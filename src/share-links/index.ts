/**
 * Share links for documents.
 * The module's public face: other modules import from here, never from its files.
 */
export { shareLinksRoutes } from './share-links.routes.ts';
