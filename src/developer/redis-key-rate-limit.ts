import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { AppContext } from '../context/index.ts';
import { createKeyRateLimiter, retryAfterSeconds, type KeyRateLimiter } from './key-rate-limit.ts';

/**
 * The token bucket of each key in one Redis hash, updated by one Lua script (atomic,
 * so concurrent processes cannot both spend the last token). The script reads the
 * time from Redis itself: processes with skewed clocks still refill one bucket the
 * same way. The hash expires once it would be full again, so idle keys cost nothing.
 */
const TOKEN_BUCKET = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(b[1])
local at = tonumber(b[2])
if tokens == nil or at == nil then tokens = burst; at = now end
tokens = math.min(burst, tokens + math.max(0, now - at) / 1000 * rate)
local allowed = 0
if tokens >= 1 then tokens = tokens - 1; allowed = 1 end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return {allowed, tostring(tokens)}
`;

/** The client policy of the per-IP limits (http/): never queue while disconnected, give up after 500 ms, keep reconnecting. */
const CLIENT_OPTIONS = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  commandTimeout: 500,
  connectTimeout: 2_000,
  retryStrategy: (attempt: number) => Math.min(attempt * 200, 2_000),
} as const;

type BucketClient = Redis & {
  chambersKeyBucket(key: string, rate: number, burst: number): Promise<[number, string]>;
};

/**
 * Buckets shared by every process through Redis. When Redis is unreachable the key
 * falls back to this process's own bucket (still limited, per process) rather than
 * failing the integration's calls; the per-IP limits fail the same way (open).
 */
export async function createRedisKeyRateLimiter(opts: {
  url: string;
  keyPrefix: string;
  logger: Logger;
  readyTimeoutMs?: number;
}): Promise<KeyRateLimiter> {
  const client = new Redis(opts.url, CLIENT_OPTIONS) as BucketClient;
  client.defineCommand('chambersKeyBucket', { numberOfKeys: 1, lua: TOKEN_BUCKET });
  let lastWarnAt = 0;
  // Failures are reported by take() (throttled); ioredis would otherwise report every reconnect.
  client.on('error', () => undefined);
  // Start-up waits a moment for Redis, so the first calls share the bucket too; it never blocks start-up.
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, opts.readyTimeoutMs ?? 3_000);
    client.once('ready', done);
    function done() {
      clearTimeout(timer);
      client.off('ready', done);
      resolve();
    }
  });
  const fallback = createKeyRateLimiter();
  return {
    kind: 'redis',
    async take(keyId, rate, burst, now) {
      try {
        const [allowed, tokens] = await client.chambersKeyBucket(`${opts.keyPrefix}apikey:${keyId}`, rate, burst);
        return allowed === 1 ? null : retryAfterSeconds(Number(tokens), rate);
      } catch (err) {
        if (Date.now() - lastWarnAt > 10_000) {
          lastWarnAt = Date.now();
          opts.logger.warn(
            { err: { message: (err as Error).message } },
            'redis (API key buckets) unavailable; each process limits its keys alone',
          );
        }
        return fallback.take(keyId, rate, burst, now);
      }
    },
    async close() {
      client.disconnect();
    },
  };
}

/** The key buckets this deployment needs: shared through Redis when REDIS_URL is set, else in memory. */
export async function createKeyRateLimiterFor(ctx: Pick<AppContext, 'config' | 'logger'>): Promise<KeyRateLimiter> {
  const redis = ctx.config.redis;
  return redis
    ? createRedisKeyRateLimiter({ url: redis.url, keyPrefix: redis.keyPrefix, logger: ctx.logger })
    : createKeyRateLimiter();
}
