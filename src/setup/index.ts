/**
 * First-run setup of the deployment.
 * The module's public face: other modules import from here, never from its files.
 */
export { setupRoutes } from './setup.routes.ts';
export { organizationInput } from './setup.schemas.ts';
export { unsafeIssueSetupToken, unsafeVerifyDeploymentKey } from './setup.service.ts';
