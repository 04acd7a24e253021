import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantContext } from '../../src/platform/db/tenant.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import {
  INSUFFICIENT_PRIVILEGE,
  OWNER_ONLY_TABLES,
  TENANT_TABLES,
  USER_TABLES,
  appMay,
  catalogTables,
  coverageProblems,
  ownerSnapshot,
  probeAsTenant,
  runAsTenant,
  seedTenant,
  tableRef,
  type CatalogTable,
  type Tenant,
} from './fixtures.ts';

/**
 * Organization B's runtime connection tries to read, change, delete and plant
 * rows of organization A in every table, with raw SQL: the database itself, not
 * our repositories, must refuse. B acts as its own org_admin, the widest role a
 * tenant has, so admin-only policies are open as far as they ever open.
 */
describe('tenant isolation enforced by the database', () => {
  let t: TestApp;
  let a: Tenant;
  let b: Tenant;
  let asB: TenantContext;
  let tables: CatalogTable[];

  beforeAll(async () => {
    t = await startTestApp();
    a = await seedTenant(t, 'a');
    b = await seedTenant(t, 'b');
    asB = { orgId: b.orgId, userId: b.userId };
    tables = await catalogTables(t.ctx.db);
  });
  afterAll(async () => t?.close());

  it('should have an attack fixture for every table in the catalog, and a tenant fixture for every table with an org_id column', () => {
    // TENANT_TABLES, USER_TABLES (user-isolation.test.ts) or OWNER_ONLY_TABLES; org_id only in a tenant or owner-only table.
    expect(coverageProblems(tables)).toEqual([]);
    expect(tables.length).toBeGreaterThan(0);
  });

  it('should hold the coverage rule itself: an org_id table in no list, or only among the user tables, is reported; owner-only with org_id is accepted', () => {
    const lists = {
      tenant: { 'x.tenant': 1 },
      user: { 'x.user': 1, 'x.user_with_org': 1 },
      ownerOnly: { 'x.owner': 1, 'x.owner_with_org': 1 },
    };
    const catalog = [
      { qualified: 'x.tenant', hasOrgId: true },
      { qualified: 'x.user', hasOrgId: false },
      { qualified: 'x.user_with_org', hasOrgId: true },
      { qualified: 'x.owner', hasOrgId: false },
      { qualified: 'x.owner_with_org', hasOrgId: true },
      { qualified: 'x.forgotten_with_org', hasOrgId: true },
      { qualified: 'x.forgotten', hasOrgId: false },
    ];
    expect(coverageProblems(catalog, lists)).toEqual([
      'x.user_with_org has org_id but no entry in TENANT_TABLES (nor in OWNER_ONLY_TABLES)',
      'x.forgotten_with_org has org_id but no entry in TENANT_TABLES (nor in OWNER_ONLY_TABLES)',
      'x.forgotten is neither in TENANT_TABLES nor in USER_TABLES nor in OWNER_ONLY_TABLES',
    ]);
    expect(
      coverageProblems([{ qualified: 'x.tenant', hasOrgId: true }], {
        tenant: { 'x.tenant': 1 },
        user: {},
        ownerOnly: { 'x.tenant': 1, 'x.gone': 1 },
      }),
    ).toEqual([
      'x.tenant is in more than one of TENANT_TABLES, USER_TABLES and OWNER_ONLY_TABLES',
      'fixture x.gone names a table the catalog does not have',
    ]);
    // The real lists: the org_id table kept from every tenant is owner-only, and the user tables carry no org_id.
    expect(tables.find((x) => x.qualified === 'chambers.mfa_challenges')).toMatchObject({ hasOrgId: true });
    expect('chambers.mfa_challenges' in OWNER_ONLY_TABLES).toBe(true);
    for (const name of Object.keys(USER_TABLES))
      expect(
        tables.find((x) => x.qualified === name),
        name,
      ).toMatchObject({ hasOrgId: false });
  });

  it('should have rows of both organizations in every tenant table and rows in every owner-only table', async () => {
    const empty: string[] = [];
    for (const [table, fixture] of Object.entries(TENANT_TABLES)) {
      for (const tenant of [a, b]) {
        if ((await ownerSnapshot(t.ctx.db, table, fixture.rowsOf(tenant))).length === 0)
          empty.push(`${table} (org ${tenant.label})`);
      }
    }
    for (const table of Object.keys(OWNER_ONLY_TABLES)) {
      if ((await ownerSnapshot(t.ctx.db, table, sql`true`)).length === 0) empty.push(table);
    }
    expect(empty).toEqual([]);
  });

  it('should let org B read, update and delete its own rows where granted (the control that keeps the refusals below honest)', async () => {
    const db = t.ctx.db;
    for (const [table, fixture] of Object.entries(TENANT_TABLES)) {
      const seen = await runAsTenant(
        db,
        asB,
        sql`SELECT count(*)::int AS n FROM ${tableRef(table)} WHERE ${fixture.rowsOf(b)}`,
      );
      expect(seen, table).toMatchObject({ ok: true, rows: [{ n: expect.any(Number) }] });
      expect(seen.ok && (seen.rows[0]?.n as number), `${table}: B sees its own rows`).toBeGreaterThan(0);

      const { column, value } = fixture.update;
      const updated = await probeAsTenant(db, asB, async (tx) =>
        Number(
          (
            await sql`UPDATE ${tableRef(table)} SET ${sql.ref(column)} = ${value(b)} WHERE ${fixture.rowsOf(b)}`.execute(
              tx,
            )
          ).numAffectedRows,
        ),
      );
      if (await appMay(db, table, 'UPDATE', column))
        expect(updated, `${table}: B updates its own rows`).toMatchObject({ ok: true, value: expect.any(Number) });
      else
        expect(updated, `${table}: UPDATE of ${column} is not granted`).toMatchObject({
          ok: false,
          code: INSUFFICIENT_PRIVILEGE,
        });
      if (updated.ok) expect(updated.value, `${table}: B updates its own rows`).toBeGreaterThan(0);

      const deleted = await probeAsTenant(db, asB, async (tx) =>
        Number((await sql`DELETE FROM ${tableRef(table)} WHERE ${fixture.rowsOf(b)}`.execute(tx)).numAffectedRows),
      );
      if (await appMay(db, table, 'DELETE'))
        expect(deleted, `${table}: B deletes its own rows`).toMatchObject({ ok: true, value: expect.any(Number) });
      else
        expect(deleted, `${table}: DELETE is not granted`).toMatchObject({ ok: false, code: INSUFFICIENT_PRIVILEGE });
      if (deleted.ok) expect(deleted.value, `${table}: B deletes its own rows`).toBeGreaterThan(0);
    }
  });

  describe.each(Object.entries(TENANT_TABLES))('%s', (table, fixture) => {
    it("should return none of org A's rows to org B", async () => {
      const res = await runAsTenant(t.ctx.db, asB, sql`SELECT * FROM ${tableRef(table)} WHERE ${fixture.rowsOf(a)}`);
      // A column-level grant refuses SELECT *; then ask for the granted columns, which must still show nothing.
      if (!res.ok && res.code === INSUFFICIENT_PRIVILEGE) {
        const count = await runAsTenant(
          t.ctx.db,
          asB,
          sql`SELECT count(*)::int AS n FROM ${tableRef(table)} WHERE ${fixture.rowsOf(a)}`,
        );
        expect(count).toMatchObject({ ok: true, rows: [{ n: 0 }] });
      } else {
        expect(res).toMatchObject({ ok: true, rows: [] });
      }
    });

    it("should update none of org A's rows, which stay exactly as they were", async () => {
      const before = await ownerSnapshot(t.ctx.db, table, fixture.rowsOf(a));
      const { column, value } = fixture.update;
      const res = await runAsTenant(
        t.ctx.db,
        asB,
        sql`UPDATE ${tableRef(table)} SET ${sql.ref(column)} = ${value(b)} WHERE ${fixture.rowsOf(a)}`,
      );
      if (await appMay(t.ctx.db, table, 'UPDATE', column)) expect(res).toMatchObject({ ok: true, affected: 0 });
      else expect(res).toMatchObject({ ok: false, code: INSUFFICIENT_PRIVILEGE });
      expect(await ownerSnapshot(t.ctx.db, table, fixture.rowsOf(a))).toEqual(before);
      expect(before.length).toBeGreaterThan(0);
    });

    it("should delete none of org A's rows", async () => {
      const before = await ownerSnapshot(t.ctx.db, table, fixture.rowsOf(a));
      const res = await runAsTenant(t.ctx.db, asB, sql`DELETE FROM ${tableRef(table)} WHERE ${fixture.rowsOf(a)}`);
      if (await appMay(t.ctx.db, table, 'DELETE')) expect(res).toMatchObject({ ok: true, affected: 0 });
      else expect(res).toMatchObject({ ok: false, code: INSUFFICIENT_PRIVILEGE });
      expect(await ownerSnapshot(t.ctx.db, table, fixture.rowsOf(a))).toEqual(before);
      expect(before.length).toBeGreaterThan(0);
    });

    it("should refuse to insert a row into org A's data", async () => {
      const before = await ownerSnapshot(t.ctx.db, table, fixture.rowsOf(a));
      const res = await runAsTenant(t.ctx.db, asB, fixture.insert(a, b));
      // Either no INSERT grant ("permission denied") or the policy's WITH CHECK ("violates row-level security policy"): both are 42501.
      expect(res).toMatchObject({ ok: false, code: INSUFFICIENT_PRIVILEGE });
      expect(await ownerSnapshot(t.ctx.db, table, fixture.rowsOf(a))).toEqual(before);
    });
  });

  it('should hide org A in every table that has an org_id column, whatever the table', async () => {
    const withOrgId = tables.filter((x) => x.hasOrgId);
    expect(withOrgId.length).toBeGreaterThan(0);
    for (const table of withOrgId) {
      const res = await runAsTenant(
        t.ctx.db,
        asB,
        sql`SELECT count(*)::int AS n FROM ${tableRef(table.qualified)} WHERE org_id = ${a.orgId}`,
      );
      if (res.ok) expect(res.rows, table.qualified).toEqual([{ n: 0 }]);
      else expect(res.code, table.qualified).toBe(INSUFFICIENT_PRIVILEGE);
    }
  });

  it('should show no row of any table when no tenant and no user are set', async () => {
    const nobody: TenantContext = { orgId: null, userId: null };
    for (const table of tables) {
      const res = await runAsTenant(t.ctx.db, nobody, sql`SELECT count(*)::int AS n FROM ${tableRef(table.qualified)}`);
      if (await appMay(t.ctx.db, table.qualified, 'SELECT'))
        expect(res, table.qualified).toMatchObject({ ok: true, rows: [{ n: 0 }] });
      else if (res.ok) expect(res.rows, table.qualified).toEqual([{ n: 0 }]);
      else expect(res.code, table.qualified).toBe(INSUFFICIENT_PRIVILEGE);
    }
  });

  it('should show no row of another organization when only the user is set (no organization chosen yet)', async () => {
    const userOnly: TenantContext = { orgId: null, userId: b.userId };
    for (const [table, fixture] of Object.entries(TENANT_TABLES)) {
      const res = await runAsTenant(
        t.ctx.db,
        userOnly,
        sql`SELECT count(*)::int AS n FROM ${tableRef(table)} WHERE ${fixture.rowsOf(a)}`,
      );
      expect(res, table).toMatchObject({ ok: true, rows: [{ n: 0 }] });
    }
  });

  describe.each(Object.entries(OWNER_ONLY_TABLES))('%s (owner-only: %s)', (table) => {
    it('should grant the runtime role no privilege on it at all', async () => {
      const { rows } = await sql<{ table_privs: boolean; column_privs: boolean }>`
        SELECT has_table_privilege('chambers_app'::name, ${table}::text, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER') AS table_privs,
               has_any_column_privilege('chambers_app'::name, ${table}::text, 'SELECT, INSERT, UPDATE, REFERENCES') AS column_privs`.execute(
        t.ctx.db.owner,
      );
      expect(rows).toEqual([{ table_privs: false, column_privs: false }]);
    });

    it('should refuse SELECT and DELETE to the runtime role, even for the organization the rows belong to', async () => {
      const before = await ownerSnapshot(t.ctx.db, table, sql`true`);
      for (const ctx of [asB, { orgId: a.orgId, userId: a.userId }]) {
        const read = await runAsTenant(t.ctx.db, ctx, sql`SELECT count(*)::int AS n FROM ${tableRef(table)}`);
        if (read.ok) expect(read.rows).toEqual([{ n: 0 }]);
        else expect(read.code).toBe(INSUFFICIENT_PRIVILEGE);
        const del = await runAsTenant(t.ctx.db, ctx, sql`DELETE FROM ${tableRef(table)}`);
        if (del.ok) expect(del.affected).toBe(0);
        else expect(del.code).toBe(INSUFFICIENT_PRIVILEGE);
      }
      expect(await ownerSnapshot(t.ctx.db, table, sql`true`)).toEqual(before);
      expect(before.length).toBeGreaterThan(0);
    });
  });
});
