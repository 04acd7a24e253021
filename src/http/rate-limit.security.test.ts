/*
 * Threat model: brute force and abuse of the unauthenticated auth endpoints.
 *
 * From one address an attacker guesses passwords (login), codes (verify-email,
 * password reset), floods sign-ups or reset mails (register, forgot) or hammers
 * refresh. Per-address lockout alone does not stop spraying one password over many
 * addresses, so every auth endpoint also shares one per-IP bucket per minute, and
 * the mail-sending ones have their own hourly caps. The attacker may try to:
 *   - exceed the minute budget on one endpoint (61st request);
 *   - spread requests over several endpoints to find one with its own budget;
 *   - keep registering slowly enough to stay under the minute limit.
 * A refusal is 429 RATE_LIMITED with Retry-After and RateLimit-Limit/Remaining/Reset,
 * made before the body is read; other clients (other IPs) are not affected.
 * The app runs on a manual clock, so "within a minute" and "within an hour" are exact.
 */
import crypto from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, TEST_PASSWORD, type TestApp } from '../../test/helpers/test-app.ts';
import { manualClock } from '../platform/clock.ts';

const MINUTE = 60_000;

describe('rate limits on the auth endpoints (60/min per IP shared, 5 sign-ups/hour)', () => {
  let t: TestApp;
  const clock = manualClock(new Date('2030-01-01T09:00:00Z'));
  let ipCounter = 0;
  /** A fresh client address per test, so tests do not share buckets. */
  const newIp = () => `203.0.113.${++ipCounter}`;

  beforeAll(async () => {
    t = await startTestApp({
      clock,
      env: {
        RATE_LIMIT_AUTH_PER_MINUTE: '60',
        RATE_LIMIT_REGISTER_PER_HOUR: '5',
        // Out of the way, so the shared minute bucket is what the tests see.
        RATE_LIMIT_FORGOT_PER_HOUR: '1000',
        RATE_LIMIT_VERIFY_PER_HOUR: '1000',
      },
    });
  });
  afterAll(async () => t?.close());

  const email = () => `spray-${crypto.randomUUID()}@example.com`;
  const requests = {
    login: (ip: string) =>
      t.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        remoteAddress: ip,
        payload: { email: email(), password: 'guess-number-one-1' },
      }),
    register: (ip: string) =>
      t.inject({
        method: 'POST',
        url: '/api/v1/auth/register',
        remoteAddress: ip,
        payload: { email: email(), password: TEST_PASSWORD, name: 'Spam' },
      }),
    refresh: (ip: string) =>
      t.inject({
        method: 'POST',
        url: '/api/v1/auth/refresh',
        remoteAddress: ip,
        payload: { refreshToken: crypto.randomBytes(32).toString('base64url') },
      }),
    verify: (ip: string) =>
      t.inject({
        method: 'POST',
        url: '/api/v1/auth/verify-email',
        remoteAddress: ip,
        payload: { email: email(), code: '123456' },
      }),
    forgot: (ip: string) =>
      t.inject({ method: 'POST', url: '/api/v1/auth/password/forgot', remoteAddress: ip, payload: { email: email() } }),
  };

  function expectLimited(res: LightMyRequestResponse, limit: number, maxResetSeconds: number) {
    expect(res.statusCode, res.body).toBe(429);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json().code).toBe('RATE_LIMITED');
    const retryAfter = Number(res.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(maxResetSeconds);
    expect(res.headers['ratelimit-limit']).toBe(String(limit));
    expect(res.headers['ratelimit-remaining']).toBe('0');
    expect(Number(res.headers['ratelimit-reset'])).toBe(retryAfter);
  }

  it('the 61st login within a minute from one IP → 429 RATE_LIMITED with Retry-After and RateLimit-* headers', async () => {
    const ip = newIp();
    for (let i = 1; i <= 60; i++) {
      const res = await requests.login(ip);
      expect(res.statusCode, `request ${i}: ${res.body}`).toBe(401);
      expect(res.headers['ratelimit-limit']).toBe('60');
      expect(res.headers['ratelimit-remaining']).toBe(String(60 - i));
      expect(Number(res.headers['ratelimit-reset'])).toBeGreaterThan(0);
      expect(Number(res.headers['ratelimit-reset'])).toBeLessThanOrEqual(60);
    }
    const refused = await requests.login(ip);
    expectLimited(refused, 60, 60);
    // It stays refused for the rest of the minute, and the refusals do not extend the window.
    clock.advance(30 * 1000);
    const later = await requests.login(ip);
    expectLimited(later, 60, 30);
    // A new minute, a new budget.
    clock.advance(31 * 1000);
    expect((await requests.login(ip)).statusCode).toBe(401);
  });

  it('the limit is checked before the body: even malformed requests are counted and refused alike', async () => {
    const ip = newIp();
    for (let i = 0; i < 60; i++) {
      const res = await t.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        remoteAddress: ip,
        headers: { 'content-type': 'application/json' },
        payload: '{"email":',
      });
      expect(res.statusCode).toBe(400);
    }
    expectLimited(
      await t.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        remoteAddress: ip,
        headers: { 'content-type': 'application/json' },
        payload: '{"email":',
      }),
      60,
      60,
    );
    expectLimited(await requests.login(ip), 60, 60);
    clock.advance(MINUTE + 1000);
  });

  it('the 6th sign-up in an hour → 429 even though the minute limit is fine', async () => {
    const ip = newIp();
    for (let i = 1; i <= 5; i++) {
      const res = await requests.register(ip);
      expect(res.statusCode, `sign-up ${i}: ${res.body}`).toBe(202);
      // Spread over minutes: the per-minute bucket is nowhere near its limit.
      clock.advance(2 * MINUTE);
    }
    const sixth = await requests.register(ip);
    expectLimited(sixth, 5, 3600);
    expect(Number(sixth.headers['retry-after'])).toBeGreaterThan(60);
    // Other auth endpoints from the same IP still work: only the sign-up budget is spent.
    expect((await requests.login(ip)).statusCode).toBe(401);
    clock.advance(10 * MINUTE);
    expectLimited(await requests.register(ip), 5, 3600);
    // After the hour, sign-ups are accepted again.
    clock.advance(60 * MINUTE);
    expect((await requests.register(ip)).statusCode).toBe(202);
  });

  it('a different IP is not affected by a limited one', async () => {
    const attacker = newIp();
    const bystander = newIp();
    for (let i = 0; i < 60; i++) await requests.refresh(attacker);
    expectLimited(await requests.refresh(attacker), 60, 60);
    expectLimited(await requests.login(attacker), 60, 60);

    const res = await requests.login(bystander);
    expect(res.statusCode).toBe(401);
    expect(res.headers['ratelimit-limit']).toBe('60');
    expect(res.headers['ratelimit-remaining']).toBe('59');
    // IPv6 clients have their own buckets too.
    expect((await requests.login('2001:db8::1')).statusCode).toBe(401);
    clock.advance(MINUTE + 1000);
  });

  it('login, register, refresh, verify-email and forgot share one per-minute bucket', async () => {
    const ip = newIp();
    const plan: Array<keyof typeof requests> = [
      ...Array<'register'>(5).fill('register'),
      ...Array<'verify'>(10).fill('verify'),
      ...Array<'forgot'>(10).fill('forgot'),
      ...Array<'refresh'>(10).fill('refresh'),
      ...Array<'login'>(25).fill('login'),
    ];
    expect(plan).toHaveLength(60);
    // Interleave, as a spraying client would.
    plan.sort(() => Math.random() - 0.5);
    let registers = 0;
    for (const [i, kind] of plan.entries()) {
      const res = await requests[kind](ip);
      expect(res.statusCode, `${i + 1}: ${kind}`).not.toBe(429);
      // Each request, whatever the endpoint, spends from the same minute budget (the header shows the tightest rule).
      if (kind === 'register') registers += 1;
      const expected = Math.min(60 - (i + 1), kind === 'register' ? 5 - registers : Infinity);
      expect(res.headers['ratelimit-remaining'], `${i + 1}: ${kind}`).toBe(String(expected));
    }
    for (const kind of ['login', 'refresh', 'verify', 'forgot', 'register'] as const) {
      const res = await requests[kind](ip);
      expect(res.statusCode, kind).toBe(429);
      expect(res.json().code).toBe('RATE_LIMITED');
      expect(res.headers['retry-after']).toBeDefined();
    }
    clock.advance(MINUTE + 1000);
  });

  it('the password-reset and verification endpoints are limited too (code guessing)', async () => {
    const ip = newIp();
    for (let i = 0; i < 60; i++) {
      const res = await t.inject({
        method: 'POST',
        url: '/api/v1/auth/password/reset',
        remoteAddress: ip,
        payload: { email: 'victim@example.com', code: String(100000 + i), newPassword: TEST_PASSWORD },
      });
      expect(res.statusCode).not.toBe(429);
    }
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/password/reset',
      remoteAddress: ip,
      payload: { email: 'victim@example.com', code: '999999', newPassword: TEST_PASSWORD },
    });
    expectLimited(res, 60, 60);
    expectLimited(await requests.verify(ip), 60, 60);
    clock.advance(MINUTE + 1000);
  });
});
