import { sql, type Kysely, type Transaction } from 'kysely';
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
  return db.app.transaction().execute(async (tx) => {
    await enterTenant(tx, ctx);
    return fn(tx);
  });
}

/** The first statement of a tenant transaction: role, tenant and user, all transaction-local. */
export async function enterTenant(tx: Kysely<DB>, ctx: TenantContext): Promise<void> {
  await sql`SELECT set_config('role', 'chambers_app', true),
                   set_config('chambers.org_id', ${ctx.orgId ?? ''}, true),
                   set_config('chambers.user_id', ${ctx.userId ?? ''}, true),
                   set_config('chambers.test_data_only', ${ctx.testDataOnly ? 'on' : ''}, true)`.execute(tx);
}

/**
 * Runs `fn` as the schema owner, outside row-level security. Only for work that
 * must cross tenants by design (setup, platform admin, sign-in before a tenant is
 * known, background jobs); every caller is named `unsafe…` so a reviewer can find them.
 */
export async function unsafeWithOwner<T>(db: Database, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.owner.transaction().execute(async (tx) => {
    await sql`SELECT set_config('role', 'chambers_owner', true)`.execute(tx);
    return fn(tx);
  });
}
