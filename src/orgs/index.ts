/**
 * Organizations, members, invitations and their settings.
 * The module's public face: other modules import from here, never from its files.
 */
export { orgsRoutes } from './orgs.routes.ts';
