import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { MemberRole } from '../platform/db/index.ts';
import { AppError } from '../platform/errors.ts';
import { RECENT_FACTOR } from './factor-policy.ts';
import { enforceApiKeyAccess, enforceDeveloperPortal, type ApiKeyGrant, type ApiScope } from './api-key-access.ts';

export type Portal = 'lawyer' | 'judge';

/** Who is calling, as established by the authentication layer for this request. */
export type Principal = {
  userId: string;
  orgId: string | null;
  role: MemberRole | null;
  portal: Portal | null;
  isSuperAdmin: boolean;
  sessionId: string;
  /** Authentication assurance level: 1 = password, 2 = a second factor. */
  aal: 1 | 2;
  amr: string[];
  /** When a second factor was last verified in this session (step-up), or null. */
  mfaVerifiedAt: Date | null;
  /** The organization's idle limit for this session (the web app's idle warning counts down from it); none for API keys. */
  idleTimeoutMinutes?: number;
  /** Set when the request was authenticated by an API key (API keys, still to come); every such call is logged in audit.api_calls. */
  apiKeyId?: string;
  /** The key's mode and scopes, when the request was authenticated by an API key (api-key-access.ts). */
  apiKey?: ApiKeyGrant;
  /** Who the session speaks for, as read with the session (saves /me and friends a query). */
  identity: {
    email: string;
    name: string;
    orgName: string | null;
    orgKind: 'firm' | 'court' | null;
    mfa: { totp: boolean; webauthn: number };
  };
};

/**
 * Every route declares who may call it, in `config.access`. A route without a
 * declaration stops start-up, so no data route is ever public by omission.
 */
export type RouteAccess =
  | {
      public: true;
      /** Resolve the caller when credentials are present (e.g. accepting an invitation as an existing user). */ identify?: boolean;
      /**
       * The route takes an address and must not reveal whether it has an account: its answers that prove
       * nothing (202 and every error) leave on a fixed time grid. Every public route with an `email` field needs it.
       */
      accountBlind?: true;
    }
  | {
      public?: false;
      /** Membership roles allowed in the current organization; omitted = any member. */
      roles?: MemberRole[];
      /** A super_admin passes the `roles` check whatever their role here (platform-wide admin routes such as the audit log). */
      orSuperAdmin?: boolean;
      /** The portal the route belongs to; the other portal's tokens get 403 PORTAL_FORBIDDEN. */
      portal?: Portal;
      superAdmin?: boolean;
      /** Allowed without an organization context (account routes). */
      orgOptional?: boolean;
      /** Also callable with an enrollmentToken (the MFA enrollment routes). */
      allowEnrollment?: boolean;
      /** A second factor must have been verified in this session within this many ms (step-up); stricter than the derived window only. */
      recentFactorMs?: number;
      /** The route destroys or exposes what cannot be taken back (retention, legal hold lift): a factor within 10 minutes. */
      destructive?: boolean;
      /** Why this administration route reads without step-up (e.g. a status the admin banner polls); a test lists every one. */
      stepUpExemptBecause?: string;
      /** The operation also accepts an API key holding this scope (api-key-access.ts). */
      apiKey?: ApiScope;
    };

/** A user half-way through sign-in who must enroll a second factor before anything else. */
export type Enrollment = { userId: string; orgId: string | null; challengeId: string; token: string };
export type EnrollmentResolver = (token: string) => Promise<Enrollment | null>;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    principal: Principal | null;
    enrollment: Enrollment | null;
  }
}

/** Resolves the caller of a request, or null when it carries no credentials. Throws AppError(401) for bad ones. */
export type PrincipalResolver = (request: FastifyRequest) => Promise<Principal | null>;

export const ENROLLMENT_TOKEN_PREFIX = 'enr_';

/** One route as declared: what tests walk to hold a rule against every route. */
export type DeclaredRoute = { method: string; url: string; access: RouteAccess };
const routeTables = new WeakMap<FastifyInstance, DeclaredRoute[]>();

/** Every route the app declared, in the order declared (HEAD twins left out). */
export function routeTableOf(app: FastifyInstance): readonly DeclaredRoute[] {
  return routeTables.get(app) ?? [];
}

export function registerRouteAccess(
  app: FastifyInstance,
  resolvePrincipal: PrincipalResolver,
  opts: { resolveEnrollment?: EnrollmentResolver; now?: () => Date } = {},
): void {
  const now = opts.now ?? (() => new Date());
  app.decorateRequest('principal', null);
  app.decorateRequest('enrollment', null);

  const table: DeclaredRoute[] = [];
  routeTables.set(app, table);
  app.addHook('onRoute', (route) => {
    const access = route.config?.access;
    if (!access) {
      throw new Error(`route ${route.method} ${route.url} declares no access rule (config.access); every route must`);
    }
    for (const method of [route.method].flat()) if (method !== 'HEAD') table.push({ method, url: route.url, access });
  });

  // onRequest, before the body is read: an anonymous caller learns nothing of the route's schema.
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access;
    if (!access) return;
    if (access.public) {
      if (access.identify) request.principal = await resolvePrincipal(request);
      return;
    }
    // An enrollment token opens the enrollment routes and nothing else.
    const bearer = request.headers.authorization;
    if (bearer?.startsWith(`Bearer ${ENROLLMENT_TOKEN_PREFIX}`)) {
      const enrollment =
        access.allowEnrollment && opts.resolveEnrollment ? await opts.resolveEnrollment(bearer.slice(7)) : null;
      if (!enrollment) throw new AppError('UNAUTHENTICATED', 'finish setting up a second factor first');
      request.enrollment = enrollment;
      return;
    }
    const principal = await resolvePrincipal(request);
    if (!principal) throw new AppError('UNAUTHENTICATED');
    request.principal = principal;
    enforceAccess(principal, access, now());
  });
}

export function enforceAccess(
  principal: Principal,
  access: Exclude<RouteAccess, { public: true }>,
  now: Date = new Date(),
): void {
  if (principal.apiKey) {
    if (access.portal && principal.portal !== access.portal) throw new AppError('PORTAL_FORBIDDEN');
    const privileged = access.superAdmin === true || isAdministrationRoute(access) || stepUpWindowOf(access) !== null;
    return enforceApiKeyAccess(principal.apiKey, access, privileged);
  }
  enforceDeveloperPortal(principal, access);
  if (access.superAdmin && !principal.isSuperAdmin) throw new AppError('FORBIDDEN');
  if (!access.orgOptional && !access.superAdmin && !principal.orgId)
    throw new AppError('FORBIDDEN', 'this route needs an organization context');
  if (access.portal && principal.portal !== access.portal) throw new AppError('PORTAL_FORBIDDEN');
  if (
    access.roles &&
    !(access.orSuperAdmin && principal.isSuperAdmin) &&
    (!principal.role || !access.roles.includes(principal.role))
  )
    throw new AppError('FORBIDDEN');
  const window = stepUpWindowOf(access);
  if (window !== null) {
    const verified = principal.mfaVerifiedAt?.getTime();
    if (verified === undefined || now.getTime() - verified > window) {
      throw new AppError('STEP_UP_REQUIRED', undefined, { body: { stepUp: '/api/v1/auth/step-up' } });
    }
  }
}

/** An administration route: platform-wide (super_admin) or for org_admins only. Rate tiers and step-up both read this. */
export function isAdministrationRoute(access: Exclude<RouteAccess, { public: true }>): boolean {
  return (
    access.superAdmin === true ||
    (access.roles !== undefined && access.roles.length > 0 && access.roles.every((r) => r === 'org_admin'))
  );
}

/**
 * How recently a second factor must have been verified to call a route, derived from
 * its declaration so a new admin route cannot forget it: administration (super_admin,
 * or org_admin-only roles) 12 hours, destructive routes 10 minutes, and a route's own
 * `recentFactorMs` when it is stricter. Null: no step-up.
 */
export function stepUpWindowOf(access: Exclude<RouteAccess, { public: true }>): number | null {
  const windows: number[] = [];
  if (isAdministrationRoute(access) && !access.stepUpExemptBecause) windows.push(RECENT_FACTOR.admin);
  if (access.destructive) windows.push(RECENT_FACTOR.sensitive);
  if (access.recentFactorMs !== undefined) windows.push(access.recentFactorMs);
  return windows.length > 0 ? Math.min(...windows) : null;
}

/** The principal of a route that declared authentication (never null there). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError('UNAUTHENTICATED');
  return request.principal;
}
