import crypto from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { AppError } from '../platform/errors.ts';
import type { RateLimitObserver } from './rate-limit.ts';

/** The application's Prometheus metrics, one registry per app (tests run several apps in one process). */
export type Metrics = {
  registry: Registry;
  rateLimits: RateLimitObserver;
  requests: Counter<'route' | 'method' | 'status'>;
  latency: Histogram<'route' | 'method' | 'status'>;
  authFailures: Counter<'code'>;
};

/**
 * Builds the registry. `auditQueueDepth` is read at scrape time (events written but
 * not yet sealed into the Merkle tree); a failing read leaves the gauge out of that scrape.
 */
export function createMetrics(opts: { auditQueueDepth: () => Promise<number> }): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'chambers_' });
  const requests = new Counter({
    name: 'chambers_http_requests_total',
    help: 'HTTP requests by route pattern, method and status',
    labelNames: ['route', 'method', 'status'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'chambers_http_request_duration_seconds',
    help: 'HTTP request latency by route pattern, method and status',
    labelNames: ['route', 'method', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const rejections = new Counter({
    name: 'chambers_rate_limit_rejections_total',
    help: 'Requests refused with 429 by rate-limit tier',
    labelNames: ['tier'],
    registers: [registry],
  });
  const storeFailures = new Counter({
    name: 'chambers_rate_limit_store_failures_total',
    help: 'Requests whose rate-limit store (Redis) failed: outcome "allowed" = failed open, "refused" = failed closed (auth tier)',
    labelNames: ['tier', 'outcome'],
    registers: [registry],
  });
  const authFailures = new Counter({
    name: 'chambers_auth_failures_total',
    help: 'Refused authentications (401 and 423) by error code',
    labelNames: ['code'],
    registers: [registry],
  });
  new Gauge({
    name: 'chambers_audit_queue_depth',
    help: 'Audit events recorded but not yet sealed into the Merkle tree',
    registers: [registry],
    async collect() {
      try {
        this.set(await opts.auditQueueDepth());
      } catch {
        this.reset();
      }
    },
  });
  return {
    registry,
    rateLimits: {
      rejected: (tier) => rejections.inc({ tier }),
      storeFailed: (tier, outcome) => storeFailures.inc({ tier, outcome }),
    },
    requests,
    latency,
    authFailures,
  };
}

/** Length-independent, constant-time comparison of a presented token with the configured one. */
function tokenMatches(presented: string, expected: string): boolean {
  const a = crypto.createHash('sha256').update(presented).digest();
  const b = crypto.createHash('sha256').update(expected).digest();
  return crypto.timingSafeEqual(a, b);
}

/**
 * Counts every response by route pattern (never the raw URL: ids would explode the
 * label set) and auth failures as they leave the error path, and serves GET /metrics
 * to a bearer of METRICS_TOKEN. Without a token configured, /metrics does not exist (404).
 */
export function registerMetrics(app: FastifyInstance, metrics: Metrics, token: string | undefined): void {
  const m = metrics;
  app.addHook('onResponse', async (request, reply) => {
    const labels = {
      route: request.routeOptions.url ?? 'unmatched',
      method: request.method,
      status: String(reply.statusCode),
    };
    m.requests.inc(labels);
    m.latency.observe(labels, reply.elapsedTime / 1000);
  });
  app.addHook('onError', async (_request, _reply, error) => {
    if (error instanceof AppError && (error.status === 401 || error.status === 423))
      m.authFailures.inc({ code: error.code });
  });
  if (!token) return;
  app.get('/metrics', { config: { access: { public: true } }, schema: { hide: true } }, async (request, reply) => {
    const header = request.headers.authorization ?? '';
    if (!header.startsWith('Bearer ') || !tokenMatches(header.slice(7), token)) throw new AppError('UNAUTHENTICATED');
    reply.header('cache-control', 'no-store');
    return reply.type(m.registry.contentType).send(await m.registry.metrics());
  });
}
