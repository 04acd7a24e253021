/**
 * Test data and test endpoints. Attack: an integration under development (a test key,
 * a test webhook endpoint) reaching or announcing the firm's real client matters, or
 * a lawyer deciding on their own what a sandbox may see. Only an org_admin marks a
 * matter as test data; test keys see only test data; events about test data go to
 * test endpoints only, and events about live data to live endpoints only.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInMember, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { withTenant } from '../platform/db/index.ts';
import { publishWebhookEvent } from './webhook-events.ts';

type Member = Awaited<ReturnType<typeof signedInMember>>;

/** A loopback receiver that answers 204 and keeps the event types and matter ids it got. */
async function receiver() {
  const got: Array<{ type: string; matterId?: string }> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { type: string; data: { matterId?: string } };
      got.push({ type: body.type, ...(body.data.matterId ? { matterId: body.data.matterId } : {}) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { got, url: `http://127.0.0.1:${port}/hook`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

async function until(what: string, check: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('test data', () => {
  let t: TestApp;
  let admin: Member;
  let dev: Member;
  let lawyer: Member;
  let testKey: string;
  let liveKey: string;
  beforeAll(async () => {
    t = await startTestApp({ env: { SSRF_ALLOW_HOSTS: '127.0.0.1', WEBHOOK_DISPATCH_MS: '50' } });
    admin = await signedInMember(t, { role: 'org_admin' });
    dev = await signedInMember(t, { role: 'api_admin', orgId: admin.orgId });
    lawyer = await signedInMember(t, { role: 'lawyer', orgId: admin.orgId });
    const key = async (mode: 'live' | 'test') => {
      const res = await t.inject({
        method: 'POST',
        url: '/api/v1/developer/keys',
        headers: dev.headers,
        payload: { name: mode, mode, scopes: ['matters:read', 'matters:write'] },
      });
      expect(res.statusCode, res.body).toBe(201);
      return (res.json() as { key: string }).key;
    };
    testKey = await key('test');
    liveKey = await key('live');
  });
  afterAll(async () => t?.close());

  const openMatter = async (title: string, headers: Record<string, string> = lawyer.headers) => {
    const res = await t.inject({ method: 'POST', url: '/api/v1/matters', headers, payload: { title } });
    expect(res.statusCode, res.body).toBe(201);
    return (res.json() as { id: string }).id;
  };
  const mark = (matterId: string, testData: unknown, headers: Record<string, string> = admin.headers) =>
    t.inject({ method: 'PUT', url: `/api/v1/matters/${matterId}/test-data`, headers, payload: { testData } });
  const seenBy = async (key: string, matterId: string) =>
    (await t.inject({ method: 'GET', url: `/api/v1/matters/${matterId}`, headers: { 'x-api-key': key } })).statusCode;

  it('should let an org_admin mark an existing matter as test data, and back, and test keys follow', async () => {
    const matterId = await openMatter('Training file');
    expect(await seenBy(testKey, matterId)).toBe(404);
    const marked = await mark(matterId, true);
    expect(marked.statusCode, marked.body).toBe(200);
    expect(marked.json()).toEqual({ id: matterId, testData: true });
    expect(await seenBy(testKey, matterId)).toBe(200);
    expect(await seenBy(liveKey, matterId)).toBe(200);
    expect((await mark(matterId, false)).json()).toEqual({ id: matterId, testData: false });
    expect(await seenBy(testKey, matterId)).toBe(404);
  });

  it('should refuse a lawyer, an api_admin, a key, another organization and a bad body', async () => {
    const matterId = await openMatter('Real client');
    expect((await mark(matterId, true, lawyer.headers)).statusCode).toBe(403);
    expect((await mark(matterId, true, dev.headers)).statusCode).toBe(403);
    const byKey = await mark(matterId, true, { 'x-api-key': liveKey });
    expect(byKey.statusCode).toBe(403);
    expect(byKey.json().code).toBe('SCOPE_MISSING');
    const stranger = await signedInMember(t, { role: 'org_admin' });
    const elsewhere = await mark(matterId, true, stranger.headers);
    expect(elsewhere.statusCode).toBe(404);
    expect(elsewhere.json().code).toBe('NOT_FOUND');
    for (const bad of ['yes', null, 1]) expect((await mark(matterId, bad)).statusCode, String(bad)).toBe(400);
    expect(await seenBy(testKey, matterId)).toBe(404);
  });

  it('should send events about test data to test endpoints only, and live events to live endpoints only', async () => {
    const live = await receiver();
    const test = await receiver();
    try {
      for (const [mode, rx] of [
        ['live', live],
        ['test', test],
      ] as const) {
        const res = await t.inject({
          method: 'POST',
          url: '/api/v1/developer/webhooks',
          headers: dev.headers,
          payload: { url: rx.url, mode, events: ['matter.created', 'document.deleted'] },
        });
        expect(res.statusCode, res.body).toBe(201);
      }
      const list = await t.inject({ method: 'GET', url: '/api/v1/developer/webhooks', headers: dev.headers });
      expect((list.json() as { webhooks: Array<{ mode: string }> }).webhooks.map((w) => w.mode).sort()).toEqual([
        'live',
        'test',
      ]);

      const liveMatter = await openMatter('Live matter');
      const sandboxMatter = await openMatter('Sandbox matter', { 'x-api-key': testKey });
      // A lawyer's change to a matter marked as test data is a test event too, whoever made it.
      const marked = await openMatter('Marked later');
      expect((await mark(marked, true)).statusCode).toBe(200);
      await withTenant(t.ctx.db, { orgId: admin.orgId, userId: lawyer.userId }, (tx) =>
        publishWebhookEvent(tx, admin.orgId, 'document.deleted', { matterId: marked, documentId: 'd-1' }),
      );

      await until('the deliveries', () => live.got.length >= 2 && test.got.length >= 2);
      await new Promise((r) => setTimeout(r, 300));
      expect(live.got).toEqual(
        expect.arrayContaining([
          { type: 'matter.created', matterId: liveMatter },
          { type: 'matter.created', matterId: marked },
        ]),
      );
      expect(live.got).toHaveLength(2);
      expect(test.got).toEqual(
        expect.arrayContaining([
          { type: 'matter.created', matterId: sandboxMatter },
          { type: 'document.deleted', matterId: marked },
        ]),
      );
      expect(test.got).toHaveLength(2);
    } finally {
      await live.close();
      await test.close();
    }
  });
});
