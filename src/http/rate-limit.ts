import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { AppError } from '../platform/errors.ts';
import type { Clock } from '../platform/clock.ts';
import { AUTH_BUCKET, rulesFor, tierOf, type RateLimitRule, type RateLimitTier } from './rate-limit-tiers.ts';

export type { RateLimitRule } from './rate-limit-tiers.ts';

/** Where counters live: in memory for one process, or Redis shared by all of them. Same interface, swappable. */
export interface RateLimitStore {
  /** Counts one hit and returns the count in the current window and when that window ends. Throws when the store is unreachable. */
  hit(key: string, windowMs: number, now: number): Promise<{ count: number; resetAt: number }>;
  /** 'memory' or 'redis', for logs and metrics. */
  readonly kind?: string;
  close?(): Promise<void>;
}

/** Fixed windows in a Map, swept as they expire; enough for one process. */
export function createMemoryRateLimitStore(maxKeys = 100_000): RateLimitStore {
  const windows = new Map<string, { count: number; resetAt: number }>();
  return {
    kind: 'memory',
    async hit(key, windowMs, now) {
      let w = windows.get(key);
      if (!w || w.resetAt <= now) {
        if (windows.size >= maxKeys) {
          for (const [k, v] of windows) if (v.resetAt <= now) windows.delete(k);
          // Still full of live windows: drop the oldest so memory stays bounded.
          if (windows.size >= maxKeys) {
            const oldest = windows.keys().next().value;
            if (oldest !== undefined) windows.delete(oldest);
          }
        }
        w = { count: 0, resetAt: now + windowMs };
        windows.set(key, w);
      }
      w.count += 1;
      return { count: w.count, resetAt: w.resetAt };
    },
  };
}

/** What the limiter reports, so /metrics can count it without the limiter knowing prom-client. */
export type RateLimitObserver = {
  rejected(tier: RateLimitTier): void;
  /** The store failed: the request went on (ordinary tiers) or was refused (auth tier). */
  storeFailed(tier: RateLimitTier, outcome: 'allowed' | 'refused'): void;
};

export type RateLimitOptions = {
  store: RateLimitStore;
  clock: Clock;
  tierLimits: Readonly<Record<RateLimitTier, number>>;
  logger: Logger;
  observer?: RateLimitObserver;
};

declare module 'fastify' {
  interface FastifyContextConfig {
    rateLimits?: RateLimitRule[];
  }
  interface FastifyRequest {
    rateLimitShown: Hit | null;
  }
}

type Hit = { rule: RateLimitRule; count: number; resetAt: number };

/**
 * Two checks per request. Before the route guard (and before the body is read), every
 * rule of the route plus its tier's minute budget is counted against the client IP.
 * After the guard, a signed-in caller's tier budget is counted against their account
 * too (the API key id will key it once API keys exist), so rotating IPs does not help.
 * Responses carry RateLimit-Limit / -Remaining / -Reset of the tightest counter; a
 * refusal is 429 RATE_LIMITED with Retry-After. When the store fails, ordinary tiers
 * fail open (logged, counted) and the auth tier fails closed (503 RATE_LIMIT_UNAVAILABLE).
 * Register the second hook with `registerAccountRateLimits` after the route guard.
 */
export function registerRateLimits(app: FastifyInstance, opts: RateLimitOptions): void {
  app.decorateRequest('rateLimitShown', null);
  app.addHook('onRequest', async (request, reply) => {
    const config = request.routeOptions.config;
    if (!config.access) return; // 404s and framework routes
    const tier = tierOf(config.access, config.rateLimits);
    const rules = rulesFor(tier, config.rateLimits, opts.tierLimits);
    await count(
      request,
      reply,
      opts,
      tier,
      rules.map((rule) => ({ rule, key: `${rule.bucket}:ip:${request.ip}` })),
    );
  });
}

export function registerAccountRateLimits(app: FastifyInstance, opts: RateLimitOptions): void {
  app.addHook('onRequest', async (request, reply) => {
    const config = request.routeOptions.config;
    const userId = request.principal?.userId ?? request.enrollment?.userId;
    if (!config.access || !userId) return;
    const tier = tierOf(config.access, config.rateLimits);
    const tierRule = rulesFor(tier, config.rateLimits, opts.tierLimits).find(
      (r) => r.bucket === (tier === 'auth' ? AUTH_BUCKET : tier),
    );
    if (!tierRule) return;
    await count(request, reply, opts, tier, [{ rule: tierRule, key: `${tierRule.bucket}:acct:${userId}` }]);
  });
}

const WARN_EVERY_MS = 10_000;
let lastWarnAt = 0;

async function count(
  request: FastifyRequest,
  reply: FastifyReply,
  opts: RateLimitOptions,
  tier: RateLimitTier,
  counters: Array<{ rule: RateLimitRule; key: string }>,
): Promise<void> {
  const now = opts.clock.now().getTime();
  let hits: Hit[];
  try {
    hits = await Promise.all(
      counters.map(async ({ rule, key }) => ({ rule, ...(await opts.store.hit(key, rule.windowMs, now)) })),
    );
  } catch (err) {
    const failClosed = tier === 'auth';
    opts.observer?.storeFailed(tier, failClosed ? 'refused' : 'allowed');
    if (Date.now() - lastWarnAt > WARN_EVERY_MS) {
      lastWarnAt = Date.now();
      opts.logger.warn(
        { err: { message: (err as Error).message }, store: opts.store.kind, tier },
        failClosed
          ? 'rate-limit store unavailable: refusing auth requests'
          : 'rate-limit store unavailable: letting requests through unlimited',
      );
    }
    if (failClosed) throw new AppError('RATE_LIMIT_UNAVAILABLE', undefined, { headers: { 'retry-after': '5' } });
    return;
  }
  let shown = request.rateLimitShown;
  let refused: Hit | null = null;
  for (const hit of hits) {
    if (!shown || hit.rule.limit - hit.count < shown.rule.limit - shown.count) shown = hit;
    if (hit.count > hit.rule.limit && (!refused || hit.resetAt > refused.resetAt)) refused = hit;
  }
  if (refused) shown = refused;
  if (!shown) return;
  request.rateLimitShown = shown;
  const resetSeconds = Math.max(1, Math.ceil((shown.resetAt - now) / 1000));
  reply.header('ratelimit-limit', String(shown.rule.limit));
  reply.header('ratelimit-remaining', String(Math.max(0, shown.rule.limit - shown.count)));
  reply.header('ratelimit-reset', String(resetSeconds));
  if (refused) {
    opts.observer?.rejected(tier);
    throw new AppError('RATE_LIMITED', undefined, { headers: { 'retry-after': String(resetSeconds) } });
  }
}
