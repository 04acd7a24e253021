import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInMember, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { withTenant } from '../platform/db/tenant.ts';

/** Audit writes share short transactions under load (group commit); each event still lands, under its own organization's RLS. */
describe('audit writes under concurrency', () => {
  let t: TestApp;
  let a: Awaited<ReturnType<typeof signedInMember>>;
  let b: Awaited<ReturnType<typeof signedInMember>>;
  beforeAll(async () => {
    t = await startTestApp();
    a = await signedInMember(t, { role: 'org_admin' });
    b = await signedInMember(t, { role: 'org_admin' });
  });
  afterAll(async () => t?.close());

  const owner = <R>(q: ReturnType<typeof sql<R>>) =>
    t.ctx.db.owner.transaction().execute(async (tx) => (await q.execute(tx)).rows);

  it('should commit 120 concurrent events from two organizations and none, in fewer transactions than events', async () => {
    const who = [a, b, null] as const;
    await Promise.all(
      Array.from({ length: 120 }, (_, i) => {
        const m = who[i % 3]!;
        return t.ctx.audit.record({
          action: 'matter.view',
          outcome: 'success',
          orgId: m?.orgId ?? null,
          actorId: m?.userId ?? null,
          requestId: `gc-${i}`,
        });
      }),
    );
    const rows = await owner(
      sql<{
        n: number;
        tx: number;
        orgs: number;
      }>`SELECT count(*)::int AS n, count(DISTINCT xmin::text)::int AS tx, count(DISTINCT org_id)::int AS orgs FROM audit.events WHERE request_id LIKE 'gc-%'`,
    );
    expect(rows[0]).toMatchObject({ n: 120, orgs: 2 });
    expect(rows[0]!.tx).toBeLessThan(120);
    // Each organization's admin reads exactly its own 40 through RLS.
    const own = await withTenant(
      t.ctx.db,
      { orgId: a.orgId, userId: a.userId },
      async (tx) =>
        (await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit.events WHERE request_id LIKE 'gc-%'`.execute(tx))
          .rows[0]!.n,
    );
    expect(own).toBe(40);
    // Every event keeps its own time, not its transaction's start.
    const times = await owner(
      sql<{ d: number }>`SELECT count(DISTINCT at)::int AS d FROM audit.events WHERE request_id LIKE 'gc-%'`,
    );
    expect(times[0]!.d).toBeGreaterThan(1);
  });

  it('should let one bad event fail alone and commit the others of its batch', async () => {
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        t.ctx.audit.record({
          action: 'matter.view',
          outcome: 'success',
          orgId: a.orgId,
          actorId: a.userId,
          requestId: `bad-${i}`,
          target: i === 7 ? 'x'.repeat(301) : `matter:${i}`,
        }),
      ),
    );
    const rows = await owner(
      sql<{ request_id: string }>`SELECT request_id FROM audit.events WHERE request_id LIKE 'bad-%'`,
    );
    expect(rows).toHaveLength(29);
    expect(rows.map((r) => r.request_id)).not.toContain('bad-7');
  });

  it("should refuse, through RLS, an event for another organization than the one the writer's transaction is set to", async () => {
    // The group writer sets each organization before its insert; a writer that did not would be refused here.
    await expect(
      withTenant(t.ctx.db, { orgId: a.orgId, userId: a.userId }, (tx) =>
        tx
          .insertInto('audit.events')
          .values({ org_id: b.orgId, actor_id: a.userId, action: 'matter.view', outcome: 'success', details: '{}' })
          .execute(),
      ),
    ).rejects.toThrow(/row-level security/);
  });
});
