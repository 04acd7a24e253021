import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimitStore } from './rate-limit.ts';

/**
 * The client's failure policy: never queue a command while disconnected (a request
 * must not wait for Redis to come back), give up on a command after 500 ms, and keep
 * reconnecting in the background forever (every ≤2 s), so the limits heal by themselves.
 */
export const REDIS_CLIENT_OPTIONS = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  commandTimeout: 500,
  connectTimeout: 2_000,
  retryStrategy: (attempt: number) => Math.min(attempt * 200, 2_000),
} as const;

/** Far above any limit: the store only counts; the hook compares counts with each rule's limit. */
const COUNT_ONLY = Number.MAX_SAFE_INTEGER;

/**
 * Counters in Redis, shared by every process: rate-limiter-flexible's atomic Lua
 * script (SET NX EX + INCRBY + PTTL in one call) gives fixed windows with the same
 * meaning as the memory store. Throws when Redis is not ready, so the caller applies
 * its fail-open / fail-closed policy at once.
 */
export async function createRedisRateLimitStore(opts: {
  url: string;
  keyPrefix: string;
  logger: Logger;
  readyTimeoutMs?: number;
}): Promise<RateLimitStore> {
  const client = new Redis(opts.url, REDIS_CLIENT_OPTIONS);
  let lastErrorLogAt = 0;
  client.on('error', (err: Error) => {
    // ioredis reports every failed reconnect; one line per 10 s is enough.
    if (Date.now() - lastErrorLogAt < 10_000) return;
    lastErrorLogAt = Date.now();
    opts.logger.warn({ err: { message: err.message } }, 'redis (rate limits) unavailable; reconnecting');
  });
  client.on('ready', () => opts.logger.info('redis (rate limits) connected'));
  await waitUntilReady(client, opts.readyTimeoutMs ?? 3_000).catch(() => {
    opts.logger.warn('redis (rate limits) not reachable at start; auth routes answer 503 until it is');
  });

  const limiters = new Map<number, RateLimiterRedis>();
  const limiterFor = (windowMs: number): RateLimiterRedis => {
    let limiter = limiters.get(windowMs);
    if (!limiter) {
      limiter = new RateLimiterRedis({
        storeClient: client,
        keyPrefix: opts.keyPrefix,
        points: COUNT_ONLY,
        duration: Math.max(1, Math.ceil(windowMs / 1000)),
        rejectIfRedisNotReady: true,
      });
      limiters.set(windowMs, limiter);
    }
    return limiter;
  };

  return {
    kind: 'redis',
    async hit(key, windowMs, now) {
      let res: RateLimiterRes;
      try {
        res = await limiterFor(windowMs).consume(`${key}:${windowMs}`, 1);
      } catch (err) {
        if (err instanceof RateLimiterRes) res = err;
        else throw err;
      }
      return { count: res.consumedPoints, resetAt: now + res.msBeforeNext };
    },
    async close() {
      client.disconnect();
    },
  };
}

function waitUntilReady(client: Redis, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('ready', onReady);
      reject(new Error('redis not ready'));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    client.once('ready', onReady);
  });
}
