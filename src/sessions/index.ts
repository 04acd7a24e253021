/**
 * Sessions: access and refresh tokens, session rows, the browser cookie session, the portal hand-off.
 * The module's public face: other modules import from here, never from its files.
 */
export { createAccessTokenResolver } from './access-token-resolver.ts';
export { jwks } from './access-tokens.ts';
export { clearSessionCookies, COOKIE, isBrowserClient, setSessionCookies } from './browser-session.ts';
export { portalHandoffRoutes } from './portal-handoff.routes.ts';
export {
  chooseOrganizationId,
  type LoginResult,
  lookupSessionOwner,
  pickOrganization,
  refreshMaxAge,
} from './session-owner.ts';
export * as sessionRepository from './session.repository.ts';
export { type MembershipRevocationReason, revokeMembershipSessions } from './revoke-membership-sessions.ts';
export { type OrgMembership, type SignedInUser, type TokenPair } from './session.service.ts';
export {
  type Assurance,
  decideAssurance,
  mintSession,
  type MintOutcome,
  sessionPolicyFor,
  unsafeRotateRefreshToken,
} from './session-minting.ts';
export { SESSION_ERRORS } from './sessions.errors.ts';
export { orgView, sendSignIn, sendTokens, tokensResponse, userView } from './sessions.schemas.ts';
