/**
 * Outbound webhooks against real local receivers: signatures a receiver verifies with
 * the standardwebhooks library (also across a secret rotation), retries with backoff
 * after 500s, 410 Gone and five failing days disabling an endpoint, and the SSRF guard
 * on every URL and redirect: an endpoint that is, resolves to, or redirects to a private
 * address receives nothing.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInMember, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { unsafeWithOwner } from '../platform/db/index.ts';
import { createWebhookDispatcher } from './webhook-dispatcher.ts';

type Received = { headers: http.IncomingHttpHeaders; body: string };
type Member = Awaited<ReturnType<typeof signedInMember>>;

/** A receiver on a loopback address that answers with whatever `answer` says, and keeps what it got. */
async function receiver(
  host = '127.0.0.1',
  answer: (n: number) => { status: number; location?: string } = () => ({ status: 204 }),
) {
  const got: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const a = answer(got.length);
      res.writeHead(a.status, a.location ? { location: a.location } : {});
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as AddressInfo).port;
  return { got, url: `http://${host}:${port}/hook`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('outbound webhooks', () => {
  let t: TestApp;
  let admin: Member;
  let lawyer: Member;
  beforeAll(async () => {
    t = await startTestApp({
      env: { SSRF_ALLOW_HOSTS: '127.0.0.1', WEBHOOK_DISPATCH_MS: '50', WEBHOOK_RETRY_BASE_MS: '100' },
    });
    admin = await signedInMember(t, { role: 'api_admin' });
    lawyer = await signedInMember(t, { role: 'lawyer', orgId: admin.orgId });
  });
  afterAll(async () => t?.close());

  const subscribe = async (url: string, events: string[] = ['matter.created']) => {
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/developer/webhooks',
      headers: admin.headers,
      payload: { url, events },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; secret: string };
  };
  const openMatter = async (title: string) => {
    const res = await t.inject({ method: 'POST', url: '/api/v1/matters', headers: lawyer.headers, payload: { title } });
    expect(res.statusCode, res.body).toBe(201);
    return (res.json() as { id: string }).id;
  };
  const deliveries = async (endpointId: string) => {
    const res = await t.inject({
      method: 'GET',
      url: `/api/v1/developer/webhooks/${endpointId}/deliveries`,
      headers: admin.headers,
    });
    expect(res.statusCode, res.body).toBe(200);
    return (
      res.json() as {
        deliveries: Array<{
          id: string;
          event: string;
          attempt: number;
          status: string;
          responseStatus: number | null;
        }>;
      }
    ).deliveries;
  };
  const endpoint = async (id: string) =>
    (await t.inject({ method: 'GET', url: `/api/v1/developer/webhooks/${id}`, headers: admin.headers })).json() as {
      status: string;
      disabledReason: string | null;
    };
  const unsubscribe = (id: string) =>
    t.inject({ method: 'DELETE', url: `/api/v1/developer/webhooks/${id}`, headers: admin.headers });

  it('should sign with whsec_ secrets the standardwebhooks library verifies, and retry a 500 until it is taken', async () => {
    const rx = await receiver('127.0.0.1', (n) => ({ status: n === 1 ? 500 : 200 }));
    const hook = await subscribe(rx.url);
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const matterId = await openMatter('Signed delivery');
    const [delivery] = await until('a delivered delivery', async () => {
      const d = await deliveries(hook.id);
      return d[0]?.status === 'delivered' ? d : null;
    });
    expect(delivery).toMatchObject({ event: 'matter.created', attempt: 2, responseStatus: 200 });
    expect(rx.got).toHaveLength(2);
    // Both attempts carry the same webhook-id, so the receiver can de-duplicate.
    expect(rx.got[0]!.headers['webhook-id']).toBe(rx.got[1]!.headers['webhook-id']);
    const last = rx.got[1]!;
    const payload = new Webhook(hook.secret).verify(last.body, last.headers as Record<string, string>) as {
      type: string;
      data: { matterId: string };
    };
    expect(payload).toMatchObject({ type: 'matter.created', data: { matterId } });
    expect(() =>
      new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`).verify(
        last.body,
        last.headers as Record<string, string>,
      ),
    ).toThrow();
    await unsubscribe(hook.id);
    await rx.close();
  });

  it('should send both signatures during a rotation, each verifiable with its own secret, and send test events on demand', async () => {
    const rx = await receiver();
    const hook = await subscribe(rx.url);
    const rotated = await t.inject({
      method: 'POST',
      url: `/api/v1/developer/webhooks/${hook.id}/rotate-secret`,
      headers: admin.headers,
    });
    expect(rotated.statusCode, rotated.body).toBe(200);
    const { secret } = rotated.json() as { secret: string };
    expect(secret).not.toBe(hook.secret);
    const test = await t.inject({
      method: 'POST',
      url: `/api/v1/developer/webhooks/${hook.id}/test`,
      headers: admin.headers,
    });
    expect(test.statusCode, test.body).toBe(202);
    const got = await until('the test event', async () => rx.got[0]);
    expect(String(got.headers['webhook-signature']).split(' ')).toHaveLength(2);
    for (const s of [hook.secret, secret])
      expect(new Webhook(s).verify(got.body, got.headers as Record<string, string>)).toMatchObject({
        type: 'webhook.test',
      });
    await unsubscribe(hook.id);
    await rx.close();
  });

  it('should disable an endpoint that answers 410 Gone', async () => {
    const rx = await receiver('127.0.0.1', () => ({ status: 410 }));
    const hook = await subscribe(rx.url);
    await openMatter('Gone');
    await until('the endpoint disabled', async () => (await endpoint(hook.id)).status === 'disabled');
    expect(await endpoint(hook.id)).toMatchObject({ status: 'disabled', disabledReason: 'gone' });
    expect((await deliveries(hook.id))[0]).toMatchObject({ status: 'failed', responseStatus: 410 });
    await openMatter('Not sent');
    await new Promise((r) => setTimeout(r, 300));
    expect(rx.got).toHaveLength(1);
    await rx.close();
  });

  it('should disable an endpoint failing for 5 days and mail its owner', async () => {
    const rx = await receiver('127.0.0.1', () => ({ status: 503 }));
    const hook = await subscribe(rx.url);
    await unsafeWithOwner(t.ctx.db, (tx) =>
      sql`UPDATE chambers.webhook_endpoints SET failing_since = now() - interval '5 days 1 minute' WHERE id = ${hook.id}`.execute(
        tx,
      ),
    );
    await openMatter('Still failing');
    await until('the endpoint disabled', async () => (await endpoint(hook.id)).status === 'disabled');
    expect((await endpoint(hook.id)).disabledReason).toBe('failing');
    const mail = await until('the owner mailed', async () =>
      (await t.mail()).find((m) => m.to.includes(admin.email) && /stopped sending/.test(m.subject)),
    );
    expect(mail.text).toContain(rx.url);
    await rx.close();
  });

  it('should refuse endpoint URLs that are, or resolve to, private addresses, and plain http', async () => {
    for (const url of [
      'https://10.0.0.1/hook',
      'https://127.0.0.2/hook',
      'https://[::1]/hook',
      'https://169.254.169.254/latest/meta-data',
      'https://localhost/hook',
      'https://2130706433/hook',
      'http://hooks.example.com/in',
      'ftp://example.com/x',
    ]) {
      const res = await t.inject({
        method: 'POST',
        url: '/api/v1/developer/webhooks',
        headers: admin.headers,
        payload: { url, events: ['matter.created'] },
      });
      expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, url).toBeLessThan(500);
    }
  });

  it('should send nothing to a private address reached by a redirect or by DNS changing after creation', async () => {
    const inside = await receiver('127.0.0.2');
    const redirecting = await receiver('127.0.0.1', () => ({ status: 307, location: inside.url }));
    const hook = await subscribe(redirecting.url);
    await openMatter('Redirected');
    const [d] = await until('the redirect attempt', async () => {
      const list = await deliveries(hook.id);
      return list[0] && list[0].attempt >= 1 ? list : null;
    });
    expect(d!.status).toBe('retrying');
    const attempts = await unsafeWithOwner(t.ctx.db, (tx) =>
      sql<{ error: string }>`SELECT a.error FROM chambers.webhook_delivery_attempts a
        JOIN chambers.webhook_deliveries d ON d.id = a.delivery_id WHERE d.endpoint_id = ${hook.id}`.execute(tx),
    );
    expect(attempts.rows[0]!.error).toBe('SSRF_ADDRESS_FORBIDDEN');
    await unsubscribe(hook.id);

    // Rebinding: the name was public when the endpoint was made; now it resolves inside.
    const rebound = await subscribe(redirecting.url);
    await unsafeWithOwner(t.ctx.db, (tx) =>
      sql`UPDATE chambers.webhook_endpoints SET url = 'https://hooks.rebind.test/in' WHERE id = ${rebound.id}`.execute(
        tx,
      ),
    );
    const dispatcher = createWebhookDispatcher(t.ctx, {
      resolve: async () => [{ address: '127.0.0.2', family: 4 }],
    });
    await openMatter('Rebound');
    await dispatcher.runOnce();
    await until('the rebound attempt', async () => (await deliveries(rebound.id))[0]?.attempt);
    expect(inside.got).toHaveLength(0);
    await unsubscribe(rebound.id);
    await redirecting.close();
    await inside.close();
  });

  it("should keep each organization's endpoints and deliveries to itself", async () => {
    const other = await signedInMember(t, { role: 'org_admin' });
    const rx = await receiver();
    const hook = await subscribe(rx.url);
    for (const [method, url] of [
      ['GET', `/api/v1/developer/webhooks/${hook.id}`],
      ['GET', `/api/v1/developer/webhooks/${hook.id}/deliveries`],
      ['DELETE', `/api/v1/developer/webhooks/${hook.id}`],
      ['POST', `/api/v1/developer/webhooks/${hook.id}/rotate-secret`],
    ] as const) {
      expect((await t.inject({ method, url, headers: other.headers })).statusCode, url).toBe(404);
    }
    expect(
      (await t.inject({ method: 'GET', url: '/api/v1/developer/webhooks', headers: lawyer.headers })).statusCode,
    ).toBe(403);
    await unsubscribe(hook.id);
    await rx.close();
  });
});
