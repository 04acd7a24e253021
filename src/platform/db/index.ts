/**
 * Database: Kysely over PGlite or PostgreSQL, migrations, schema types and tenant transactions.
 * The module's public face: other modules import from here, never from its files.
 */
export { SESSION_EPOCH_READ } from './connection-pipeline.ts';
export { type Database, openDatabase, pgliteDirectory, runtimeUrl } from './database.ts';
export { createGroupCommitter } from './group-commit.ts';
export { migrate, MigrationError, readMigrationFiles, runtimeDbPassword, setRuntimePassword } from './migrator.ts';
export { reusableQuery } from './reusable-query.ts';
export { type AuditEventTable, type DB, type MemberRole } from './schema.ts';
export { type ScanStatus } from './tables/documents.tables.ts';
export {
  enterTenant,
  type TenantContext,
  type Tx,
  unsafeReadAsOwner,
  unsafeWithOwner,
  withTenant,
  withTenantRead,
} from './tenant.ts';
