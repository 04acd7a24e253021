import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../platform/errors.ts';
import type { Clock } from '../platform/clock.ts';

/** A named limit: at most `limit` requests per `windowMs` for one key (client IP). */
export type RateLimitRule = { bucket: string; limit: number; windowMs: number };

/** Where counters live. In-memory here; a shared store (Redis) plugs in behind the same interface. */
export interface RateLimitStore {
  /** Counts one hit and returns the count in the current window and when that window ends. */
  hit(key: string, windowMs: number, now: number): Promise<{ count: number; resetAt: number }>;
}

/** Fixed windows in a Map, swept as they expire; enough for one process. */
export function createMemoryRateLimitStore(maxKeys = 100_000): RateLimitStore {
  const windows = new Map<string, { count: number; resetAt: number }>();
  return {
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

declare module 'fastify' {
  interface FastifyContextConfig {
    rateLimits?: RateLimitRule[];
  }
}

/**
 * Applies the route's rules before its body is parsed. Every response of a
 * limited route carries RateLimit-Limit / -Remaining / -Reset for its tightest
 * rule; a refused one also carries Retry-After.
 */
export function registerRateLimits(app: FastifyInstance, store: RateLimitStore, clock: Clock): void {
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const rules = request.routeOptions.config.rateLimits;
    if (!rules || rules.length === 0) return;
    const now = clock.now().getTime();
    type Hit = { rule: RateLimitRule; count: number; resetAt: number };
    let tightest: Hit | null = null;
    let refused: Hit | null = null;
    for (const rule of rules) {
      const { count, resetAt } = await store.hit(`${rule.bucket}:${request.ip}`, rule.windowMs, now);
      const remaining = rule.limit - count;
      if (!tightest || remaining < tightest.rule.limit - tightest.count) tightest = { rule, count, resetAt };
      if (count > rule.limit && (!refused || resetAt > refused.resetAt)) refused = { rule, count, resetAt };
    }
    const shown = refused ?? tightest;
    if (!shown) return;
    const resetSeconds = Math.max(1, Math.ceil((shown.resetAt - now) / 1000));
    reply.header('ratelimit-limit', String(shown.rule.limit));
    reply.header('ratelimit-remaining', String(Math.max(0, shown.rule.limit - shown.count)));
    reply.header('ratelimit-reset', String(resetSeconds));
    if (refused) {
      throw new AppError('RATE_LIMITED', undefined, { headers: { 'retry-after': String(resetSeconds) } });
    }
  });
}
