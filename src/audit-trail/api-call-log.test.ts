import crypto from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInMember, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { createAccessTokenResolver } from '../sessions/access-token-resolver.ts';
import { withTenant } from '../platform/db/tenant.ts';

type Row = { api_key_id: string; org_id: string; method: string; route: string; status: number; ip: string | null };

/**
 * API keys are not built yet: a test-only resolver turns a signed-in caller
 * into an API-key principal when the request names a key in `x-test-api-key`.
 */
describe('the per-API-key call log', () => {
  let t: TestApp;
  let lawyer: Awaited<ReturnType<typeof signedInMember>>;
  let otherAdmin: Awaited<ReturnType<typeof signedInMember>>;
  beforeAll(async () => {
    t = await startTestApp({
      resolvePrincipal: (ctx) => {
        const real = createAccessTokenResolver(ctx);
        return async (request) => {
          const p = await real(request);
          const key = request.headers['x-test-api-key'];
          return p && typeof key === 'string' ? { ...p, apiKeyId: key } : p;
        };
      },
    });
    lawyer = await signedInMember(t, { role: 'lawyer' });
    otherAdmin = await signedInMember(t, { role: 'org_admin' });
  });
  afterAll(async () => t?.close());

  const rows = async (key: string, want: number): Promise<Row[]> => {
    for (let i = 0; i < 100; i++) {
      const { rows: r } =
        await sql<Row>`SELECT api_key_id, org_id, method, route, status, ip FROM audit.api_calls WHERE api_key_id = ${key} ORDER BY id`.execute(
          t.ctx.db.owner,
        );
      if (r.length >= want) return r;
      await new Promise((res) => setTimeout(res, 20));
    }
    throw new Error(`expected ${want} logged calls of ${key}`);
  };

  it('should log every call made with an API key: key, org, method, route pattern, status, ip', async () => {
    const key = `key-${crypto.randomUUID()}`;
    const headers = { ...lawyer.headers, 'x-test-api-key': key };
    expect((await t.inject({ method: 'GET', url: '/api/v1/matters', headers })).statusCode).toBe(200);
    expect(
      (await t.inject({ method: 'GET', url: `/api/v1/matters/${crypto.randomUUID()}?x=1`, headers })).statusCode,
    ).toBe(404);
    const logged = await rows(key, 2);
    expect(logged).toEqual([
      { api_key_id: key, org_id: lawyer.orgId, method: 'GET', route: '/api/v1/matters', status: 200, ip: '127.0.0.1' },
      {
        api_key_id: key,
        org_id: lawyer.orgId,
        method: 'GET',
        route: '/api/v1/matters/:id',
        status: 404,
        ip: '127.0.0.1',
      },
    ]);
  });

  it('should not log calls made without an API key', async () => {
    const before = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit.api_calls`.execute(t.ctx.db.owner))
      .rows[0]!.n;
    await t.inject({ method: 'GET', url: '/api/v1/matters', headers: lawyer.headers });
    await new Promise((res) => setTimeout(res, 100));
    expect(
      (await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit.api_calls`.execute(t.ctx.db.owner)).rows[0]!.n,
    ).toBe(before);
  });

  it("should keep each organization's log to itself and refuse any change to it", async () => {
    const key = `key-${crypto.randomUUID()}`;
    await t.inject({ method: 'GET', url: '/api/v1/matters', headers: { ...lawyer.headers, 'x-test-api-key': key } });
    await rows(key, 1);
    const seen = await withTenant(t.ctx.db, { orgId: otherAdmin.orgId, userId: otherAdmin.userId }, (tx) =>
      sql<{ n: number }>`SELECT count(*)::int AS n FROM audit.api_calls WHERE api_key_id = ${key}`.execute(tx),
    );
    expect(seen.rows[0]!.n).toBe(0);
    await expect(
      withTenant(t.ctx.db, { orgId: lawyer.orgId, userId: lawyer.userId }, (tx) =>
        sql`DELETE FROM audit.api_calls WHERE api_key_id = ${key}`.execute(tx),
      ),
    ).rejects.toMatchObject({ code: '42501' });
  });
});
