import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import { DEFERRED_OPENING, ONE_READ_OPENING } from './connection-pipeline.ts';
import type { Database } from './database.ts';
import type { DB } from './schema.ts';

export type Tx = Transaction<DB>;
export type TenantContext = {
  orgId: string | null;
  userId: string | null;
  /** A request made with a test API key: RLS shows it test data only (migration 0015). */
  testDataOnly?: boolean;
};

/**
 * Runs `fn` in one transaction as the runtime role `chambers_app`, with the tenant
 * and user settings that every RLS policy reads. The transaction is the first
 * argument of every service and repository function below it.
 *
 * @example
 *   const matters = await withTenant(db, { orgId, userId }, (tx) => listMatters(tx));
 */
export async function withTenant<T>(db: Database, ctx: TenantContext, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return inTransaction(db.app, openingScript(ctx), fn);
}

/**
 * withTenant for a read of exactly one statement: the transaction is READ ONLY and its
 * opening, the statement and the COMMIT leave in one write (connection-pipeline.ts), so
 * the read costs one round trip like an unguarded query would, with the same RLS
 * settings. A second statement inside is refused; a write is refused by the server.
 *
 * @example
 *   const page = await withTenantRead(db, { orgId, userId }, (tx) => repo.listMatters(tx, q));
 */
export async function withTenantRead<T>(db: Database, ctx: TenantContext, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return inTransaction(db.app, openingScript(ctx, 'one read'), fn);
}

/**
 * One transaction on one connection of `kysely`, opened by `opening` (BEGIN and the
 * role settings; on PostgreSQL written together with the first statement, see
 * connection-pipeline.ts), committed when `fn` resolves and rolled back when anything
 * throws, the opening included.
 */
async function inTransaction<T>(kysely: Kysely<DB>, opening: CompiledQuery, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return kysely.connection().execute(async (conn) => {
    let result: T;
    try {
      await conn.executeQuery(opening);
      // A connection inside the transaction just opened: Kysely's Transaction type adds only `isTransaction`
      // and forbids a nested transaction(), which nothing below a service calls.
      result = await fn(conn as unknown as Tx);
    } catch (err) {
      await conn.executeQuery(ROLLBACK).catch(() => undefined);
      throw err;
    }
    await conn.executeQuery(COMMIT);
    return result;
  });
}

// Written out once: every request opens and ends a transaction, and building these with Kysely each time
// cost more than sending them.
const COMMIT = CompiledQuery.raw('COMMIT');
const ROLLBACK = CompiledQuery.raw('ROLLBACK');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const tenantId = (id: string | null): string => {
  if (id === null) return '';
  // Every policy casts the setting to uuid: anything else fails here, with a message that says why.
  if (!UUID.test(id)) throw new Error('a tenant id must be a UUID');
  return id.toLowerCase();
};

/** The settings of enterTenant, with the tenant, the user and the test-data flag as parameters. */
const TENANT_SETTINGS =
  "SELECT set_config('role', 'chambers_app', true), set_config('chambers.org_id', $1, true), set_config('chambers.user_id', $2, true), set_config('chambers.test_data_only', $3, true)";
/** TENANT_SETTINGS' parameters, in order. */
const tenantSettingsValues = (ctx: TenantContext): string[] => [
  tenantId(ctx.orgId),
  tenantId(ctx.userId),
  ctx.testDataOnly ? 'on' : '',
];

const TENANT_OPENINGS = {
  any: `${DEFERRED_OPENING} BEGIN; ${TENANT_SETTINGS}`,
  'one read': `${ONE_READ_OPENING} BEGIN READ ONLY; ${TENANT_SETTINGS}`,
} as const;

/**
 * BEGIN and the tenant settings, held back and sent with the first statement
 * (connection-pipeline.ts): BEGIN, then the settings as one prepared statement whose
 * parameters are the tenant, the user and the test-data flag.
 */
function openingScript(ctx: TenantContext, shape: keyof typeof TENANT_OPENINGS = 'any'): CompiledQuery {
  return CompiledQuery.raw(TENANT_OPENINGS[shape], tenantSettingsValues(ctx));
}

/** The first statement of a tenant transaction: role, tenant and user, all transaction-local. */
export async function enterTenant(tx: Kysely<DB>, ctx: TenantContext): Promise<void> {
  await tx.executeQuery(CompiledQuery.raw(TENANT_SETTINGS, tenantSettingsValues(ctx)));
}

/** The owner's settings, a parameter so they are prepared like the tenant's. */
const OWNER_SETTINGS = "SELECT set_config('role', $1, true)";
const OWNER_OPENING = CompiledQuery.raw(`${DEFERRED_OPENING} BEGIN; ${OWNER_SETTINGS}`, ['chambers_owner']);
const OWNER_ONE_READ_OPENING = CompiledQuery.raw(`${ONE_READ_OPENING} BEGIN READ ONLY; ${OWNER_SETTINGS}`, [
  'chambers_owner',
]);

/**
 * Runs `fn` as the schema owner, outside row-level security. Only for work that
 * must cross tenants by design (setup, platform admin, sign-in before a tenant is
 * known, background jobs); every caller is named `unsafe…` so a reviewer can find them.
 */
export async function unsafeWithOwner<T>(db: Database, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return inTransaction(db.owner, OWNER_OPENING, fn);
}

/** unsafeWithOwner for a read of exactly one statement, in one round trip (see withTenantRead). */
export async function unsafeReadAsOwner<T>(db: Database, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return inTransaction(db.owner, OWNER_ONE_READ_OPENING, fn);
}
