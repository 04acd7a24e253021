/**
 * The contract an integration programs against, driven the way an integration does:
 * a TypeScript client generated from the OpenAPI document (openapi-fetch over the
 * openapi-typescript types in web/src/api/schema.d.ts, which `npm run lint` keeps equal
 * to the server's document) against a real listening server. A renamed path, field or
 * parameter breaks this file's type check before it breaks a firm's integration.
 */
import type { AddressInfo } from 'node:net';
import createClient, { type Client } from 'openapi-fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { paths } from '../../web/src/api/schema.d.ts';
import { signedInMember, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';

describe('the generated client against a listening server', () => {
  let t: TestApp;
  let portal: Client<paths>;
  let baseUrl: string;
  beforeAll(async () => {
    t = await startTestApp({ env: { SSRF_ALLOW_HOSTS: '127.0.0.1' } });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    const dev = await signedInMember(t, { role: 'api_admin' });
    portal = createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${dev.accessToken}` } });
  });
  afterAll(async () => t?.close());

  it('should make a key in the portal, then read and write matters with it, and find every call on record', async () => {
    const made = await portal.POST('/api/v1/developer/keys', {
      body: { name: 'Practice management', mode: 'live', scopes: ['matters:read', 'matters:write'] },
    });
    expect(made.response.status).toBe(201);
    const key = made.data!;
    expect(key.key).toMatch(/^chk_live_/);

    const integration = createClient<paths>({ baseUrl, headers: { 'x-api-key': key.key } });
    const opened = await integration.POST('/api/v1/matters', { body: { title: 'Opened by the integration' } });
    expect(opened.response.status, JSON.stringify(opened.error)).toBe(201);
    const matterId = opened.data!.id;
    const one = await integration.GET('/api/v1/matters/{id}', { params: { path: { id: matterId } } });
    expect(one.data?.title).toBe('Opened by the integration');
    const list = await integration.GET('/api/v1/matters');
    expect(list.data?.matters.map((m) => m.id)).toContain(matterId);

    // Out of scope: the problem document is typed too.
    const refused = await integration.GET('/api/v1/developer/keys');
    expect(refused.response.status).toBe(403);
    expect(refused.error).toMatchObject({ code: 'SCOPE_MISSING' });

    let calls: Array<{ route: string; status: number; keyId: string }> = [];
    for (let i = 0; i < 50 && calls.length < 4; i++) {
      const res = await portal.GET('/api/v1/developer/calls', { params: { query: { keyId: key.id } } });
      calls = res.data?.calls ?? [];
      if (calls.length < 4) await new Promise((r) => setTimeout(r, 25));
    }
    expect(calls.map((c) => [c.route, c.status])).toEqual([
      ['/api/v1/developer/keys', 403],
      ['/api/v1/matters', 200],
      ['/api/v1/matters/:id', 200],
      ['/api/v1/matters', 201],
    ]);

    const keys = await portal.GET('/api/v1/developer/keys');
    const view = keys.data?.keys.find((k) => k.id === key.id);
    expect(view).toMatchObject({ prefix: key.prefix, dailyQuota: 100_000, ratePerSecond: 10, burst: 20 });
    expect(view?.lastUsedAt).not.toBeNull();

    const revoked = await portal.DELETE('/api/v1/developer/keys/{id}', { params: { path: { id: key.id } } });
    expect(revoked.response.status).toBe(204);
    const after = await integration.GET('/api/v1/matters');
    expect(after.response.status).toBe(401);
    expect(after.error).toMatchObject({ code: 'API_KEY_INVALID' });
  });

  it('should manage a webhook endpoint with a test mode through the same client', async () => {
    const made = await portal.POST('/api/v1/developer/webhooks', {
      body: { url: 'http://127.0.0.1:9/hook', mode: 'test', events: ['matter.created'] },
    });
    expect(made.response.status, JSON.stringify(made.error)).toBe(201);
    const { id, secret } = made.data!;
    expect(secret).toMatch(/^whsec_/);
    const one = await portal.GET('/api/v1/developer/webhooks/{id}', { params: { path: { id } } });
    expect(one.data).toMatchObject({ id, mode: 'test', status: 'active' });
    const rotated = await portal.POST('/api/v1/developer/webhooks/{id}/rotate-secret', { params: { path: { id } } });
    expect(rotated.data?.secret).toMatch(/^whsec_/);
  });
});
