/**
 * Per-key daily quotas, counted from the call log: configurable per key, 429
 * API_QUOTA_EXCEEDED with Retry-After once spent, yesterday's calls not counted, and
 * the call log itself purged by the system-logs retention class after 30 days.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInMember, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { unsafeWithOwner } from '../platform/db/index.ts';
import { RETENTION_CLASSES, unsafeRunRetentionClasses } from '../privacy/index.ts';
import { createKeyQuota, startOfUtcDay } from './key-quota.ts';

type Member = Awaited<ReturnType<typeof signedInMember>>;
const DAY = 24 * 60 * 60 * 1000;

describe('daily quotas per API key', () => {
  let t: TestApp;
  let dev: Member;
  beforeAll(async () => {
    t = await startTestApp();
    dev = await signedInMember(t, { role: 'api_admin' });
  });
  afterAll(async () => t?.close());

  const createKey = async (body: Record<string, unknown> = {}) => {
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/developer/keys',
      headers: dev.headers,
      payload: { name: 'Billing', mode: 'live', scopes: ['matters:read'], ...body },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; key: string };
  };
  const call = (key: string) =>
    t.inject({ method: 'GET', url: '/api/v1/matters?limit=1', headers: { 'x-api-key': key } });
  const logCalls = (keyId: string, at: Date, n: number) =>
    unsafeWithOwner(t.ctx.db, (tx) =>
      sql`INSERT INTO audit.api_calls (at, org_id, api_key_id, method, route, status)
          SELECT ${at}, ${dev.orgId}, ${keyId}, 'GET', '/api/v1/matters', 200 FROM generate_series(1, ${n})`.execute(
        tx,
      ),
    );
  const keyView = async (id: string) => {
    const res = await t.inject({ method: 'GET', url: '/api/v1/developer/keys', headers: dev.headers });
    return (res.json() as { keys: Array<{ id: string; dailyQuota: number; callsToday: number }> }).keys.find(
      (k) => k.id === id,
    )!;
  };

  it('should give a key 100,000 calls a day unless set otherwise, and show what it used today', async () => {
    const { id, key } = await createKey();
    expect((await call(key)).statusCode).toBe(200);
    let view = await keyView(id);
    expect(view.dailyQuota).toBe(100_000);
    for (let i = 0; i < 50 && view.callsToday < 1; i++) {
      await new Promise((r) => setTimeout(r, 20));
      view = await keyView(id);
    }
    expect(view.callsToday).toBe(1);
  });

  it('should refuse a key over its quota with 429 API_QUOTA_EXCEEDED until midnight UTC, and take a raised quota at once', async () => {
    const { id, key } = await createKey({ dailyQuota: 3 });
    for (let i = 0; i < 3; i++) expect((await call(key)).statusCode).toBe(200);
    const refused = await call(key);
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ status: 429, code: 'API_QUOTA_EXCEEDED' });
    const retryAfter = Number(refused.headers['retry-after']);
    const untilMidnight = (startOfUtcDay(new Date()).getTime() + DAY - Date.now()) / 1000;
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(Math.ceil(untilMidnight) + 1);

    const raised = await t.inject({
      method: 'PATCH',
      url: `/api/v1/developer/keys/${id}`,
      headers: dev.headers,
      payload: { dailyQuota: 10 },
    });
    expect(raised.statusCode, raised.body).toBe(200);
    expect(raised.json()).toMatchObject({ id, dailyQuota: 10, ratePerSecond: 10, burst: 20 });
    expect((await call(key)).statusCode).toBe(200);
  });

  it('should count what the call log holds for today, and nothing from yesterday', async () => {
    const { id, key } = await createKey({ dailyQuota: 5 });
    await logCalls(id, new Date(startOfUtcDay(new Date()).getTime() - 60_000), 50);
    expect((await call(key)).statusCode).toBe(200);

    const spent = await createKey({ dailyQuota: 5 });
    await logCalls(spent.id, new Date(), 5);
    const refused = await call(spent.key);
    expect(refused.statusCode).toBe(429);
    expect(refused.json().code).toBe('API_QUOTA_EXCEEDED');
  });

  it('should refuse bad limits with 400, and another organization with 404', async () => {
    const { id } = await createKey();
    for (const payload of [{}, { dailyQuota: 0 }, { burst: -1 }, { ratePerSecond: 1.5 }, { dailyQuota: 5, extra: 1 }]) {
      const res = await t.inject({
        method: 'PATCH',
        url: `/api/v1/developer/keys/${id}`,
        headers: dev.headers,
        payload,
      });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
    }
    const other = await signedInMember(t, { role: 'api_admin' });
    const res = await t.inject({
      method: 'PATCH',
      url: `/api/v1/developer/keys/${id}`,
      headers: other.headers,
      payload: { dailyQuota: 9 },
    });
    expect(res.statusCode).toBe(404);
  });

  it('should purge the call log after 30 days (the system-logs retention class)', async () => {
    expect(RETENTION_CLASSES.find((c) => c.name === 'system_logs')?.days).toBe(30);
    const { id } = await createKey();
    const now = t.ctx.clock.now().getTime();
    await logCalls(id, new Date(now - 31 * DAY), 2);
    await logCalls(id, new Date(now - 29 * DAY), 1);
    await unsafeRunRetentionClasses(t.ctx);
    const left = await unsafeWithOwner(t.ctx.db, (tx) =>
      sql<{ at: Date }>`SELECT at FROM audit.api_calls WHERE api_key_id = ${id}`.execute(tx),
    );
    expect(left.rows).toHaveLength(1);
  });
});

describe('the quota counter', () => {
  it('should count the log at most every refresh, and add the calls it let through since', async () => {
    let logged = 0;
    let counts = 0;
    const quota = createKeyQuota(
      async () => {
        counts += 1;
        return logged;
      },
      { refreshMs: 1_000 },
    );
    const key = { id: 'k', dailyQuota: 4 };
    const at = (ms: number) => new Date(Date.UTC(2030, 0, 1, 23, 59, 0) + ms);
    expect(await quota.admit(key, at(0))).toBeNull();
    expect(await quota.admit(key, at(10))).toBeNull();
    expect(counts).toBe(1);
    // Another process made two calls: seen at the next count.
    logged = 4;
    expect(await quota.admit(key, at(1_000))).toBe(59);
    expect(counts).toBe(2);
    // A new UTC day starts from the log again.
    logged = 0;
    expect(await quota.admit(key, at(61_000))).toBeNull();
  });
});
