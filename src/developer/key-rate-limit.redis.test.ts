/*
 * Each API key's token bucket, shared through the real Redis (127.0.0.1:6379, a unique
 * key prefix per test). Behind a load balancer an integration's calls land on every
 * process; the bucket only means "10 a second, burst 20" if all of them spend the same
 * one. Two limiters with their own Redis connections stand for two processes. When Redis
 * is unreachable each process keeps limiting on its own, without waiting on Redis.
 */
import crypto from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInMember, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import type { KeyRateLimiter } from './key-rate-limit.ts';
import { createRedisKeyRateLimiter } from './redis-key-rate-limit.ts';

const SHARED_REDIS = process.env.CHAMBERS_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const uniquePrefix = () => `chambers:test:${crypto.randomUUID()}:`;
const logger = pino({ level: 'silent' });

describe('API key buckets in Redis', () => {
  const opened: KeyRateLimiter[] = [];
  const limiter = async (keyPrefix: string, url = SHARED_REDIS) => {
    const l = await createRedisKeyRateLimiter({ url, keyPrefix, logger, readyTimeoutMs: 500 });
    opened.push(l);
    return l;
  };
  afterAll(async () => {
    await Promise.all(opened.map((l) => l.close?.()));
  });

  it('should spend one bucket across two processes: a burst of 6 in turns, then both refuse', async () => {
    const prefix = uniquePrefix();
    const [a, b] = await Promise.all([limiter(prefix), limiter(prefix)]);
    const answers: Array<number | null> = [];
    for (let i = 0; i < 6; i++) answers.push(await (i % 2 === 0 ? a : b).take('key-1', 1, 6, Date.now()));
    expect(answers).toEqual([null, null, null, null, null, null]);
    expect(await a.take('key-1', 1, 6, Date.now())).toBeGreaterThanOrEqual(1);
    expect(await b.take('key-1', 1, 6, Date.now())).toBeGreaterThanOrEqual(1);
    // Another key has its own bucket.
    expect(await b.take('key-2', 1, 6, Date.now())).toBeNull();
  });

  it('should refill at the rate, by the time Redis keeps', async () => {
    const l = await limiter(uniquePrefix());
    expect(await l.take('k', 20, 1, Date.now())).toBeNull();
    expect(await l.take('k', 20, 1, Date.now())).toBe(1);
    await new Promise((r) => setTimeout(r, 120));
    expect(await l.take('k', 20, 1, Date.now())).toBeNull();
  });

  it('should keep limiting in the process, at once, when Redis cannot be reached', async () => {
    const l = await limiter(uniquePrefix(), 'redis://127.0.0.1:1');
    const started = Date.now();
    expect(await l.take('k', 1, 2, started)).toBeNull();
    expect(await l.take('k', 1, 2, started)).toBeNull();
    expect(await l.take('k', 1, 2, started)).toBe(1);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  describe('in the app, with REDIS_URL set', () => {
    let t: TestApp;
    const prefix = uniquePrefix();
    beforeAll(async () => {
      t = await startTestApp({ env: { REDIS_URL: SHARED_REDIS, RATE_LIMIT_REDIS_PREFIX: prefix } });
    });
    afterAll(async () => t?.close());

    it("should keep a key's bucket in Redis, where another process sees it spent", async () => {
      const dev = await signedInMember(t, { role: 'api_admin' });
      const made = await t.inject({
        method: 'POST',
        url: '/api/v1/developer/keys',
        headers: dev.headers,
        payload: { name: 'Shared', mode: 'live', scopes: ['matters:read'], ratePerSecond: 1, burst: 3 },
      });
      expect(made.statusCode, made.body).toBe(201);
      const { id, key } = made.json() as { id: string; key: string };
      // Calls until the first refusal. The bucket refills at one a second, so on a slow
      // machine a call may be let through per second that has passed, never more.
      const started = Date.now();
      const statuses: number[] = [];
      while (statuses.length < 10 && !statuses.includes(429))
        statuses.push(
          (await t.inject({ method: 'GET', url: '/api/v1/matters', headers: { 'x-api-key': key } })).statusCode,
        );
      const refills = Math.ceil((Date.now() - started) / 1000);
      expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
      expect(statuses.at(-1)).toBe(429);
      expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(3 + refills);
      // A second process on the same Redis finds the same bucket empty. It asks at a rate
      // too slow to refill a whole call in the seconds this test takes, so what it sees is
      // the spent state the first process left, not a refill.
      expect(await (await limiter(prefix)).take(id, 0.01, 3, Date.now())).toBeGreaterThanOrEqual(1);
    });
  });
});
