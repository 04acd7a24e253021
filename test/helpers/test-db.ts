import crypto from 'node:crypto';
import pg from 'pg';
import { migrate, openDatabase, readMigrationFiles, type Database } from '../../src/platform/db/index.ts';

export type TestDatabaseKind = 'pglite' | 'postgres';

export const testDatabaseKind = (): TestDatabaseKind =>
  process.env.CHAMBERS_TEST_DB === 'postgres' ? 'postgres' : 'pglite';

/** The maintenance connection used to create and drop one database per test app. */
export const testPostgresAdminUrl = (): string =>
  process.env.CHAMBERS_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

let hashOfMigrations: string | undefined;
/** A hash of the migrations' names and checksums: what a migrated copy was made from (read once per process). */
export function migrationsHash(): string {
  if (hashOfMigrations === undefined) {
    const hash = crypto.createHash('sha256');
    for (const file of readMigrationFiles()) hash.update(file.name).update(file.checksum);
    hashOfMigrations = hash.digest('hex').slice(0, 16);
  }
  return hashOfMigrations;
}

/** The migrated database test apps are copied from; `chambers_t_` so CI's cleanup drops it too. */
export const templateDatabaseName = (): string => `chambers_t_tmpl_${migrationsHash()}`;

const urlOf = (name: string): string => {
  const url = new URL(testPostgresAdminUrl());
  url.pathname = `/${name}`;
  return url.toString();
};

async function withAdmin<T>(fn: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: testPostgresAdminUrl() });
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.end();
  }
}

const databaseExists = (admin: pg.Client, name: string): Promise<boolean> =>
  admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]).then((r) => (r.rowCount ?? 0) > 0);

/**
 * Makes the migrated template once per run (global setup): migrating a database costs
 * about a second, copying one about a tenth of that. Built under a name of its own and
 * renamed, so a copy never starts from a half-migrated template.
 */
export async function ensureTemplateDatabase(): Promise<void> {
  const name = templateDatabaseName();
  if (await withAdmin((admin) => databaseExists(admin, name))) return;
  const building = `${name}_b${process.pid}`;
  await withAdmin((admin) => admin.query(`CREATE DATABASE ${building}`));
  const db = await openDatabase({ kind: 'postgres', ownerUrl: urlOf(building), appUrl: urlOf(building) });
  try {
    await migrate(db);
  } finally {
    await db.close();
  }
  await withAdmin(async (admin) => {
    if (await databaseExists(admin, name)) await admin.query(`DROP DATABASE ${building}`);
    else await admin.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
  });
}

/**
 * Creates a database for one test app and returns its URL and a function that drops it:
 * empty, or with `migrated` a copy of the template when the run has one (boot's migrator
 * then finds every file applied and checks its checksum).
 */
export async function createScratchDatabase(
  opts: { migrated?: boolean } = {},
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `chambers_t_${crypto.randomBytes(6).toString('hex')}`;
  await withAdmin(async (admin) => {
    const template = templateDatabaseName();
    const copy = opts.migrated && (await databaseExists(admin, template));
    await admin.query(copy ? `CREATE DATABASE ${name} TEMPLATE ${template}` : `CREATE DATABASE ${name}`);
  });
  return {
    url: urlOf(name),
    drop: async () => {
      await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

/** A fresh, empty (unmigrated) database of the kind this run targets, and how to drop it. */
export async function openEmptyDatabase(): Promise<{ db: Database; drop: () => Promise<void> }> {
  if (testDatabaseKind() === 'postgres') {
    const scratch = await createScratchDatabase();
    const db = await openDatabase({ kind: 'postgres', ownerUrl: scratch.url, appUrl: scratch.url, appPoolSize: 1 });
    return {
      db,
      drop: async () => {
        await db.close();
        await scratch.drop();
      },
    };
  }
  const db = await openDatabase({ kind: 'pglite', dataDir: null });
  return { db, drop: () => db.close() };
}
