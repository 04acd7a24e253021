import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInMember, startTestApp, type TestApp } from '../../../test/helpers/test-app.ts';
import { unsafeReadAsOwner, withTenant, withTenantRead } from './tenant.ts';

/**
 * The one-round-trip read (withTenantRead) keeps every guarantee of a tenant
 * transaction: row-level security with the caller's organization, nothing written,
 * and never a statement outside the transaction. Attacked on both engines.
 */
describe('one-read tenant transactions', () => {
  let t: TestApp;
  let a: Awaited<ReturnType<typeof signedInMember>>;
  let b: Awaited<ReturnType<typeof signedInMember>>;
  beforeAll(async () => {
    t = await startTestApp();
    a = await signedInMember(t);
    b = await signedInMember(t);
    for (const m of [a, b]) {
      const res = await t.inject({
        method: 'POST',
        url: '/api/v1/matters',
        headers: m.headers,
        payload: { title: `Matter of ${m.orgId}` },
      });
      expect(res.statusCode, res.body).toBe(201);
    }
  });
  afterAll(() => t.close());

  const tenantOf = (m: typeof a) => ({ orgId: m.orgId, userId: m.userId });
  const countMatters = () =>
    unsafeReadAsOwner(t.ctx.db, async (tx) => {
      const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM chambers.matters`.execute(tx);
      return rows[0]!.n;
    });

  it("sees its own organization's rows only", async () => {
    const titles = await withTenantRead(t.ctx.db, tenantOf(a), (tx) =>
      tx.selectFrom('chambers.matters').select(['title', 'org_id']).execute(),
    );
    expect(titles.length).toBeGreaterThan(0);
    expect(titles.every((r) => r.org_id === a.orgId)).toBe(true);
  });

  it('refuses a write: the transaction is read-only on the server', async () => {
    const before = await countMatters();
    await expect(
      withTenantRead(t.ctx.db, tenantOf(a), (tx) =>
        tx
          .insertInto('chambers.matters')
          .values({ org_id: a.orgId, title: 'Smuggled', created_by: a.userId })
          .execute(),
      ),
    ).rejects.toThrow(/read-only transaction/);
    expect(await countMatters()).toBe(before);
  });

  it('refuses a second statement rather than run it without the settings', async () => {
    await expect(
      withTenantRead(t.ctx.db, tenantOf(a), async (tx) => {
        await tx.selectFrom('chambers.matters').select('id').execute();
        // Were this run after the first statement's COMMIT, it would run without the tenant settings.
        return tx.selectFrom('chambers.matters').select('id').execute();
      }),
    ).rejects.toThrow(/second statement/);
    // The connection is whole again for the next transaction, with its own tenant.
    const rows = await withTenant(t.ctx.db, tenantOf(b), (tx) =>
      tx.selectFrom('chambers.matters').select('org_id').execute(),
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.org_id === b.orgId)).toBe(true);
  });
});
