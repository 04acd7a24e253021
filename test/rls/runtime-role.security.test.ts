/**
 * Attack: an attacker runs arbitrary SQL on the application's connection, as the
 * runtime role, through SQL injection or a bug that lets a request choose the
 * statement. With that foothold they try to tear the tenant wall down instead
 * of going around it: alter, drop, truncate or create tables, switch row-level
 * security off, drop or add policies, replace the function that names the
 * tenant, read password hashes or pg_authid, rewrite the append-only audit log,
 * silence its triggers, read server files, or simply become the owner or a
 * superuser with SET ROLE. Every one of these must be refused by the database.
 *
 * PostgreSQL and PGlite differ on the last point. On PostgreSQL the application
 * connects as the login chambers_runtime, which is a member of chambers_app only,
 * so SET ROLE to the owner or to a superuser is refused. PGlite is embedded: the
 * process is the database and its only session user is the built-in superuser,
 * so nothing inside the database can stop a role switch there; whoever can run
 * arbitrary SQL in the process already holds the data files. There the threat
 * is SQL injection itself, and it is mitigated by parameterized queries
 * (kysely compiles every value to a bind parameter). The tests below assert
 * the actual behaviour of each database so a change to either is noticed.
 *
 * Not covered here, by design: the tenant is a transaction setting
 * (chambers.org_id), so injected SQL can also name another tenant with
 * set_config. Row-level security catches the query that forgets its tenant; only
 * parameterized queries keep an attacker from writing the query.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantContext } from '../../src/platform/db/tenant.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import { INSUFFICIENT_PRIVILEGE, ownerSnapshot, probeAsTenant, seedTenant, type Tenant } from './fixtures.ts';

/** The policies the migrations put on chambers.matters (0007 tenant + walls, 0015 test keys see only test data). */
const MATTERS_POLICIES = ['matters_own_org', 'matters_test_keys_test_data_only'];

/** Statements the runtime role must never be allowed to run; each is refused with 42501 insufficient_privilege. */
const REFUSED: Array<[string, string]> = [
  ['ALTER TABLE', 'ALTER TABLE chambers.matters ADD COLUMN backdoor text'],
  ['ALTER TABLE ... OWNER TO', 'ALTER TABLE chambers.matters OWNER TO chambers_app'],
  ['DROP TABLE', 'DROP TABLE chambers.matters'],
  ['CREATE TABLE in schema chambers', 'CREATE TABLE chambers.backdoor (id int)'],
  ['CREATE TABLE in schema public', 'CREATE TABLE public.backdoor (id int)'],
  ['CREATE SCHEMA', 'CREATE SCHEMA backdoor'],
  [
    'CREATE FUNCTION in schema chambers',
    'CREATE FUNCTION chambers.backdoor() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$',
  ],
  [
    'replacing the function that names the tenant',
    'CREATE OR REPLACE FUNCTION chambers.current_org_id() RETURNS uuid LANGUAGE sql STABLE AS $$ SELECT NULL::uuid $$',
  ],
  ['TRUNCATE', 'TRUNCATE chambers.matters'],
  ['TRUNCATE of the audit log', 'TRUNCATE audit.events'],
  ['DISABLE ROW LEVEL SECURITY', 'ALTER TABLE chambers.matters DISABLE ROW LEVEL SECURITY'],
  ['NO FORCE ROW LEVEL SECURITY', 'ALTER TABLE chambers.matters NO FORCE ROW LEVEL SECURITY'],
  ['DROP POLICY', 'DROP POLICY matters_own_org ON chambers.matters'],
  ['CREATE POLICY', 'CREATE POLICY open_door ON chambers.matters USING (true) WITH CHECK (true)'],
  ['SELECT from pg_authid (password hashes of roles)', 'SELECT rolname, rolpassword FROM pg_authid'],
  ['reading chambers.users.password_hash (column not granted)', 'SELECT password_hash FROM chambers.users'],
  ['UPDATE of audit events', "UPDATE audit.events SET outcome = 'success'"],
  ['DELETE of audit events', 'DELETE FROM audit.events'],
  ['disabling the audit log triggers', 'ALTER TABLE audit.events DISABLE TRIGGER events_no_update'],
  ['session_replication_role = replica (skips every trigger)', 'SET session_replication_role = replica'],
  ['ALTER ROLE ... BYPASSRLS', 'ALTER ROLE chambers_app BYPASSRLS'],
  ['GRANT of the owner role to itself', 'GRANT chambers_owner TO chambers_app'],
  ['reading a server file', "SELECT pg_read_file('/etc/passwd')"],
  ['COPY a table to a server file', "COPY chambers.matters TO '/tmp/chambers-exfiltrated.csv'"],
];

describe('the runtime role under arbitrary SQL', () => {
  let t: TestApp;
  let a: Tenant;
  let asA: TenantContext;
  beforeAll(async () => {
    t = await startTestApp();
    a = await seedTenant(t, 'a');
    asA = { orgId: a.orgId, userId: a.userId };
  });
  afterAll(async () => t?.close());

  it.each(REFUSED)('should refuse %s', async (_what, statement) => {
    const res = await probeAsTenant(t.ctx.db, asA, (tx) => sql.raw(statement).execute(tx));
    expect(res).toMatchObject({ ok: false, code: INSUFFICIENT_PRIVILEGE });
  });

  it('should leave the tables, policies and audit log intact after all of the above', async () => {
    const { rows } = await sql<{ rls: boolean; forced: boolean; policies: string[]; columns: number }>`
      SELECT c.relrowsecurity AS rls, c.relforcerowsecurity AS forced,
             ARRAY(SELECT p.polname::text FROM pg_policy p WHERE p.polrelid = c.oid ORDER BY 1) AS policies,
             (SELECT count(*)::int FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'backdoor') AS columns
        FROM pg_class c WHERE c.oid = 'chambers.matters'::regclass`.execute(t.ctx.db.owner);
    // The migrations' policies, all still there, and none the attacks tried to add.
    expect(rows).toEqual([{ rls: true, forced: true, policies: MATTERS_POLICIES, columns: 0 }]);
    expect(await ownerSnapshot(t.ctx.db, 'audit.events', sql`org_id = ${a.orgId}`)).toHaveLength(1);
    expect(await ownerSnapshot(t.ctx.db, 'chambers.matters', sql`org_id = ${a.orgId}`)).toHaveLength(1);
  });

  it('should run tenant transactions as chambers_app', async () => {
    const res = await probeAsTenant(
      t.ctx.db,
      asA,
      async (tx) =>
        (
          await sql<{
            current: string;
            session: string;
          }>`SELECT current_user AS current, session_user AS session`.execute(tx)
        ).rows[0],
    );
    expect(res).toMatchObject({ ok: true, value: { current: 'chambers_app' } });
    if (t.ctx.db.kind === 'postgres') expect(res).toMatchObject({ ok: true, value: { session: 'chambers_runtime' } });
    else expect(res).toMatchObject({ ok: true, value: { session: 'postgres' } });
  });

  describe.each([
    ['SET ROLE chambers_owner', 'SET ROLE chambers_owner', 'chambers_owner'],
    ['SET ROLE postgres', 'SET ROLE postgres', 'postgres'],
    [
      "set_config('role', 'chambers_owner', false)",
      "SELECT set_config('role', 'chambers_owner', false)",
      'chambers_owner',
    ],
    ['SET SESSION AUTHORIZATION postgres', 'SET SESSION AUTHORIZATION postgres', 'postgres'],
  ])('%s', (_what, statement, target) => {
    it('should be refused on PostgreSQL; on embedded PGlite the superuser session lets it through', async () => {
      const res = await probeAsTenant(t.ctx.db, asA, async (tx) => {
        await sql.raw(statement).execute(tx);
        return (await sql<{ current: string }>`SELECT current_user AS current`.execute(tx)).rows[0]?.current;
      });
      if (t.ctx.db.kind === 'postgres') {
        expect(res).toMatchObject({ ok: false, code: INSUFFICIENT_PRIVILEGE });
      } else {
        // PGlite: the only session user is the embedded superuser (see the comment at the top of this file).
        expect(res).toEqual({ ok: true, value: target });
      }
    });
  });

  it('should give the bare runtime login nothing when it drops chambers_app (RESET ROLE)', async () => {
    const res = await probeAsTenant(t.ctx.db, asA, async (tx) => {
      await sql`RESET ROLE`.execute(tx);
      const who = (await sql<{ current: string }>`SELECT current_user AS current`.execute(tx)).rows[0]?.current;
      const n = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM chambers.matters`.execute(tx)).rows[0]?.n;
      return { who, n };
    });
    if (t.ctx.db.kind === 'postgres') {
      // chambers_runtime is NOINHERIT and holds no table grant: back at the login, every table is closed.
      expect(res).toMatchObject({ ok: false, code: INSUFFICIENT_PRIVILEGE });
    } else {
      expect(res).toMatchObject({ ok: true, value: { who: 'postgres' } });
    }
  });

  it('should connect the application as chambers_runtime on PostgreSQL, reaching no table outside withTenant', async () => {
    const who = (
      await sql<{ current: string; session: string }>`SELECT current_user AS current, session_user AS session`.execute(
        t.ctx.db.app,
      )
    ).rows[0];
    if (t.ctx.db.kind === 'postgres') {
      expect(who).toEqual({ current: 'chambers_runtime', session: 'chambers_runtime' });
      await expect(sql`SELECT count(*) FROM chambers.matters`.execute(t.ctx.db.app)).rejects.toMatchObject({
        code: INSUFFICIENT_PRIVILEGE,
      });
      await expect(sql`SELECT count(*) FROM audit.events`.execute(t.ctx.db.app)).rejects.toMatchObject({
        code: INSUFFICIENT_PRIVILEGE,
      });
    } else {
      // PGlite has one session, the embedded superuser; only withTenant's SET ROLE puts RLS in force.
      expect(who).toEqual({ current: 'postgres', session: 'postgres' });
    }
  });
});
