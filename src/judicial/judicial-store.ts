import { sql } from 'kysely';
import type { AppContext } from '../context/index.ts';
import {
  migrate,
  openDatabase,
  runtimeDbPassword,
  runtimeUrl,
  setRuntimePassword,
  unsafeWithOwner,
  type Database,
} from '../platform/db/index.ts';
import { StartupError } from '../platform/data-dir.ts';
import { judicialKeyCheck, loadJudicialKek, type JudicialKek } from './judicial-keys.ts';

/**
 * Where judicial data lives and the key that seals it. Without JUDICIAL_DATABASE_URL the
 * store is schema `judicial` of the main database; with it, a database of its own that
 * gets the same migrations and the same two doors (runtime role under RLS, owner). Either
 * way the code path is one: every query goes through `store.db`.
 */
export type JudicialStore = {
  db: Database;
  kek: JudicialKek;
  /** True when the store is its own database (JUDICIAL_DATABASE_URL). */
  separate: boolean;
  close(): Promise<void>;
};

const stores = new WeakMap<AppContext, JudicialStore>();

/** The store opened for this application context (tests and the CLI read it through here). */
export function judicialStoreOf(ctx: AppContext): JudicialStore {
  const store = stores.get(ctx);
  if (!store) throw new Error('the judicial store is not open for this context');
  return store;
}

export async function openJudicialStore(ctx: AppContext): Promise<JudicialStore> {
  const known = stores.get(ctx);
  if (known) return known;
  const url = ctx.config.judicialDatabaseUrl;
  let db = ctx.db;
  if (url) {
    const ownerOnly = await openDatabase({ kind: 'postgres', ownerUrl: url, appUrl: url, appPoolSize: 1 });
    try {
      await migrate(ownerOnly);
      await setRuntimePassword(ownerOnly, runtimeDbPassword(ctx.keys.masterKey));
    } catch (err) {
      throw new StartupError(`the judicial database (JUDICIAL_DATABASE_URL): ${(err as Error).message}`);
    } finally {
      await ownerOnly.close();
    }
    db = await openDatabase({
      kind: 'postgres',
      ownerUrl: url,
      appUrl: runtimeUrl(url, runtimeDbPassword(ctx.keys.masterKey)),
      logger: ctx.logger,
    });
  }
  const kek = loadJudicialKek(ctx.config.dataDir, ctx.config.judicialMasterKey);
  try {
    await unsafeVerifyJudicialKey(db, kek);
  } catch (err) {
    if (url) await db.close();
    throw err;
  }
  const store: JudicialStore = { db, kek, separate: Boolean(url), close: async () => (url ? db.close() : undefined) };
  stores.set(ctx, store);
  return store;
}

/** The first start records the KEK's check value; every later start must present the same key. */
async function unsafeVerifyJudicialKey(db: Database, kek: JudicialKek): Promise<void> {
  const check = judicialKeyCheck(kek.key);
  await unsafeWithOwner(db, async (tx) => {
    const { rows } = await sql<{ check_value: string }>`SELECT check_value FROM judicial.key_check`.execute(tx);
    const stored = rows[0]?.check_value;
    if (stored === undefined) {
      await sql`INSERT INTO judicial.key_check (check_value) VALUES (${check})`.execute(tx);
    } else if (stored !== check) {
      throw new StartupError(
        `the judicial key (${kek.source === 'env' ? 'CHAMBERS_JUDICIAL_MASTER_KEY' : kek.file}) is not the key the judicial store ` +
          'was sealed with; restore it from your backup (without it no note, order or case document can be read)',
      );
    }
  });
}

/**
 * The store as the routes hold it: boot opens (and closes) it at start, so a wrong key still
 * stops the server; the routes take it at their first request, never while the routes are only being
 * built (the OpenAPI dump has no database and no key).
 */
export type JudicialStoreHandle = {
  open(): Promise<JudicialStore>;
  /** The open store; only after open() resolved (the routes' preHandler sees to it). */
  readonly current: JudicialStore;
};

export function judicialStoreHandle(ctx: AppContext): JudicialStoreHandle {
  let opening: Promise<JudicialStore> | null = null;
  let opened: JudicialStore | null = null;
  return {
    open: () =>
      (opening ??= openJudicialStore(ctx).then(
        (s) => (opened = s),
        (err: unknown) => {
          opening = null;
          throw err;
        },
      )),
    get current() {
      if (!opened) throw new Error('the judicial store is used before it was opened');
      return opened;
    },
  };
}
