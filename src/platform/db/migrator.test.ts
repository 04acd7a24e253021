import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openEmptyDatabase, testDatabaseKind } from '../../../test/helpers/test-db.ts';
import type { Database } from './database.ts';
import { MigrationError, migrate, readMigrationFiles } from './migrator.ts';

const REAL_MIGRATIONS = readMigrationFiles().map((f) => f.name);

/** The test files recorded as applied (the real migrations, applied by one test, are left out). */
async function appliedNames(db: Database): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`SELECT name FROM chambers_meta.schema_migrations ORDER BY name`.execute(
    db.owner,
  );
  return rows.map((r) => r.name).filter((n) => !REAL_MIGRATIONS.includes(n));
}

async function tableExists(db: Database, qualified: string): Promise<boolean> {
  const { rows } = await sql<{ t: string | null }>`SELECT to_regclass(${qualified})::text AS t`.execute(db.owner);
  return rows[0]?.t != null;
}

/** The error a promise rejects with (fails the test when it resolves). */
async function rejectionOf(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describe(`migrate (${testDatabaseKind()})`, () => {
  let db: Database;
  let drop: () => Promise<void>;
  let dir: string;
  const write = (name: string, text: string) => fs.writeFileSync(path.join(dir, name), text);

  // One database for the file (a fresh PGlite takes seconds); each test removes what its files made.
  beforeAll(async () => {
    ({ db, drop } = await openEmptyDatabase());
  });
  afterAll(async () => drop?.());
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chambers-migrations-'));
  });
  afterEach(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    await sql`DROP SCHEMA IF EXISTS mtest CASCADE`.execute(db.owner);
    const { rows } = await sql<{ name: string }>`SELECT name FROM chambers_meta.schema_migrations`.execute(db.owner);
    for (const { name } of rows) {
      if (!REAL_MIGRATIONS.includes(name))
        await sql`DELETE FROM chambers_meta.schema_migrations WHERE name = ${name}`.execute(db.owner);
    }
  });

  it('should apply the files in name order, record each one, and apply nothing the second time', async () => {
    // Written out of order on purpose: 0002 needs the schema that 0001 creates.
    write('0002_beta.sql', 'CREATE TABLE mtest.beta (id int PRIMARY KEY REFERENCES mtest.alpha (id));');
    write(
      '0001_alpha.sql',
      'CREATE SCHEMA mtest;\nCREATE TABLE mtest.alpha (id int PRIMARY KEY);\nINSERT INTO mtest.alpha VALUES (1), (2);',
    );
    write('README.md', 'not a migration');
    write('0003_Not_Lowercase.sql', 'SELECT nonsense;');

    expect(await migrate(db, readMigrationFiles(dir))).toEqual(['0001_alpha.sql', '0002_beta.sql']);
    expect(await appliedNames(db)).toEqual(['0001_alpha.sql', '0002_beta.sql']);
    expect(await tableExists(db, 'mtest.beta')).toBe(true);
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM mtest.alpha`.execute(db.owner);
    expect(rows[0]?.n).toBe(2);

    expect(await migrate(db, readMigrationFiles(dir))).toEqual([]);
    const again = await sql<{ n: number }>`SELECT count(*)::int AS n FROM mtest.alpha`.execute(db.owner);
    expect(again.rows[0]?.n).toBe(2);
  });

  it('should apply only the new file when one is added later', async () => {
    write('0001_alpha.sql', 'CREATE SCHEMA mtest; CREATE TABLE mtest.alpha (id int);');
    await migrate(db, readMigrationFiles(dir));
    write('0002_beta.sql', 'CREATE TABLE mtest.beta (id int);');
    expect(await migrate(db, readMigrationFiles(dir))).toEqual(['0002_beta.sql']);
    expect(await appliedNames(db)).toEqual(['0001_alpha.sql', '0002_beta.sql']);
  });

  it('should make the migrated objects belong to chambers_owner', async () => {
    write('0001_alpha.sql', 'CREATE SCHEMA mtest; CREATE TABLE mtest.alpha (id int);');
    await migrate(db, readMigrationFiles(dir));
    const { rows } = await sql<{ owner: string }>`
      SELECT tableowner AS owner FROM pg_tables WHERE schemaname = 'mtest' AND tablename = 'alpha'`.execute(db.owner);
    expect(rows[0]?.owner).toBe('chambers_owner');
  });

  it('should stop at a failing file, name it, roll back all of that file, and keep the earlier files applied', async () => {
    write('0001_alpha.sql', 'CREATE SCHEMA mtest; CREATE TABLE mtest.alpha (id int);');
    write('0002_gamma.sql', 'CREATE TABLE mtest.gamma (id int);\nSELEC oops FROM nowhere;');
    write('0003_delta.sql', 'CREATE TABLE mtest.delta (id int);');

    const err = await rejectionOf(migrate(db, readMigrationFiles(dir)));
    expect(err).toBeInstanceOf(MigrationError);
    expect((err as MigrationError).file).toBe('0002_gamma.sql');
    expect((err as Error).message).toMatch(/^migration 0002_gamma\.sql failed: .*syntax error/);

    expect(await tableExists(db, 'mtest.gamma')).toBe(false);
    expect(await tableExists(db, 'mtest.alpha')).toBe(true);
    expect(await tableExists(db, 'mtest.delta')).toBe(false);
    expect(await appliedNames(db)).toEqual(['0001_alpha.sql']);

    // Once the file is fixed, the next run picks up where it stopped.
    write('0002_gamma.sql', 'CREATE TABLE mtest.gamma (id int);');
    expect(await migrate(db, readMigrationFiles(dir))).toEqual(['0002_gamma.sql', '0003_delta.sql']);
  });

  it('should refuse to run when an applied file was changed afterwards', async () => {
    write('0001_alpha.sql', 'CREATE SCHEMA mtest; CREATE TABLE mtest.alpha (id int);');
    await migrate(db, readMigrationFiles(dir));
    write('0001_alpha.sql', 'CREATE SCHEMA mtest; CREATE TABLE mtest.alpha (id bigint);');
    write('0002_beta.sql', 'CREATE TABLE mtest.beta (id int);');

    const err = await rejectionOf(migrate(db, readMigrationFiles(dir)));
    expect(err).toBeInstanceOf(MigrationError);
    expect((err as MigrationError).file).toBe('0001_alpha.sql');
    expect((err as Error).message).toContain('the file changed after it was applied');
    expect(await tableExists(db, 'mtest.beta')).toBe(false);
    expect(await appliedNames(db)).toEqual(['0001_alpha.sql']);
  });

  it('should apply the real migrations once and then find the database up to date', async () => {
    expect(REAL_MIGRATIONS.length).toBeGreaterThan(0);
    expect(await migrate(db)).toEqual(REAL_MIGRATIONS);
    expect(await migrate(db)).toEqual([]);
    expect(await tableExists(db, 'chambers.matters')).toBe(true);
  });
});
