/**
 * Attack: the schema owner (a leaked DATABASE_URL, a careless operator, a compromised
 * migration login) changes the audit schema at runtime to rewrite history quietly:
 * switching the append-only triggers off, dropping a table, adding a column. Outside
 * the migrator, the event triggers of migration 0005 refuse every such DDL.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { migrate } from '../platform/db/migrator.ts';

describe('the DDL guard on the audit schema', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  const asOwner = (q: string) =>
    t.ctx.db.owner.transaction().execute(async (tx) => {
      await sql`SELECT set_config('role', 'chambers_owner', true)`.execute(tx);
      return sql.raw(q).execute(tx);
    });
  // The migration login itself (PGlite's session, DATABASE_URL's user on PostgreSQL): a superuser in these tests.
  const asLogin = (q: string) => t.ctx.db.owner.transaction().execute((tx) => sql.raw(q).execute(tx));

  it('should be installed (the migration ran as a superuser)', async () => {
    const { rows } = await sql<{ active: boolean }>`SELECT audit.ddl_guard_active() AS active`.execute(t.ctx.db.owner);
    expect(rows[0]?.active).toBe(true);
  });

  it.each([
    ['ALTER TABLE audit.events as owner', 'ALTER TABLE audit.events ADD COLUMN note text'],
    ['disabling the append-only triggers', 'ALTER TABLE audit.events DISABLE TRIGGER USER'],
    [
      'replacing the trigger function',
      'CREATE OR REPLACE FUNCTION audit.refuse_api_call_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$',
    ],
    ['dropping the API call log', 'DROP TABLE audit.api_calls'],
    ['dropping a trigger', 'DROP TRIGGER events_no_truncate ON audit.events'],
    ['a new table in the audit schema', 'CREATE TABLE audit.shadow (x int)'],
  ])('should refuse %s outside a migration', async (_what, q) => {
    await expect(asOwner(q)).rejects.toMatchObject({ code: '42501' });
  });

  it('should refuse it even with the migration flag set by hand when the migrator lock is not held', async () => {
    await expect(
      asOwner("SELECT set_config('chambers.migrating', 'on', true); ALTER TABLE audit.events DISABLE TRIGGER USER"),
    ).rejects.toMatchObject({ code: '42501' });
  });

  it('should refuse the superuser login too (it has to drop the guard first, which the checkpoints then expose)', async () => {
    await expect(asLogin('ALTER TABLE audit.events DISABLE TRIGGER USER')).rejects.toMatchObject({ code: '42501' });
  });

  it('should leave DDL elsewhere alone and let migrations change the audit schema', async () => {
    await asOwner('CREATE TEMP TABLE scratch (x int)');
    const applied = await migrate(t.ctx.db, [
      { name: '9999_audit_ddl_probe', sql: 'ALTER TABLE audit.siem_cursors ADD COLUMN note text', checksum: 'probe' },
    ]);
    expect(applied).toEqual(['9999_audit_ddl_probe']);
  });
});
