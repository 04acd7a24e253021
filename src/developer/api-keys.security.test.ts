/**
 * Attacks on API keys: a key sent in the URL (leaks into logs and Referer), a revoked,
 * expired or made-up key, one organization's key against another's data, a read key
 * that tries to write or to mint more keys, a test key reaching live matters, a key
 * hammering the API, and an api_admin wandering out of the developer portal.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInMember, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { unsafeWithOwner } from '../platform/db/index.ts';

type Member = Awaited<ReturnType<typeof signedInMember>>;

describe('API keys', () => {
  let t: TestApp;
  let apiAdmin: Member;
  let lawyer: Member;
  let otherAdmin: Member;
  beforeAll(async () => {
    t = await startTestApp();
    apiAdmin = await signedInMember(t, { role: 'api_admin' });
    lawyer = await signedInMember(t, { role: 'lawyer', orgId: apiAdmin.orgId });
    otherAdmin = await signedInMember(t, { role: 'api_admin' });
  });
  afterAll(async () => t?.close());

  const createKey = async (who: Member, body: Record<string, unknown>) => {
    const res = await t.inject({ method: 'POST', url: '/api/v1/developer/keys', headers: who.headers, payload: body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; key: string; prefix: string; scopes: string[]; expiresAt: string | null };
  };
  const withKey = (key: string) => ({ 'x-api-key': key });
  const openMatter = async (title: string, headers: Record<string, string> = lawyer.headers) => {
    const res = await t.inject({ method: 'POST', url: '/api/v1/matters', headers, payload: { title } });
    expect(res.statusCode, res.body).toBe(201);
    return (res.json() as { id: string }).id;
  };

  it('should show a key once, with ≥ 256 bits after its prefix, and keep only its SHA-256', async () => {
    const created = await createKey(apiAdmin, { name: 'Billing sync', mode: 'live', scopes: ['matters:read'] });
    expect(created.key).toMatch(/^chk_live_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(created.key.slice(9), 'base64url').length).toBeGreaterThanOrEqual(32);
    expect(created.key.startsWith(created.prefix)).toBe(true);
    const list = await t.inject({ method: 'GET', url: '/api/v1/developer/keys', headers: apiAdmin.headers });
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(created.key);
    expect((list.json() as { keys: Array<{ id: string }> }).keys.map((k) => k.id)).toContain(created.id);
    const stored = await unsafeWithOwner(t.ctx.db, (tx) =>
      sql<{ row: string }>`SELECT k::text AS row FROM chambers.api_keys k WHERE id = ${created.id}`.execute(tx),
    );
    expect(stored.rows[0]!.row).not.toContain(created.key.slice(9));
  });

  it('should serve the organization within the key, and log every call', async () => {
    const matterId = await openMatter('Acme v. Widget');
    const { id, key } = await createKey(apiAdmin, { name: 'Reader', mode: 'live', scopes: ['matters:read'] });
    const list = await t.inject({ method: 'GET', url: '/api/v1/matters', headers: withKey(key) });
    expect(list.statusCode, list.body).toBe(200);
    expect((list.json() as { matters: Array<{ id: string }> }).matters.map((m) => m.id)).toContain(matterId);
    // The Authorization header works too, for clients that only know bearer tokens.
    const one = await t.inject({
      method: 'GET',
      url: `/api/v1/matters/${matterId}`,
      headers: { authorization: `Bearer ${key}` },
    });
    expect(one.statusCode).toBe(200);

    let calls: Array<{ keyId: string; method: string; route: string; status: number; ip: string | null }> = [];
    for (let i = 0; i < 50 && calls.length < 2; i++) {
      const res = await t.inject({
        method: 'GET',
        url: `/api/v1/developer/calls?keyId=${id}`,
        headers: apiAdmin.headers,
      });
      expect(res.statusCode, res.body).toBe(200);
      calls = (res.json() as { calls: typeof calls }).calls;
      if (calls.length < 2) await new Promise((r) => setTimeout(r, 20));
    }
    expect(calls.map((c) => [c.keyId, c.method, c.route, c.status])).toEqual([
      [id, 'GET', '/api/v1/matters/:id', 200],
      [id, 'GET', '/api/v1/matters', 200],
    ]);
    expect(calls[0]!.ip).toBe('127.0.0.1');
    // The call log is the developer portal's: a lawyer is refused.
    expect(
      (await t.inject({ method: 'GET', url: '/api/v1/developer/calls', headers: lawyer.headers })).statusCode,
    ).toBe(403);
  });

  it('should refuse a key in the query string, whatever the parameter is called', async () => {
    const { key } = await createKey(apiAdmin, { name: 'Leaky', mode: 'live', scopes: ['matters:read'] });
    for (const url of [
      `/api/v1/matters?api_key=${key}`,
      `/api/v1/matters?apiKey=${key}`,
      `/api/v1/matters?q=${encodeURIComponent(key)}`,
      `/api/v1/matters?x-api-key=anything`,
    ]) {
      const res = await t.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().code).toBe('API_KEY_IN_QUERY');
    }
  });

  it('should answer 401 to an unknown, malformed, revoked or expired key, revocation holding from the next request', async () => {
    for (const bogus of ['chk_live_' + 'A'.repeat(43), 'chk_test_short', 'sk_live_123']) {
      const res = await t.inject({ method: 'GET', url: '/api/v1/matters', headers: withKey(bogus) });
      expect(res.statusCode, bogus).toBe(401);
      expect(res.json().code).toBe('API_KEY_INVALID');
    }
    const { id, key } = await createKey(apiAdmin, { name: 'Soon gone', mode: 'live', scopes: ['matters:read'] });
    expect((await t.inject({ method: 'GET', url: '/api/v1/matters', headers: withKey(key) })).statusCode).toBe(200);
    const del = await t.inject({ method: 'DELETE', url: `/api/v1/developer/keys/${id}`, headers: apiAdmin.headers });
    expect(del.statusCode).toBe(204);
    const after = await t.inject({ method: 'GET', url: '/api/v1/matters', headers: withKey(key) });
    expect(after.statusCode).toBe(401);

    const expiring = await createKey(apiAdmin, {
      name: 'Expiring',
      mode: 'live',
      scopes: ['matters:read'],
      expiresInDays: 1,
    });
    expect(expiring.expiresAt).not.toBeNull();
    await unsafeWithOwner(t.ctx.db, (tx) =>
      sql`UPDATE chambers.api_keys SET expires_at = now() - interval '1 second' WHERE id = ${expiring.id}`.execute(tx),
    );
    expect((await t.inject({ method: 'GET', url: '/api/v1/matters', headers: withKey(expiring.key) })).statusCode).toBe(
      401,
    );
  });

  it("should keep one organization's key out of another's data, and its keys out of reach", async () => {
    const matterId = await openMatter('Private to the first firm');
    const { key } = await createKey(otherAdmin, { name: 'Other', mode: 'live', scopes: ['matters:read'] });
    const one = await t.inject({ method: 'GET', url: `/api/v1/matters/${matterId}`, headers: withKey(key) });
    expect(one.statusCode).toBe(404);
    const list = await t.inject({ method: 'GET', url: '/api/v1/matters', headers: withKey(key) });
    expect((list.json() as { matters: Array<{ id: string }> }).matters.map((m) => m.id)).not.toContain(matterId);
    const mine = await createKey(apiAdmin, { name: 'Mine', mode: 'live', scopes: ['matters:read'] });
    const revoke = await t.inject({
      method: 'DELETE',
      url: `/api/v1/developer/keys/${mine.id}`,
      headers: otherAdmin.headers,
    });
    expect(revoke.statusCode).toBe(404);
    expect((await t.inject({ method: 'GET', url: '/api/v1/matters', headers: withKey(mine.key) })).statusCode).toBe(
      200,
    );
  });

  it('should answer 403 SCOPE_MISSING outside the scopes, and never let a key reach the developer portal or admin routes', async () => {
    const { key } = await createKey(apiAdmin, { name: 'Read only', mode: 'live', scopes: ['matters:read'] });
    const matterId = await openMatter('Held');
    const refused = [
      { method: 'POST' as const, url: '/api/v1/matters', payload: { title: 'Nope' } },
      { method: 'GET' as const, url: '/api/v1/developer/keys' },
      {
        method: 'POST' as const,
        url: '/api/v1/developer/keys',
        payload: { name: 'x', mode: 'live', scopes: ['matters:write'] },
      },
      { method: 'PUT' as const, url: `/api/v1/matters/${matterId}/legal-hold`, payload: { hold: false } },
      { method: 'GET' as const, url: `/api/v1/matters/${matterId}/documents` },
    ];
    for (const r of refused) {
      const res = await t.inject({ ...r, headers: withKey(key) });
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(403);
      expect(res.json().code).toBe('SCOPE_MISSING');
    }
    const writer = await createKey(apiAdmin, { name: 'Writer', mode: 'live', scopes: ['matters:write'] });
    const created = await t.inject({
      method: 'POST',
      url: '/api/v1/matters',
      headers: withKey(writer.key),
      payload: { title: 'Opened by the integration' },
    });
    expect(created.statusCode, created.body).toBe(201);
  });

  it('should let a test key see and make test data only', async () => {
    const liveMatter = await openMatter('Live client matter');
    const test = await createKey(apiAdmin, {
      name: 'Sandbox',
      mode: 'test',
      scopes: ['matters:read', 'matters:write'],
    });
    expect(test.key).toMatch(/^chk_test_/);
    const made = await t.inject({
      method: 'POST',
      url: '/api/v1/matters',
      headers: withKey(test.key),
      payload: { title: 'Sandbox matter' },
    });
    expect(made.statusCode, made.body).toBe(201);
    const testMatter = (made.json() as { id: string }).id;
    const seen = await t.inject({ method: 'GET', url: '/api/v1/matters?status=all', headers: withKey(test.key) });
    expect((seen.json() as { matters: Array<{ id: string }> }).matters.map((m) => m.id)).toEqual([testMatter]);
    expect(
      (await t.inject({ method: 'GET', url: `/api/v1/matters/${liveMatter}`, headers: withKey(test.key) })).statusCode,
    ).toBe(404);
    const flagged = await unsafeWithOwner(t.ctx.db, (tx) =>
      sql<{ test_data: boolean }>`SELECT test_data FROM chambers.matters WHERE id = ${testMatter}`.execute(tx),
    );
    expect(flagged.rows[0]!.test_data).toBe(true);
  });

  it('should rate-limit each key with a token bucket (10/s, burst 20 unless set) and say when to retry', async () => {
    const byDefault = await createKey(apiAdmin, { name: 'Default', mode: 'live', scopes: ['matters:read'] });
    const list = await t.inject({ method: 'GET', url: '/api/v1/developer/keys', headers: apiAdmin.headers });
    expect((list.json() as { keys: Array<{ id: string }> }).keys.find((k) => k.id === byDefault.id)).toMatchObject({
      ratePerSecond: 10,
      burst: 20,
    });
    // A slow bucket, so the refill cannot keep up with the requests however slow the machine is.
    const { key } = await createKey(apiAdmin, {
      name: 'Hammer',
      mode: 'live',
      scopes: ['matters:read'],
      ratePerSecond: 1,
      burst: 5,
    });
    const statuses: number[] = [];
    let retryAfter: string | undefined;
    for (let i = 0; i < 12; i++) {
      const res = await t.inject({ method: 'GET', url: '/api/v1/matters?limit=1', headers: withKey(key) });
      statuses.push(res.statusCode);
      if (res.statusCode === 429) {
        retryAfter = String(res.headers['retry-after']);
        expect(res.json().code).toBe('RATE_LIMITED');
      }
    }
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses).toContain(429);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  });

  it('should keep an api_admin in the developer portal', async () => {
    expect((await t.inject({ method: 'GET', url: '/api/v1/me', headers: apiAdmin.headers })).statusCode).toBe(200);
    for (const url of ['/api/v1/matters', '/api/v1/documents', '/api/v1/audit/events']) {
      const res = await t.inject({ method: 'GET', url, headers: apiAdmin.headers });
      expect(res.statusCode, url).toBe(403);
      expect(res.json().code, url).toBe('PORTAL_FORBIDDEN');
    }
  });

  it('should mark in the OpenAPI document which operations take a key, and with which scope', async () => {
    const doc = (await t.inject({ method: 'GET', url: '/api/openapi.json' })).json() as {
      components: { securitySchemes: Record<string, { type: string; in?: string; name?: string }> };
      paths: Record<string, Record<string, { security?: Array<Record<string, string[]>>; 'x-api-key-scope'?: string }>>;
    };
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-Api-Key' });
    const list = doc.paths['/api/v1/matters']!.get!;
    expect(list['x-api-key-scope']).toBe('matters:read');
    expect(list.security).toEqual([{ bearer: [] }, { apiKey: ['matters:read'] }]);
    expect(doc.paths['/api/v1/matters']!.post!['x-api-key-scope']).toBe('matters:write');
    expect(doc.paths['/api/v1/developer/keys']!.post!['x-api-key-scope']).toBeUndefined();
  });
});
