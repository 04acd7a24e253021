import type { FastifyRequest } from 'fastify';
import { AppError } from '../platform/errors.ts';
import type { Principal, PrincipalResolver, RouteAccess } from './route-access.ts';

/**
 * API keys as a second kind of credential beside sessions. A key is not a session:
 * it names an organization, a mode (live or test) and scopes, and it opens only the
 * routes that declare `access.apiKey` with one of its scopes. This file holds the
 * access side (headers, scopes, the api_admin portal); the keys themselves, their
 * lookup and rate limits live in src/developer/.
 */

export const API_SCOPES = [
  'matters:read',
  'matters:write',
  'documents:read',
  'documents:write',
  'envelopes:read',
  'envelopes:write',
] as const;
export type ApiScope = (typeof API_SCOPES)[number];

/** What a presented key grants, carried on the principal of the request. */
export type ApiKeyGrant = { id: string; mode: 'live' | 'test'; scopes: readonly ApiScope[] };

export const API_KEY_PREFIXES = ['chk_live_', 'chk_test_'] as const;
export const API_KEY_HEADER = 'x-api-key';

/** Resolves a presented key to its principal, or null when no live key has that value (revoked, expired, unknown). */
export type ApiKeyAuthenticator = (key: string, request: FastifyRequest) => Promise<Principal | null>;

const QUERY_KEY_NAMES = /(?:^|[?&])(?:api[_-]?key|x-api-key|apikey)=/i;

/**
 * Query strings end up in proxy logs, browser history and Referer headers: a key sent
 * there is refused (and must be considered leaked), never used.
 */
function refuseKeyInQuery(request: FastifyRequest): void {
  const q = request.url.indexOf('?');
  if (q < 0) return;
  const query = request.url.slice(q);
  let decoded = query;
  try {
    decoded = decodeURIComponent(query);
  } catch {
    // A malformed escape cannot hide a key better than the raw text shows it.
  }
  if (QUERY_KEY_NAMES.test(query) || API_KEY_PREFIXES.some((p) => decoded.includes(p)))
    throw new AppError('API_KEY_IN_QUERY');
}

/** The key a request presents: `X-Api-Key: chk_…` (the contract) or `Authorization: Bearer chk_…`. */
export function presentedApiKey(request: FastifyRequest): string | null {
  const header = request.headers[API_KEY_HEADER];
  if (header !== undefined) {
    if (typeof header !== 'string' || request.headers.authorization !== undefined)
      throw new AppError('API_KEY_INVALID', 'send one API key in one X-Api-Key header, and no other credential');
    return header;
  }
  const auth = request.headers.authorization;
  if (auth && API_KEY_PREFIXES.some((p) => auth.startsWith(`Bearer ${p}`))) return auth.slice('Bearer '.length);
  return null;
}

/**
 * The request's principal from an API key when one is presented, else from the
 * session resolver. A presented key that does not authenticate is a 401, never a
 * fall-through to the cookie session (a browser would otherwise lend its session).
 */
export function withApiKeys(authenticate: ApiKeyAuthenticator, sessions: PrincipalResolver): PrincipalResolver {
  return async (request) => {
    refuseKeyInQuery(request);
    const key = presentedApiKey(request);
    if (key === null) return sessions(request);
    const principal = await authenticate(key, request);
    if (!principal) throw new AppError('API_KEY_INVALID');
    return principal;
  };
}

type Guarded = Exclude<RouteAccess, { public: true }>;

/**
 * A key reaches a route only when the route declares the scope it needs and the key
 * holds it. Scopes stand in for the member's role; administration, step-up and
 * destructive routes never take a key, whatever they declare.
 */
export function enforceApiKeyAccess(grant: ApiKeyGrant, access: Guarded, privileged: boolean): void {
  if (!access.apiKey || privileged) throw new AppError('SCOPE_MISSING', 'this operation does not accept API keys');
  if (!grant.scopes.includes(access.apiKey))
    throw new AppError('SCOPE_MISSING', `this operation needs ${access.apiKey}`);
}

/**
 * An api_admin works in the developer portal only: routes that name the role, and
 * account routes about their own account (`/api/v1/me`, factors, sign-out). Everything
 * else is another portal to them.
 */
export function enforceDeveloperPortal(principal: Principal, access: Guarded): void {
  if (principal.role !== 'api_admin' || principal.apiKey) return;
  if (access.roles?.includes('api_admin')) return;
  // Account routes: no organization needed and no role named (an admin route may be orgOptional too).
  if (access.orgOptional && !access.roles && !access.superAdmin) return;
  throw new AppError('PORTAL_FORBIDDEN', 'an api_admin works in the developer portal only');
}
