import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, login, signedInMember, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { leafHash } from '../transparency/merkle/index.ts';
import { unsafeWithOwner } from '../platform/db/index.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

type ListedEvent = {
  seq: number | null;
  action: string;
  actorId: string | null;
  ip: string | null;
  userAgent: string | null;
};
const UA = 'Reveal-Browser/2.0';

/**
 * The admin audit views show what a person's commitments stand for (the plain IP and user
 * agent), and "erased" once erasure destroyed the person's key; the stored rows, the
 * canonical leaf and the export bundle keep the commitments.
 */
describe('the admin audit views and personal data', () => {
  it('should show the plain IP and user agent to an admin, keep the commitments in the leaf and the bundle, and show "erased" after erasure', async () => {
    const admin = await signedInMember(t, { role: 'org_admin' });
    const m = await createMember(t, { role: 'lawyer', orgId: admin.orgId });
    const headers = { authorization: `Bearer ${(await login(t, m.email)).accessToken}`, 'user-agent': UA };
    const created = await t.inject({ method: 'POST', url: '/api/v1/matters', headers, payload: { title: 'Reveal' } });
    expect(created.statusCode, created.body).toBe(201);
    await t.ctx.auditSealer.sealNow({ checkpoint: true });

    const list = async () => {
      const res = await t.inject({
        method: 'GET',
        url: `/api/v1/audit/events?actor=${m.userId}`,
        headers: admin.headers,
      });
      expect(res.statusCode, res.body).toBe(200);
      return (res.json() as { events: ListedEvent[] }).events;
    };
    const before = await list();
    const create = before.find((e) => e.action === 'matter.create')!;
    expect(create).toMatchObject({ ip: '127.0.0.1', userAgent: UA });
    for (const e of before) expect(`${e.ip} ${e.userAgent}`).not.toContain('pii1:');

    // The single-event view: revealed fields, while the leaf (what proofs hash) keeps the commitment.
    const one = await t.inject({ method: 'GET', url: `/api/v1/audit/events/${create.seq}`, headers: admin.headers });
    expect(one.statusCode, one.body).toBe(200);
    const event = one.json() as ListedEvent & { leaf: string; leafHash: string };
    expect(event).toMatchObject({ ip: '127.0.0.1', userAgent: UA });
    expect(JSON.parse(event.leaf).ip).toMatch(/^pii1:/);
    expect(event.leaf).not.toContain(UA);
    expect(leafHash(Buffer.from(event.leaf)).toString('base64')).toBe(event.leafHash);

    // Stored rows and the export bundle: commitments only.
    const stored = await unsafeWithOwner(t.ctx.db, async (tx) => {
      const { rows } = await sql<{ ip: string | null; user_agent: string | null }>`
        SELECT ip, user_agent FROM audit.events WHERE seq = ${create.seq}`.execute(tx);
      return rows[0]!;
    });
    expect(stored.ip).toMatch(/^pii1:/);
    expect(stored.user_agent).toMatch(/^pii1:/);
    const bundle = await t.inject({ method: 'GET', url: '/api/v1/audit/export', headers: admin.headers });
    expect(bundle.statusCode, bundle.body.slice(0, 300)).toBe(200);
    expect(bundle.body).toContain(stored.ip!);
    expect(bundle.body).not.toContain(UA);

    // Erasure destroys the key: the admin now sees "erased", never the old values or a commitment.
    const erased = await t.inject({
      method: 'DELETE',
      url: '/api/v1/me',
      headers,
      payload: { password: m.password, confirmation: 'DELETE MY ACCOUNT' },
    });
    expect(erased.statusCode, erased.body).toBe(202);
    await t.ctx.auditSealer.sealNow({ checkpoint: true });
    const after = (await list()).filter((e) => e.seq !== null && e.seq <= create.seq!);
    expect(after.length).toBe(before.filter((e) => e.seq !== null).length);
    for (const e of after) {
      if (e.ip !== null) expect(e.ip).toBe('erased');
      if (e.userAgent !== null) expect(e.userAgent).toBe('erased');
    }
    expect(after.find((e) => e.seq === create.seq)).toMatchObject({ ip: 'erased', userAgent: 'erased' });
    const oneAfter = await t.inject({
      method: 'GET',
      url: `/api/v1/audit/events/${create.seq}`,
      headers: admin.headers,
    });
    expect(oneAfter.json()).toMatchObject({ ip: 'erased', userAgent: 'erased', leafHash: event.leafHash });
    expect(oneAfter.json().leaf).toBe(event.leaf);
  });

  it("should reveal nothing of another organization's people: the tenant read comes first", async () => {
    const adminA = await signedInMember(t, { role: 'org_admin' });
    const b = await signedInMember(t, { role: 'lawyer' });
    await t.inject({
      method: 'POST',
      url: '/api/v1/matters',
      headers: { ...b.headers, 'user-agent': 'Other-Org/1.0' },
      payload: { title: 'Theirs' },
    });
    await t.ctx.auditSealer.sealNow();
    const res = await t.inject({
      method: 'GET',
      url: `/api/v1/audit/events?actor=${b.userId}`,
      headers: adminA.headers,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().events).toEqual([]);
  });
});
