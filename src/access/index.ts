/**
 * Who is calling and what a route allows: the principal, per-route access declarations, step-up and factor policy, request facts.
 * The module's public face: other modules import from here, never from its files.
 */
export { ACCESS_ERRORS } from './access.errors.ts';
export {
  API_KEY_PREFIXES,
  API_SCOPES,
  type ApiKeyAuthenticator,
  type ApiKeyGrant,
  type ApiScope,
  withApiKeys,
} from './api-key-access.ts';
export { mfaRequiredFor, RECENT_FACTOR } from './factor-policy.ts';
export {
  actorOf,
  inAccountTenant,
  inRequestTenant,
  readInRequestTenant,
  type AccountActor,
  type Actor,
} from './request-tenant.ts';
export { requestFacts, type RequestFacts } from './request-facts.ts';
export {
  type EnrollmentResolver,
  type Portal,
  type Principal,
  principalOf,
  type PrincipalResolver,
  registerRouteAccess,
  routeTableOf,
  stepUpWindowOf,
  isAdministrationRoute,
  type DeclaredRoute,
  type RouteAccess,
} from './route-access.ts';
