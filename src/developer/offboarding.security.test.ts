/**
 * Attack: a developer leaves the firm (or is suspended) and keeps calling the API with
 * a key they made, which acts as them. A suspended member's keys are refused while the
 * suspension lasts; a removed member's keys are revoked for good, even if the person is
 * invited back. Their webhook endpoints keep working: an endpoint is the firm's
 * integration (its receiver and secret live in the firm's systems, and a delivery
 * carries ids only), so switching it off would break the firm, not the leaver.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInMember, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { unsafeWithOwner } from '../platform/db/index.ts';

type Member = Awaited<ReturnType<typeof signedInMember>>;

describe('API keys and webhooks of a member who leaves', () => {
  let t: TestApp;
  let admin: Member;
  let lawyer: Member;
  const got: string[] = [];
  let server: http.Server;
  let hookUrl: string;
  beforeAll(async () => {
    t = await startTestApp({ env: { SSRF_ALLOW_HOSTS: '127.0.0.1', WEBHOOK_DISPATCH_MS: '50' } });
    admin = await signedInMember(t, { role: 'org_admin' });
    lawyer = await signedInMember(t, { role: 'lawyer', orgId: admin.orgId });
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        got.push((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { type: string }).type);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(async () => {
    await t?.close();
    await new Promise<void>((r) => server?.close(() => r()));
  });

  const member = (dev: Member, action: 'suspend' | 'reactivate') =>
    t.inject({
      method: 'POST',
      url: `/api/v1/orgs/${admin.orgId}/members/${dev.userId}/${action}`,
      headers: admin.headers,
    });
  const list = (key: string) => t.inject({ method: 'GET', url: '/api/v1/matters', headers: { 'x-api-key': key } });
  const makeKey = async (dev: Member) => {
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/developer/keys',
      headers: dev.headers,
      payload: { name: 'Practice sync', mode: 'live', scopes: ['matters:read'] },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; key: string };
  };

  it("should refuse a suspended member's key until the suspension is lifted", async () => {
    const dev = await signedInMember(t, { role: 'api_admin', orgId: admin.orgId });
    const { key } = await makeKey(dev);
    expect((await list(key)).statusCode).toBe(200);
    expect((await member(dev, 'suspend')).statusCode).toBe(204);
    const refused = await list(key);
    expect(refused.statusCode).toBe(401);
    expect(refused.json().code).toBe('API_KEY_INVALID');
    expect((await member(dev, 'reactivate')).statusCode).toBe(204);
    expect((await list(key)).statusCode).toBe(200);
  });

  it("should revoke a removed member's keys for good, and keep delivering to their webhook endpoints", async () => {
    const dev = await signedInMember(t, { role: 'api_admin', orgId: admin.orgId });
    const { id, key } = await makeKey(dev);
    const hook = await t.inject({
      method: 'POST',
      url: '/api/v1/developer/webhooks',
      headers: dev.headers,
      payload: { url: hookUrl, events: ['matter.created'] },
    });
    expect(hook.statusCode, hook.body).toBe(201);
    const hookId = (hook.json() as { id: string }).id;

    const removed = await t.inject({
      method: 'DELETE',
      url: `/api/v1/orgs/${admin.orgId}/members/${dev.userId}`,
      headers: admin.headers,
    });
    expect(removed.statusCode, removed.body).toBe(204);
    expect((await list(key)).statusCode).toBe(401);

    // The portal shows the key as revoked, to the admins who remain.
    const keys = await t.inject({ method: 'GET', url: '/api/v1/developer/keys', headers: admin.headers });
    const view = (keys.json() as { keys: Array<{ id: string; revokedAt: string | null }> }).keys.find(
      (k) => k.id === id,
    );
    expect(view?.revokedAt).not.toBeNull();

    // Invited back, the person gets a new membership, not their old key.
    await unsafeWithOwner(t.ctx.db, (tx) =>
      sql`INSERT INTO chambers.memberships (org_id, user_id, role) VALUES (${admin.orgId}, ${dev.userId}, 'api_admin')`.execute(
        tx,
      ),
    );
    expect((await list(key)).statusCode).toBe(401);

    // The endpoint is the firm's: still active, still delivered to.
    const endpoint = await t.inject({
      method: 'GET',
      url: `/api/v1/developer/webhooks/${hookId}`,
      headers: admin.headers,
    });
    expect(endpoint.json()).toMatchObject({ id: hookId, status: 'active' });
    const opened = await t.inject({
      method: 'POST',
      url: '/api/v1/matters',
      headers: lawyer.headers,
      payload: { title: 'After the developer left' },
    });
    expect(opened.statusCode).toBe(201);
    const deadline = Date.now() + 15_000;
    while (!got.includes('matter.created') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    expect(got).toContain('matter.created');
  });
});
