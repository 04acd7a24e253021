/*
 * Attack: spoofing the client address with X-Forwarded-For.
 *
 * Rate limits, lockouts, session records and the audit trail all key on the client
 * IP. An attacker who could choose it would get a fresh budget per request and put
 * someone else's address in the logs. X-Forwarded-For is believed only when the
 * direct peer is a proxy listed in TRUST_PROXY, and then only up to the rightmost
 * address that is not itself a trusted proxy (what the last trusted hop saw), so a
 * client cannot prepend a fake hop either. Observed through the public rate-limit
 * budget (3 per minute here) and the IP recorded on the session.
 */
import crypto from 'node:crypto';
import { unsafeWithOwner } from '../platform/db/index.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, startTestApp, TEST_PASSWORD, type TestApp } from '../../test/helpers/test-app.ts';
import { manualClock } from '../platform/clock.ts';

const randomIp = () =>
  `${1 + crypto.randomInt(223)}.${crypto.randomInt(256)}.${crypto.randomInt(256)}.${1 + crypto.randomInt(254)}`;

async function statuses(t: TestApp, n: number, req: () => { remoteAddress: string; xff?: string }): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const { remoteAddress, xff } = req();
    const res = await t.inject({
      method: 'GET',
      url: '/healthz',
      remoteAddress,
      headers: xff ? { 'x-forwarded-for': xff } : {},
    });
    out.push(res.statusCode);
  }
  return out;
}

describe('X-Forwarded-For with TRUST_PROXY=10.0.0.0/8,192.168.1.1', () => {
  let t: TestApp;
  const clock = manualClock(new Date('2031-05-01T10:00:00Z'));
  beforeAll(async () => {
    t = await startTestApp({
      clock,
      env: { TRUST_PROXY: '10.0.0.0/8,192.168.1.1', RATE_LIMIT_PUBLIC_PER_MINUTE: '3' },
    });
  });
  afterAll(async () => t?.close());

  it('should ignore X-Forwarded-For from an untrusted peer: rotating it buys no new budget', async () => {
    const codes = await statuses(t, 4, () => ({ remoteAddress: '203.0.113.77', xff: randomIp() }));
    expect(codes).toEqual([200, 200, 200, 429]);
  });

  it('should ignore it from a peer that merely claims to be a trusted proxy inside the header', async () => {
    const codes = await statuses(t, 4, () => ({ remoteAddress: '203.0.113.78', xff: `${randomIp()}, 10.0.0.1` }));
    expect(codes).toEqual([200, 200, 200, 429]);
  });

  it('should believe a trusted proxy: each client behind it has its own budget', async () => {
    expect(await statuses(t, 4, () => ({ remoteAddress: '10.1.2.3', xff: '198.51.100.20' }))).toEqual([
      200, 200, 200, 429,
    ]);
    // Same proxy, another client: not affected.
    expect(await statuses(t, 1, () => ({ remoteAddress: '10.1.2.3', xff: '198.51.100.21' }))).toEqual([200]);
    // A single trusted IP (not a CIDR) works too.
    expect(await statuses(t, 1, () => ({ remoteAddress: '192.168.1.1', xff: '198.51.100.22' }))).toEqual([200]);
  });

  it('should take the rightmost untrusted hop: a client prepending fake hops through the proxy is still itself', async () => {
    const codes = await statuses(t, 4, () => ({
      remoteAddress: '10.9.9.9',
      xff: `${randomIp()}, ${randomIp()}, 198.51.100.30`,
    }));
    expect(codes).toEqual([200, 200, 200, 429]);
  });

  it('should walk through a chain of trusted proxies to the client', async () => {
    const codes = await statuses(t, 4, () => ({
      remoteAddress: '10.0.0.1',
      xff: `${randomIp()}, 198.51.100.40, 10.0.0.2, 192.168.1.1`,
    }));
    expect(codes).toEqual([200, 200, 200, 429]);
    // Its budget is the one the same client spends on another path through the proxies.
    expect(await statuses(t, 1, () => ({ remoteAddress: '10.0.0.5', xff: '198.51.100.40' }))).toEqual([429]);
  });

  it('should record the real client address on the session (through a trusted proxy) and the peer otherwise', async () => {
    const m = await createMember(t, { role: 'lawyer' });
    const viaProxy = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress: '10.0.0.1',
      headers: { 'x-forwarded-for': '6.6.6.6, 198.51.100.50' },
      payload: { email: m.email, password: TEST_PASSWORD },
    });
    expect(viaProxy.statusCode, viaProxy.body).toBe(200);
    const direct = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress: '203.0.113.90',
      headers: { 'x-forwarded-for': '198.51.100.51' },
      payload: { email: m.email, password: TEST_PASSWORD },
    });
    expect(direct.statusCode, direct.body).toBe(200);
    const sessions = await t.inject({
      method: 'GET',
      url: '/api/v1/auth/sessions',
      remoteAddress: '203.0.113.90',
      headers: { authorization: `Bearer ${direct.json().accessToken}` },
    });
    expect(sessions.statusCode, sessions.body).toBe(200);
    const ips = (sessions.json() as Array<{ ip: string }>).map((s) => s.ip).sort();
    expect(ips).toEqual(['198.51.100.50', '203.0.113.90']);
  });

  it('should file audit events under a client-chosen X-Request-Id only when a trusted proxy sent it', async () => {
    const m = await createMember(t, { role: 'lawyer' });
    const login = (remoteAddress: string, id: string) =>
      t.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        remoteAddress,
        headers: { 'x-request-id': id },
        payload: { email: m.email, password: TEST_PASSWORD },
      });
    const forged = await login('203.0.113.92', 'forged-request-id-0001');
    expect(forged.statusCode, forged.body).toBe(200);
    expect(forged.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const relayed = await login('10.0.0.7', 'proxy-request-id-0002');
    expect(relayed.headers['x-request-id']).toBe('proxy-request-id-0002');
    const ids = await unsafeWithOwner(t.ctx.db, (tx) =>
      tx
        .selectFrom('audit.events')
        .select('request_id')
        .where('action', '=', 'auth.login')
        .where('actor_id', '=', m.userId)
        .execute(),
    );
    const recorded = ids.map((r) => r.request_id);
    expect(recorded).toContain('proxy-request-id-0002');
    expect(recorded).toContain(forged.headers['x-request-id']);
    expect(recorded).not.toContain('forged-request-id-0001');
  });

  it('should send HSTS for X-Forwarded-Proto: https only when a trusted proxy says so', async () => {
    const trusted = await t.inject({
      method: 'GET',
      url: '/api/openapi.json',
      remoteAddress: '10.0.0.1',
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect(trusted.headers['strict-transport-security']).toBe('max-age=63072000; includeSubDomains');
    const spoofed = await t.inject({
      method: 'GET',
      url: '/api/openapi.json',
      remoteAddress: '203.0.113.91',
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect(spoofed.headers['strict-transport-security']).toBeUndefined();
  });
});

describe('X-Forwarded-For without TRUST_PROXY', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      clock: manualClock(new Date('2031-05-01T10:00:00Z')),
      env: { RATE_LIMIT_PUBLIC_PER_MINUTE: '3' },
    });
  });
  afterAll(async () => t?.close());

  it('should ignore it from every peer, private addresses included', async () => {
    expect(await statuses(t, 4, () => ({ remoteAddress: '10.0.0.1', xff: randomIp() }))).toEqual([200, 200, 200, 429]);
    expect(await statuses(t, 4, () => ({ remoteAddress: '127.0.0.1', xff: randomIp() }))).toEqual([200, 200, 200, 429]);
  });
});
