/**
 * Server plumbing: problem+json errors, security headers, rate limits, metrics, TLS policy, OpenAPI transform.
 * The module's public face: other modules import from here, never from its files.
 */
export { registerAccountBlindTiming } from './account-blind-timing.ts';
export { HTTP_ERRORS } from './http.errors.ts';
export { startHttpsRedirect } from './https-redirect.ts';
export { createMetrics, type Metrics, registerMetrics } from './metrics.ts';
export { openapiTransform } from './openapi-transform.ts';
export { isDatabaseUnavailable, registerErrorHandling, type PageNotFound } from './problem.ts';
export { tierLimitsOf } from './rate-limit-tiers.ts';
export {
  createMemoryRateLimitStore,
  type RateLimitRule,
  type RateLimitStore,
  registerAccountRateLimits,
  registerRateLimits,
} from './rate-limit.ts';
export { createRedisRateLimitStore } from './redis-rate-limit-store.ts';
export { registerSecurityHeaders } from './security-headers.ts';
export { serverTimeouts, TLS_POLICY } from './tls-policy.ts';
export { REQUEST_ID, requestIdGenerator } from './request-id.ts';
export { findUnstorableString, storableValidatorCompiler } from './storable-strings.ts';
