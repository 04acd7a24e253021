import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { deriveKey, sha256Hex } from '../crypto-basics.ts';
import type { Database } from './database.ts';

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../db/migrations');

export class MigrationError extends Error {
  constructor(
    readonly file: string,
    override readonly cause: unknown,
  ) {
    super(`migration ${file} failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'MigrationError';
  }
}

export type MigrationFile = { name: string; sql: string; checksum: string };

export function readMigrationFiles(dir = MIGRATIONS_DIR): MigrationFile[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((name) => {
      const text = fs.readFileSync(path.join(dir, name), 'utf8');
      return { name, sql: text, checksum: sha256Hex(text) };
    });
}

/**
 * Roles are cluster-wide and must exist before any migration grants to them.
 * Each CREATE is its own block so two processes bootstrapping at once both succeed.
 */
const ROLE_BOOTSTRAP = [
  `DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'chambers_owner') THEN
     CREATE ROLE chambers_owner NOLOGIN BYPASSRLS; END IF;
   EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`,
  `DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'chambers_app') THEN
     CREATE ROLE chambers_app NOLOGIN NOBYPASSRLS NOINHERIT NOCREATEDB NOCREATEROLE; END IF;
   EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`,
  `DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'chambers_runtime') THEN
     CREATE ROLE chambers_runtime LOGIN NOINHERIT NOBYPASSRLS NOCREATEDB NOCREATEROLE; END IF;
   EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`,
  // Court administrators' read-only view of the judicial store (0013): SELECT on metadata, nothing else.
  // The runtime login is not a member; the oversight path enters it from the owner connection.
  `DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'chambers_judicial_oversight') THEN
     CREATE ROLE chambers_judicial_oversight NOLOGIN NOINHERIT NOBYPASSRLS NOCREATEDB NOCREATEROLE; END IF;
   EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`,
  `DO $$ BEGIN IF NOT pg_has_role('chambers_runtime', 'chambers_app', 'MEMBER') THEN
     GRANT chambers_app TO chambers_runtime; END IF; END $$`,
  `DO $$ BEGIN EXECUTE format('GRANT CONNECT, CREATE ON DATABASE %I TO chambers_owner', current_database());
           EXECUTE format('GRANT CONNECT ON DATABASE %I TO chambers_runtime', current_database()); END $$`,
];

const META_BOOTSTRAP = `
  CREATE SCHEMA IF NOT EXISTS chambers_meta AUTHORIZATION chambers_owner;
  CREATE TABLE IF NOT EXISTS chambers_meta.schema_migrations (
    name text PRIMARY KEY,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  );
  ALTER TABLE chambers_meta.schema_migrations OWNER TO chambers_owner;
  ALTER TABLE chambers_meta.schema_migrations ENABLE ROW LEVEL SECURITY;
  ALTER TABLE chambers_meta.schema_migrations FORCE ROW LEVEL SECURITY;
`;

async function withRetry<T>(fn: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      // "tuple concurrently updated": another process is granting the same role right now.
      if (i >= attempts || (err as { code?: string }).code !== 'XX000') throw err;
      await new Promise((r) => setTimeout(r, 50 * i));
    }
  }
}

/**
 * Applies every migration not yet recorded, in name order, each in its own
 * transaction as chambers_owner. A failure rolls that file back and stops with
 * its name; files already applied must not have changed.
 */
export async function migrate(db: Database, files = readMigrationFiles()): Promise<string[]> {
  for (const stmt of ROLE_BOOTSTRAP) await withRetry(() => sql.raw(stmt).execute(db.owner));
  await withRetry(() =>
    db.owner.transaction().execute(async (tx) => {
      await sql`SELECT pg_advisory_xact_lock(7261001)`.execute(tx);
      await sql.raw(META_BOOTSTRAP).execute(tx);
    }),
  );

  const applied: string[] = [];
  for (const file of files) {
    const done = await db.owner.transaction().execute(async (tx) => {
      // Serializes concurrent migrators (several app processes starting at once).
      await sql`SELECT pg_advisory_xact_lock(7261002)`.execute(tx);
      const { rows } = await sql<{ checksum: string }>`
        SELECT checksum FROM chambers_meta.schema_migrations WHERE name = ${file.name}`.execute(tx);
      const existing = rows[0];
      if (existing) {
        if (existing.checksum !== file.checksum) {
          throw new MigrationError(
            file.name,
            new Error('the file changed after it was applied; write a new migration instead'),
          );
        }
        return false;
      }
      try {
        // chambers.migrating (with the advisory lock above) is what lets DDL on the audit schema through the guard of 0005.
        await sql`SELECT set_config('role', 'chambers_owner', true), set_config('chambers.migrating', 'on', true)`.execute(
          tx,
        );
        await sql.raw(file.sql).execute(tx);
        await sql`INSERT INTO chambers_meta.schema_migrations (name, checksum) VALUES (${file.name}, ${file.checksum})`.execute(
          tx,
        );
      } catch (err) {
        throw err instanceof MigrationError ? err : new MigrationError(file.name, err);
      }
      return true;
    });
    if (done) applied.push(file.name);
  }
  return applied;
}

/** Sets the runtime login's password (derived from the master key) so no extra secret needs configuring. */
/** The runtime login's password: derived from the master key, so there is no extra secret to configure. */
export const runtimeDbPassword = (masterKey: Buffer): string =>
  deriveKey(masterKey, 'postgres-runtime-login').toString('base64url');

export async function setRuntimePassword(db: Database, password: string): Promise<void> {
  await withRetry(() =>
    db.owner.transaction().execute(async (tx) => {
      const { rows } = await sql<{
        stmt: string;
      }>`SELECT format('ALTER ROLE chambers_runtime WITH LOGIN PASSWORD %L', ${password}::text) AS stmt`.execute(tx);
      const stmt = rows[0]?.stmt;
      if (stmt) await sql.raw(stmt).execute(tx);
    }),
  );
}
