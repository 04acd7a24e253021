/*
 * Fault: the PostgreSQL server restarts (crashes, then comes back) under load.
 *
 * The app must neither hang nor answer 500: while the server is gone every request
 * that needs it gets 503 SERVICE_UNAVAILABLE with Retry-After; a create that spans
 * several rows (opening an organization = the organization + its first admin's
 * membership, one transaction) is either wholly there or wholly absent; and once
 * the server is back the same app process serves again, without a restart. The
 * server is a private cluster this test owns (never the shared one on 5432).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivatePostgres } from '../../test/helpers/private-postgres.ts';
import { signedInMember, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';

type Outcome = { kind: 'org' | 'matter' | 'read'; name: string; status: number; code?: string; retryAfter?: string };

describe('PostgreSQL restarted mid-run (a private cluster)', () => {
  let server: Awaited<ReturnType<typeof startPrivatePostgres>>;
  let t: TestApp;
  let headers: Record<string, string>;
  beforeAll(async () => {
    server = await startPrivatePostgres();
    t = await startTestApp({ env: { DATABASE_URL: server.url } });
    ({ headers } = await signedInMember(t, { role: 'org_admin', superAdmin: true }));
  }, 180_000);
  afterAll(async () => {
    await t?.close();
    await server?.remove();
  });

  it('should answer 503 during the outage, write nothing by halves, and recover by itself', async () => {
    const outcomes: Outcome[] = [];
    let stopLoad = false;
    let n = 0;
    const worker = async () => {
      while (!stopLoad) {
        const i = n++;
        const kind = (['org', 'matter', 'read'] as const)[i % 3]!;
        const name = `fault-${kind}-${i}`;
        const res =
          kind === 'org'
            ? await t.inject({ method: 'POST', url: '/api/v1/orgs', headers, payload: { name, kind: 'firm' } })
            : kind === 'matter'
              ? await t.inject({ method: 'POST', url: '/api/v1/matters', headers, payload: { title: name } })
              : await t.inject({ method: 'GET', url: '/api/v1/matters?limit=5', headers });
        const body = String(res.headers['content-type'] ?? '').includes('json')
          ? (res.json() as { code?: string })
          : {};
        outcomes.push({
          kind,
          name,
          status: res.statusCode,
          code: body.code,
          retryAfter: res.headers['retry-after'] as string | undefined,
        });
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    const load = Promise.all([worker(), worker(), worker(), worker()]);
    await new Promise((r) => setTimeout(r, 1_500));
    await server.stop('immediate');
    await new Promise((r) => setTimeout(r, 2_000));
    const duringOutage = outcomes.length;
    await server.start();
    // Keep the load on until requests succeed again (the app is not restarted).
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const last = outcomes.slice(-8);
      if (outcomes.length > duringOutage + 8 && last.every((o) => o.status < 300)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    stopLoad = true;
    await load;

    const unexpected = outcomes.filter(
      (o) => !(o.status < 300 || (o.status === 503 && o.code === 'SERVICE_UNAVAILABLE' && o.retryAfter === '5')),
    );
    expect(unexpected).toEqual([]);
    expect(outcomes.filter((o) => o.status === 503).length).toBeGreaterThan(0);
    expect(outcomes.filter((o) => o.kind === 'org' && o.status === 201).length).toBeGreaterThan(0);
    expect(outcomes.slice(-8).every((o) => o.status < 300)).toBe(true);

    // Nothing half-written: each organization we tried to open has its admin membership, or does not exist at all.
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ name: string; members: number }>(
        `SELECT o.name, count(m.user_id)::int AS members FROM chambers.organizations o LEFT JOIN chambers.memberships m ON m.org_id = o.id
          WHERE o.name LIKE 'fault-org-%' GROUP BY o.id, o.name`,
      );
      expect(rows.filter((r) => r.members !== 1)).toEqual([]);
      const stored = new Set(rows.map((r) => r.name));
      for (const o of outcomes.filter((o) => o.kind === 'org' && o.status === 201))
        expect(stored.has(o.name), o.name).toBe(true);
      const matters = new Set(
        (
          await admin.query<{ title: string }>(`SELECT title FROM chambers.matters WHERE title LIKE 'fault-matter-%'`)
        ).rows.map((r) => r.title),
      );
      for (const o of outcomes.filter((o) => o.kind === 'matter' && o.status === 201))
        expect(matters.has(o.name), o.name).toBe(true);
    } finally {
      await admin.end();
    }

    const ready = await t.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
  }, 120_000);
});
