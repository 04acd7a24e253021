/**
 * Attack: an insider (or another firm) uses the one search box to learn what row-level security
 * hides: another organization's matters and clients, a matter behind an ethical wall, a judge's
 * token reaching the lawyer portal, or LIKE wildcards and quotes that match everything. And the
 * audit log must record each search without its words: a search for a client's name names the client.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInMember, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { unsafeWithOwner } from '../platform/db/index.ts';

type Member = Awaited<ReturnType<typeof signedInMember>>;

describe('search isolation', () => {
  let t: TestApp;
  let victimAdmin: Member;
  let outsider: Member;
  let stranger: Member;
  beforeAll(async () => {
    t = await startTestApp();
    victimAdmin = await signedInMember(t, { role: 'org_admin', orgName: 'Victim LLP' });
    outsider = await signedInMember(t, { role: 'lawyer', orgId: victimAdmin.orgId });
    stranger = await signedInMember(t, { role: 'lawyer', orgName: 'Rival LLP' });
    const walled = await t.inject({
      method: 'POST',
      url: '/api/v1/matters',
      headers: victimAdmin.headers,
      payload: { title: 'Hostile bid for Öhlmann AG', reference: 'HB-1' },
    });
    await t.inject({
      method: 'PUT',
      url: `/api/v1/matters/${walled.json().id}/wall`,
      headers: victimAdmin.headers,
      payload: { memberIds: [victimAdmin.userId] },
    });
    await t.inject({
      method: 'POST',
      url: '/api/v1/clients',
      headers: victimAdmin.headers,
      payload: { kind: 'company', name: 'Öhlmann Holding' },
    });
  });
  afterAll(async () => t?.close());

  const search = (who: Member, q: string) =>
    t.inject({ method: 'GET', url: `/api/v1/search?q=${encodeURIComponent(q)}`, headers: who.headers });

  it("should give another organization nothing, whatever the query's wildcards or quotes", async () => {
    for (const q of ['ohlmann', '%', '_', "' OR 1=1 --", '\\', '%%_%', 'a']) {
      const res = await search(stranger, q);
      expect(res.statusCode, q).toBe(200);
      expect(res.json().results, q).toEqual([]);
    }
  });

  it('should hide a walled matter from a member outside the wall, but not the firm-wide client', async () => {
    const res = await search(outsider, 'ohlmann');
    expect(res.json().results.map((r: { type: string }) => r.type)).toEqual(['client']);
    expect(res.body).not.toContain('Hostile bid');
    const admin = await search(victimAdmin, 'ohlmann');
    expect(
      admin
        .json()
        .results.map((r: { type: string }) => r.type)
        .sort(),
    ).toEqual(['client', 'matter']);
  });

  it('should keep a judge out of the lawyer portal and an anonymous caller out altogether', async () => {
    const judge = await signedInMember(t, { role: 'judge', kind: 'court' });
    expect((await search(judge, 'ohlmann')).statusCode).toBe(403);
    expect((await t.inject({ method: 'GET', url: '/api/v1/search?q=ohlmann' })).statusCode).toBe(401);
  });

  it('should record each search as its length and keyed hash, never its words', async () => {
    const needle = `needle${Math.random().toString(36).slice(2, 10)}`;
    expect((await search(outsider, needle)).statusCode).toBe(200);
    const { rows } = await unsafeWithOwner(t.ctx.db, (tx) =>
      sql<{ details: Record<string, unknown>; text: string }>`
        SELECT details, e::text AS text FROM audit.events e
         WHERE action = 'workspace.search' AND actor_id = ${outsider.userId} ORDER BY id DESC LIMIT 1`.execute(tx),
    );
    expect(rows[0]?.details).toMatchObject({ queryLength: needle.length, results: 0 });
    expect(rows[0]?.text).not.toContain(needle);
  });
});
