/**
 * Organizations, members, invitations and their settings; offboarding (remove, suspend, revoke).
 * The module's public face: other modules import from here, never from its files.
 */
export { ORG_ERRORS } from './orgs.errors.ts';
export { orgsRoutes } from './orgs.routes.ts';
export { onboardingRoutes } from './onboarding.routes.ts';
