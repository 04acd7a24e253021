/*
 * /metrics: Prometheus text for the operator, closed to everybody else.
 * Without METRICS_TOKEN the route does not exist (404); with it, only a bearer of
 * that exact token reads it (compared in constant time). It reports requests and
 * latency by route pattern (never raw ids), rate-limit refusals by tier, auth
 * failures by code, and the audit sealer's backlog.
 */
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInMember, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';

describe('GET /metrics', () => {
  let t: TestApp;
  const token = crypto.randomBytes(32).toString('hex');
  beforeAll(async () => {
    t = await startTestApp({ env: { METRICS_TOKEN: token, RATE_LIMIT_PUBLIC_PER_MINUTE: '3' } });
  });
  afterAll(async () => t?.close());
  const scrape = () =>
    t.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${token}` },
      remoteAddress: '192.0.2.200',
    });

  it('should refuse a missing, wrong or truncated token with 401', async () => {
    for (const authorization of [
      undefined,
      'Bearer wrong',
      `Bearer ${token.slice(0, -1)}`,
      `Bearer ${token}x`,
      token,
    ]) {
      const res = await t.inject({
        method: 'GET',
        url: '/metrics',
        headers: authorization ? { authorization } : {},
        remoteAddress: `192.0.2.${crypto.randomInt(1, 100)}`,
      });
      expect(res.statusCode, String(authorization)).toBe(401);
      expect(res.body).not.toContain('chambers_http_requests_total');
    }
  });

  it('should report requests by route pattern, rate-limit refusals, auth failures and the audit queue', async () => {
    const lawyer = await signedInMember(t, { role: 'lawyer' });
    const created = await t.inject({
      method: 'POST',
      url: '/api/v1/matters',
      headers: lawyer.headers,
      payload: { title: 'Metrics' },
    });
    await t.inject({
      method: 'GET',
      url: `/api/v1/matters/${(created.json() as { id: string }).id}`,
      headers: lawyer.headers,
    });
    await t.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'nobody@example.com', password: 'wrong-password-123' },
    });
    for (let i = 0; i < 4; i++) await t.inject({ method: 'GET', url: '/healthz', remoteAddress: '198.51.100.99' });

    const res = await scrape();
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const body = res.body;
    expect(body).toMatch(/chambers_http_requests_total\{route="\/api\/v1\/matters\/:id",method="GET",status="200"\} 1/);
    expect(body).toMatch(
      /chambers_http_request_duration_seconds_bucket\{le="[^"]+",route="\/api\/v1\/matters",method="POST",status="201"\} \d+/,
    );
    expect(body).not.toContain((created.json() as { id: string }).id);
    expect(body).toMatch(/chambers_rate_limit_rejections_total\{tier="public"\} 1/);
    expect(body).toMatch(/chambers_auth_failures_total\{code="INVALID_CREDENTIALS"\} 1/);
    expect(body).toMatch(/^chambers_audit_queue_depth \d+$/m);
    expect(body).toContain('# TYPE chambers_rate_limit_store_failures_total counter');
  });

  it('should read an audit backlog of 0 once the sealer has sealed every event', async () => {
    await t.ctx.auditSealer.sealNow();
    expect((await scrape()).body).toMatch(/^chambers_audit_queue_depth 0$/m);
  });
});

describe('GET /metrics without METRICS_TOKEN', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it('should not exist', async () => {
    const res = await t.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: 'Bearer anything-at-all-here-xxxxxxxx' },
    });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('NOT_FOUND');
  });
});
