/*
 * Threat model: one client (or one account) flooding the API.
 *
 * Every route is in a tier derived from its access declaration — auth 60, public 500,
 * lawyer 200, judicial 100, admin 30 per minute by default — and each tier's budget is
 * counted per client IP and, once the caller is known, per account. The attacker may:
 *   - hammer a signed-in route from one address (the IP budget stops them);
 *   - spread one stolen account over many addresses (the account budget stops them);
 *   - hammer public routes such as /healthz;
 *   - hope that spending one tier also blocks (or does not block) another.
 * A refusal is 429 RATE_LIMITED with Retry-After and RateLimit-*; other clients are unaffected.
 * The limits here are small (set by env) and the clock is manual, so windows are exact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInMember, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { manualClock } from '../platform/clock.ts';
import { tierOf } from './rate-limit-tiers.ts';

const MINUTE = 60_000;

describe('tierOf: every route gets a tier from its access declaration', () => {
  it('should put routes carrying the auth bucket in the auth tier, whatever their access', () => {
    expect(tierOf({ public: true }, [{ bucket: 'auth', limit: 60, windowMs: MINUTE }])).toBe('auth');
    expect(
      tierOf({ orgOptional: true }, [
        { bucket: 'auth', limit: 60, windowMs: MINUTE },
        { bucket: 'verify', limit: 5, windowMs: 3_600_000 },
      ]),
    ).toBe('auth');
  });
  it('should map public, super-admin, org_admin-only, judge and other signed-in routes', () => {
    expect(tierOf({ public: true }, undefined)).toBe('public');
    expect(tierOf({ superAdmin: true, orgOptional: true }, undefined)).toBe('admin');
    expect(tierOf({ roles: ['org_admin'] }, undefined)).toBe('admin');
    expect(tierOf({ portal: 'judge', roles: ['judge'] }, undefined)).toBe('judicial');
    expect(tierOf({ portal: 'lawyer', roles: ['org_admin', 'lawyer'] }, undefined)).toBe('lawyer');
    expect(tierOf({ orgOptional: true }, undefined)).toBe('lawyer');
  });
});

describe('rate-limit tiers on a running app (memory store)', () => {
  let t: TestApp;
  const clock = manualClock(new Date('2031-03-01T09:00:00Z'));
  let ipCounter = 0;
  const newIp = () => `198.51.100.${++ipCounter}`;

  beforeAll(async () => {
    t = await startTestApp({
      clock,
      env: {
        RATE_LIMIT_PUBLIC_PER_MINUTE: '8',
        RATE_LIMIT_LAWYER_PER_MINUTE: '6',
        RATE_LIMIT_ADMIN_PER_MINUTE: '3',
        RATE_LIMIT_AUTH_PER_MINUTE: '1000',
      },
    });
  });
  afterAll(async () => t?.close());

  it('should refuse the 9th /healthz from one IP within a minute (public tier), with Retry-After and RateLimit-*', async () => {
    const ip = newIp();
    for (let i = 1; i <= 8; i++) {
      const res = await t.inject({ method: 'GET', url: '/healthz', remoteAddress: ip });
      expect(res.statusCode).toBe(200);
      expect(res.headers['ratelimit-limit']).toBe('8');
      expect(res.headers['ratelimit-remaining']).toBe(String(8 - i));
    }
    const refused = await t.inject({ method: 'GET', url: '/healthz', remoteAddress: ip });
    expect(refused.statusCode).toBe(429);
    expect(refused.json().code).toBe('RATE_LIMITED');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refused.headers['ratelimit-reset']).toBe(refused.headers['retry-after']);
    // Someone else is unaffected.
    expect((await t.inject({ method: 'GET', url: '/healthz', remoteAddress: newIp() })).statusCode).toBe(200);
    clock.advance(MINUTE);
    expect((await t.inject({ method: 'GET', url: '/healthz', remoteAddress: ip })).statusCode).toBe(200);
  });

  it('should count a signed-in caller per IP and per account: a new IP does not reset the account budget', async () => {
    const ip = newIp();
    const lawyer = await signedInMember(t, { role: 'lawyer' });
    for (let i = 1; i <= 6; i++) {
      const res = await t.inject({ method: 'GET', url: '/api/v1/matters', headers: lawyer.headers, remoteAddress: ip });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['ratelimit-limit']).toBe('6');
      expect(res.headers['ratelimit-remaining']).toBe(String(6 - i));
    }
    expect(
      (await t.inject({ method: 'GET', url: '/api/v1/matters', headers: lawyer.headers, remoteAddress: ip }))
        .statusCode,
    ).toBe(429);
    // Same account, fresh address: still refused (the account budget is spent).
    const elsewhere = await t.inject({
      method: 'GET',
      url: '/api/v1/matters',
      headers: lawyer.headers,
      remoteAddress: newIp(),
    });
    expect(elsewhere.statusCode).toBe(429);
    expect(elsewhere.json().code).toBe('RATE_LIMITED');
    // Another lawyer from the same (spent) address is refused by the IP budget...
    const colleague = await signedInMember(t, { role: 'lawyer' });
    expect(
      (await t.inject({ method: 'GET', url: '/api/v1/matters', headers: colleague.headers, remoteAddress: ip }))
        .statusCode,
    ).toBe(429);
    // ...and served from their own address.
    expect(
      (await t.inject({ method: 'GET', url: '/api/v1/matters', headers: colleague.headers, remoteAddress: newIp() }))
        .statusCode,
    ).toBe(200);
    // Public routes are another tier: the lawyer's address still reaches them.
    expect((await t.inject({ method: 'GET', url: '/healthz', remoteAddress: ip })).statusCode).toBe(200);
    clock.advance(MINUTE);
    expect(
      (await t.inject({ method: 'GET', url: '/api/v1/matters', headers: lawyer.headers, remoteAddress: ip }))
        .statusCode,
    ).toBe(200);
  });

  it('should give admin routes their own, smaller budget (admin tier)', async () => {
    const admin = await signedInMember(t, { role: 'org_admin' });
    const ip = newIp();
    const url = `/api/v1/orgs/${admin.orgId}/members`;
    for (let i = 1; i <= 3; i++) {
      const res = await t.inject({ method: 'GET', url, headers: admin.headers, remoteAddress: ip });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['ratelimit-limit']).toBe('3');
    }
    const refused = await t.inject({ method: 'GET', url, headers: admin.headers, remoteAddress: ip });
    expect(refused.statusCode).toBe(429);
    // The lawyer tier of the same account is untouched.
    expect(
      (await t.inject({ method: 'GET', url: '/api/v1/me', headers: admin.headers, remoteAddress: ip })).statusCode,
    ).toBe(200);
    clock.advance(MINUTE);
  });

  it('should refuse before authentication: a flood of bad tokens from one IP is limited without touching the session store', async () => {
    const ip = newIp();
    const codes: number[] = [];
    for (let i = 0; i < 7; i++) {
      codes.push(
        (
          await t.inject({
            method: 'GET',
            url: '/api/v1/matters',
            headers: { authorization: 'Bearer not-a-token' },
            remoteAddress: ip,
          })
        ).statusCode,
      );
    }
    expect(codes).toEqual([401, 401, 401, 401, 401, 401, 429]);
    clock.advance(MINUTE);
  });
});
