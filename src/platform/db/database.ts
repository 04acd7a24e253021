import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import { tightenModes } from '../data-dir.ts';
import { tunePool, type WriteCount } from './connection-pipeline.ts';
import { pglitePoolConfig } from './pglite-connection.ts';
import type { DB } from './schema.ts';

export type DatabaseKind = 'pglite' | 'postgres';

/**
 * The database seen through two doors. `app` runs request transactions as the
 * runtime role under RLS; `owner` runs migrations and the few `unsafe…` functions
 * that must cross tenants. On PostgreSQL they are separate logins, so the runtime
 * connection cannot SET ROLE its way back to the owner.
 */
export type Database = {
  kind: DatabaseKind;
  app: Kysely<DB>;
  owner: Kysely<DB>;
  /** Throws when the database cannot answer a trivial query through the runtime login. */
  ping(): Promise<void>;
  /**
   * PGlite only: how many statements that may write this process has sent to its
   * database (connection-pipeline.ts). Only this process can open the embedded
   * database (the data directory's lock, data-dir.ts) and every statement goes
   * through its one pool, so while this number stands still no row has changed.
   */
  writeGeneration?: () => number;
  /** PGlite only: its whole data directory as one uncompressed tarball (PGlite's `loadDataDir` reads it back). */
  dumpDataDir?: () => Promise<Blob>;
  close(): Promise<void>;
};

export type DatabaseOptions =
  | { kind: 'pglite'; dataDir: string | null; loadDataDir?: Blob }
  | { kind: 'postgres'; ownerUrl: string; appUrl: string; appPoolSize?: number; logger?: Logger };

const INT8_OID = 20;
const parseInt8 = (v: string): number => Number(v);
/** bigint columns (counts, sequence numbers) as numbers, on both engines. */
const int8AsNumber = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8_OID ? parseInt8 : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  return opts.kind === 'pglite' ? openPGlite(opts) : openPostgres(opts);
}

async function openPGlite(opts: { dataDir: string | null; loadDataDir?: Blob }): Promise<Database> {
  // One options object: PGlite reads a second argument only when the first is a path.
  const pglite = new PGlite({
    ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
    ...(opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {}),
  });
  await pglite.waitReady;
  if (opts.dataDir) tightenModes(opts.dataDir);
  // PGlite has one session: one pooled client, shared by both doors, serializes every
  // transaction. Through node-postgres statements are prepared once per process like on
  // the server, instead of parsed and planned on every call; in pipeline mode, with the
  // batching connection (pglite-connection.ts), a transaction's held-back opening, its
  // statement and a one-read COMMIT reach PGlite as one call, as they reach the server
  // as one write.
  const pool = new pg.Pool({ ...pglitePoolConfig(pglite), max: 1, types: int8AsNumber, pipeline: true });
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  const writes: WriteCount = { value: 0 };
  tunePool(pool, writes);
  const app = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  const owner = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  let closing: Promise<void> | undefined;
  return {
    kind: 'pglite',
    app,
    owner,
    ping: async () => {
      await sql`SELECT 1`.execute(app);
    },
    writeGeneration: () => writes.value,
    dumpDataDir: () => pglite.dumpDataDir('none'),
    // Once: a test (or a failing boot) may close the database before the app closes it again.
    close: () =>
      (closing ??= (async () => {
        await pool.end();
        if (!pglite.closed) await pglite.close();
        if (opts.dataDir) tightenModes(opts.dataDir);
      })()),
  };
}

async function openPostgres(opts: {
  ownerUrl: string;
  appUrl: string;
  appPoolSize?: number;
  logger?: Logger;
}): Promise<Database> {
  const types = int8AsNumber;
  // pipeline: a transaction's opening and its first statement go out together (connection-pipeline.ts).
  const common = {
    types,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    application_name: 'chambers',
    pipeline: true,
  };
  const ownerPool = new pg.Pool({ connectionString: opts.ownerUrl, max: 3, ...common });
  const appPool = new pg.Pool({ connectionString: opts.appUrl, max: opts.appPoolSize ?? 10, ...common });
  // An idle client losing its server (restart, failover) must not crash the process; the next query reconnects.
  for (const pool of [ownerPool, appPool]) {
    pool.on('error', (err) => opts.logger?.warn({ err: { message: err.message } }, 'database connection lost'));
    // A checked-out client has no pool listener: without this, a connection killed mid-request
    // (pg_terminate_backend, failover) is an unhandled 'error' event that takes the process down.
    // Its query fails on its own (503) and the pool discards the broken client on release.
    pool.on('connect', (client) => {
      client.on('error', () => undefined);
    });
    tunePool(pool);
  }
  const app = new Kysely<DB>({ dialect: new PostgresDialect({ pool: appPool }) });
  const owner = new Kysely<DB>({ dialect: new PostgresDialect({ pool: ownerPool }) });
  return {
    kind: 'postgres',
    app,
    owner,
    ping: async () => {
      await sql`SELECT 1`.execute(app);
    },
    close: async () => {
      await Promise.all([app.destroy(), owner.destroy()]);
    },
  };
}

export const pgliteDirectory = (dataDir: string): string => path.join(dataDir, 'db');

/** The runtime login's URL: DATABASE_APP_URL, or DATABASE_URL with the chambers_runtime user and its derived password. */
export function runtimeUrl(ownerUrl: string, password: string): string {
  const u = new URL(ownerUrl);
  u.username = 'chambers_runtime';
  u.password = password;
  return u.toString();
}
