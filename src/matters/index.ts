/**
 * Matters and their ethical walls.
 * The module's public face: other modules import from here, never from its files.
 */
export { findMatter } from './matters.repository.ts';
export { mattersRoutes } from './matters.routes.ts';
export { MATTER_ERRORS } from './matters.errors.ts';
