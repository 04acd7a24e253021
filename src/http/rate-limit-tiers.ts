import type { Config } from '../platform/config.ts';
import { isAdministrationRoute, type RouteAccess } from '../access/index.ts';

/** A named limit: at most `limit` requests per `windowMs` for one key (client IP, or account). */
export type RateLimitRule = { bucket: string; limit: number; windowMs: number };

/** Every route belongs to one tier; each tier has its own per-minute budget per client IP and per account. */
export type RateLimitTier = 'auth' | 'public' | 'lawyer' | 'judicial' | 'admin';

/** The default budgets per minute (docs/configuration.md); each is overridable by RATE_LIMIT_<TIER>_PER_MINUTE. */
export const DEFAULT_TIER_LIMITS: Readonly<Record<RateLimitTier, number>> = {
  auth: 60,
  public: 500,
  lawyer: 200,
  judicial: 100,
  admin: 30,
};

/** The bucket of the auth tier; the auth routes declare it themselves beside their finer hourly rules. */
export const AUTH_BUCKET = 'auth';
const MINUTE = 60_000;

/**
 * A route's tier, from what it already declares: a route carrying the auth bucket is
 * in the auth tier; otherwise public routes are public, super-admin and org_admin-only
 * routes admin, judge-portal routes judicial, and every other signed-in route
 * (lawyer portal and portal-less account routes) lawyer.
 */
export function tierOf(access: RouteAccess | undefined, rules: readonly RateLimitRule[] | undefined): RateLimitTier {
  if (rules?.some((r) => r.bucket === AUTH_BUCKET)) return 'auth';
  if (!access || access.public) return 'public';
  if (isAdministrationRoute(access)) return 'admin';
  if (access.portal === 'judge') return 'judicial';
  return 'lawyer';
}

/** The rules one request is counted against: the route's own rules, plus its tier's minute rule unless the route already carries it. */
export function rulesFor(
  tier: RateLimitTier,
  explicit: readonly RateLimitRule[] | undefined,
  limits: Readonly<Record<RateLimitTier, number>>,
): RateLimitRule[] {
  const rules = [...(explicit ?? [])];
  if (tier !== 'auth') rules.push({ bucket: tier, limit: limits[tier], windowMs: MINUTE });
  return rules;
}

/** The per-minute tier budgets from configuration. */
export function tierLimitsOf(config: Config): Record<RateLimitTier, number> {
  const r = config.rateLimits;
  return {
    auth: r.authPerMinute,
    public: r.publicPerMinute,
    lawyer: r.lawyerPerMinute,
    judicial: r.judicialPerMinute,
    admin: r.adminPerMinute,
  };
}
