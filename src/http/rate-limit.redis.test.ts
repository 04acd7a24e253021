/*
 * Rate limits shared through Redis, and what happens when Redis goes away.
 *
 * Behind a load balancer each request may land on another process; the limits only
 * mean something if every process counts in the same place. Two separate app
 * processes on the shared Redis (127.0.0.1:6379, a unique key prefix per test) must
 * spend one budget. When Redis dies, ordinary tiers fail open (served, logged,
 * counted in /metrics) and the auth tier fails closed (503 RATE_LIMIT_UNAVAILABLE,
 * never an unlimited password-guessing window); requests never hang waiting for
 * Redis, and when it returns the limits apply again without a restart. The fault
 * test uses a private redis-server it may kill, never the shared one.
 */
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChildApp, type ChildApp } from '../../test/helpers/child-app.ts';
import { startPrivateRedis } from '../../test/helpers/private-redis.ts';
import { signedInMember, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';

const SHARED_REDIS = process.env.CHAMBERS_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const uniquePrefix = () => `chambers:test:${crypto.randomUUID()}:`;

async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('two app processes on one Redis share every limit', () => {
  let a: ChildApp;
  let b: ChildApp;
  beforeAll(async () => {
    const env = {
      REDIS_URL: SHARED_REDIS,
      RATE_LIMIT_REDIS_PREFIX: uniquePrefix(),
      RATE_LIMIT_PUBLIC_PER_MINUTE: '10',
      RATE_LIMIT_LAWYER_PER_MINUTE: '6',
    };
    [a, b] = await Promise.all([startChildApp(env), startChildApp(env)]);
  }, 180_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('should spend one public budget across both processes: 5 + 5 requests, then both refuse', async () => {
    const remaining: string[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await fetch((i % 2 === 0 ? a : b).url('/healthz'));
      expect(res.status).toBe(200);
      remaining.push(res.headers.get('ratelimit-remaining') ?? '');
    }
    // One counter: the remaining budget falls 9..0 whichever process answered.
    expect(remaining).toEqual(['9', '8', '7', '6', '5', '4', '3', '2', '1', '0']);
    for (const app of [a, b]) {
      const refused = await fetch(app.url('/healthz'));
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(((await refused.json()) as { code: string }).code).toBe('RATE_LIMITED');
    }
  });

  it('should spend one per-IP lawyer budget across both processes, whichever account calls', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const app = i % 2 === 0 ? a : b;
      const res = await fetch(app.url('/api/v1/matters'), { headers: { authorization: `Bearer ${app.accessToken}` } });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429, 429]);
  });
});

describe('Redis stopped mid-run (a private redis-server)', () => {
  let redis: Awaited<ReturnType<typeof startPrivateRedis>>;
  let t: TestApp;
  let headers: Record<string, string>;
  const METRICS_TOKEN = crypto.randomBytes(24).toString('hex');
  const login = (ip: string) =>
    t.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress: ip,
      payload: { email: 'nobody@example.com', password: 'not-the-password-1' },
    });
  const matters = (ip: string) => t.inject({ method: 'GET', url: '/api/v1/matters', headers, remoteAddress: ip });
  const metric = async (name: string) => {
    const res = await t.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    return res.body
      .split('\n')
      .filter((l) => l.startsWith(name))
      .join('\n');
  };

  beforeAll(async () => {
    redis = await startPrivateRedis();
    t = await startTestApp({
      env: {
        REDIS_URL: redis.url,
        RATE_LIMIT_REDIS_PREFIX: uniquePrefix(),
        RATE_LIMIT_LAWYER_PER_MINUTE: '5',
        RATE_LIMIT_AUTH_PER_MINUTE: '50',
        METRICS_TOKEN,
      },
    });
    ({ headers } = await signedInMember(t, { role: 'lawyer' }));
  });
  afterAll(async () => {
    await t?.close();
    await redis?.stop();
  });

  it('should fail open on ordinary tiers, fail closed on auth, and recover by itself when Redis returns', async () => {
    const before = await matters('192.0.2.10');
    expect(before.statusCode).toBe(200);
    expect(before.headers['ratelimit-limit']).toBe('5');

    await redis.stop();

    // Ordinary tier: served, unlimited, without waiting on Redis — well past the limit of 5.
    const started = Date.now();
    for (let i = 0; i < 10; i++) {
      const res = await matters('192.0.2.11');
      expect(res.statusCode, res.body).toBe(200);
    }
    expect(Date.now() - started).toBeLessThan(10 * 1000);
    expect(await metric('chambers_rate_limit_store_failures_total{tier="lawyer",outcome="allowed"}')).toMatch(
      / (1\d|[2-9]\d)$/,
    );

    // Auth tier: refused with a stable code, quickly.
    const t0 = Date.now();
    const refused = await login('192.0.2.12');
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(refused.statusCode).toBe(503);
    expect(refused.json()).toMatchObject({ status: 503, code: 'RATE_LIMIT_UNAVAILABLE' });
    expect(refused.headers['retry-after']).toBe('5');
    expect(await metric('chambers_rate_limit_store_failures_total{tier="auth",outcome="refused"}')).toMatch(
      / [1-9]\d*$/,
    );

    await redis.start();

    // No restart of the app: it reconnects and counts again.
    await eventually('auth routes back', async () => (await login('192.0.2.13')).statusCode === 401);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await matters('192.0.2.14')).statusCode);
    // The account budget (5) restarts with the empty Redis; the 6th request is refused again.
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
  });
});
