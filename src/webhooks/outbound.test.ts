import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInMember, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { SsrfError } from '../platform/outbound/index.ts';
import { deliverWebhook } from './outbound.ts';
import { matchSignature, parseSignatureHeader } from './signature.ts';

/**
 * Outbound deliveries go through the SSRF guard. The receiver here is Chambers
 * itself on a real port (its inbound endpoint verifies the signature), reached as
 * `localhost`, which only SSRF_ALLOW_HOSTS lets through.
 */
describe('outbound webhooks', () => {
  let t: TestApp;
  let port: number;
  let redirector: http.Server;
  let redirectorPort: number;
  beforeAll(async () => {
    t = await startTestApp({ env: { SSRF_ALLOW_HOSTS: 'localhost' } });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    port = (t.app.server.address() as AddressInfo).port;
    redirector = http.createServer((req, res) =>
      res.writeHead(307, { location: `http://localhost:${port}${req.url}` }).end(),
    );
    await new Promise<void>((r) => redirector.listen(0, '127.0.0.1', r));
    redirectorPort = (redirector.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((r) => redirector?.close(r));
    await t?.close();
  });

  const policy = () => ({ allowHosts: t.config.ssrfAllowHosts });

  it('should read SSRF_ALLOW_HOSTS from the environment', () => {
    expect(t.config.ssrfAllowHosts).toEqual(['localhost']);
  });

  it('should sign a delivery that a Chambers inbound endpoint verifies and accepts', async () => {
    const admin = await signedInMember(t, { role: 'org_admin' });
    const created = (
      await t.inject({
        method: 'POST',
        url: `/api/v1/orgs/${admin.orgId}/webhooks/integrations`,
        headers: admin.headers,
        payload: { name: 'Peer' },
      })
    ).json();
    const url = `http://localhost:${port}/api/v1/webhooks/inbound/${created.id}`;
    const event = { id: 'evt_outbound_1', type: 'matter.created', data: { matterId: 'm-1' } };
    const first = await deliverWebhook(url, event, created.secret, { policy: policy() });
    expect(first).toEqual({ status: 202, ok: true });
    // The same event again is a replay for the receiver; a wrong secret is refused.
    expect(await deliverWebhook(url, event, created.secret, { policy: policy() })).toEqual({ status: 401, ok: false });
    expect(await deliverWebhook(url, { ...event, id: 'evt_outbound_2' }, 'whsec_wrong', { policy: policy() })).toEqual({
      status: 401,
      ok: false,
    });
  });

  it('should send the signature headers over the exact body', async () => {
    let seen: { headers: http.IncomingHttpHeaders; body: string } | null = null;
    const receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen = { headers: req.headers, body };
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    try {
      const { port: p } = receiver.address() as AddressInfo;
      const now = new Date('2026-01-02T03:04:05Z');
      const res = await deliverWebhook(
        `http://localhost:${p}/hook`,
        { id: 'evt_x', type: 'ping', data: {} },
        'whsec_test',
        { policy: policy(), now },
      );
      expect(res).toEqual({ status: 204, ok: true });
      const got = seen as unknown as { headers: http.IncomingHttpHeaders; body: string };
      expect(got.headers['x-chambers-timestamp']).toBe(String(now.getTime() / 1000));
      expect(got.headers['x-chambers-event-id']).toBe('evt_x');
      expect(got.headers['content-type']).toBe('application/json');
      const offered = parseSignatureHeader(String(got.headers['x-chambers-signature']));
      expect(offered).not.toBeNull();
      expect(matchSignature(['whsec_test'], now.getTime() / 1000, Buffer.from(got.body), offered!)).not.toBeNull();
    } finally {
      await new Promise((r) => receiver.close(r));
    }
  });

  it('should refuse a local receiver that is not allow-listed, and not follow redirects', async () => {
    const event = { id: 'evt_blocked', type: 'ping', data: {} };
    await expect(
      deliverWebhook(`http://localhost:${port}/api/v1/webhooks/inbound/x`, event, 's'),
    ).rejects.toMatchObject({ code: 'SSRF_HOST_FORBIDDEN' });
    await expect(deliverWebhook(`http://127.0.0.1:${port}/`, event, 's')).rejects.toBeInstanceOf(SsrfError);
    await expect(
      deliverWebhook(`http://localhost:${redirectorPort}/anything`, event, 's', { policy: policy() }),
    ).rejects.toMatchObject({ code: 'SSRF_TOO_MANY_REDIRECTS' });
  });
});
