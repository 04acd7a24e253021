import fs from 'node:fs';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { ConfigError, loadConfig, type Config } from '../platform/config.ts';
import { findLooseModes, readPrivateFile } from '../platform/data-dir.ts';
import { openDatabase, pgliteDirectory, readMigrationFiles } from '../platform/db/index.ts';
import { keyPaths } from '../platform/keys.ts';
import { localBlobDirectory, createS3BlobStore } from '../platform/storage/index.ts';
import { createClamdScanner } from '../platform/scanner/index.ts';
import { SEAL_EXPIRY_WARNING_DAYS } from '../signatures/index.ts';

type Report = (line: string) => void;

/**
 * `chambers doctor`: checks what a start needs and says, for each problem, how to
 * fix it. Read-only: it creates nothing and migrates nothing.
 */
export async function runDoctor(env: NodeJS.ProcessEnv, report: Report): Promise<boolean> {
  let ok = true;
  const pass = (what: string) => report(`ok    ${what}`);
  const fail = (what: string, fix: string) => {
    ok = false;
    report(`FAIL  ${what}\n      fix: ${fix}`);
  };

  let config;
  try {
    config = loadConfig(env);
    pass('configuration');
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const p of err.problems) fail(`configuration: ${p}`, 'correct the environment variable');
      return false;
    }
    throw err;
  }

  const dir = config.dataDir;
  if (!fs.existsSync(dir)) {
    fail(
      `data directory ${dir} does not exist`,
      'start Chambers once (it creates it with mode 0700) or set CHAMBERS_DATA_DIR',
    );
  } else {
    const mode = fs.statSync(dir).mode & 0o777;
    if (mode & 0o077) fail(`data directory ${dir} has mode ${mode.toString(8)}`, `chmod 700 ${dir}`);
    else pass(`data directory ${dir} (mode ${mode.toString(8)})`);
    const loose = findLooseModes(dir);
    if (loose.length > 0) {
      const shown = loose
        .slice(0, 3)
        .map((l) => `${path.relative(dir, l.path)} (${l.mode})`)
        .join(', ');
      fail(
        `${loose.length >= 20 ? '20 or more' : loose.length} file(s) in the data directory are readable by other users: ${shown}`,
        `chmod -R go-rwx ${dir}`,
      );
    } else pass('every file in the data directory is private to its owner');
    try {
      fs.accessSync(dir, fs.constants.W_OK);
      pass('storage is writable');
    } catch {
      fail(`cannot write to ${dir}`, 'give the Chambers user ownership of the data directory');
    }
  }

  await checkBlobStorage(config, pass, fail);

  const keys = keyPaths(dir);
  const keyFiles: Array<[string, string]> = [
    [keys.jwt, 'access-token signing keys'],
    [keys.audit, 'audit checkpoint key'],
    ...(config.masterKey ? [] : ([[keys.master, 'master key']] as Array<[string, string]>)),
  ];
  for (const [file, what] of keyFiles) {
    if (!fs.existsSync(file)) {
      fail(`${what} missing (${file})`, 'start Chambers once on a new installation, or restore the file from backup');
      continue;
    }
    try {
      readPrivateFile(file);
      pass(`${what} (${file}, private)`);
    } catch (err) {
      fail(`${what}: ${(err as Error).message}`, `chmod 600 ${file} and make the Chambers user its owner`);
    }
  }
  if (config.masterKey) pass('master key from CHAMBERS_MASTER_KEY');

  if (config.databaseUrl) {
    const db = await openDatabase({
      kind: 'postgres',
      ownerUrl: config.databaseUrl,
      appUrl: config.databaseUrl,
      appPoolSize: 1,
    });
    try {
      const { rows } = await sql<{ version: string }>`SELECT current_setting('server_version') AS version`.execute(
        db.owner,
      );
      const major = Number.parseInt(rows[0]?.version ?? '0', 10);
      if (major < 15) fail(`PostgreSQL ${rows[0]?.version} is too old`, 'use PostgreSQL 15 or newer');
      else pass(`PostgreSQL ${rows[0]?.version} reachable`);
      const roles = await sql<{
        rolname: string;
        rolbypassrls: boolean;
      }>`SELECT rolname, rolbypassrls FROM pg_roles WHERE rolname IN ('chambers_app', 'chambers_runtime')`.execute(
        db.owner,
      );
      for (const r of roles.rows)
        if (r.rolbypassrls) fail(`role ${r.rolname} has BYPASSRLS`, `ALTER ROLE ${r.rolname} NOBYPASSRLS`);
      await reportMigrations(db.owner, pass, fail);
      await reportDdlGuard(db.owner, report);
      await reportSealExpiry(db.owner, report, fail);
    } catch (err) {
      fail(`database: ${(err as Error).message}`, 'check DATABASE_URL, that the server runs and accepts this user');
    } finally {
      await db.close();
    }
  } else if (fs.existsSync(pgliteDirectory(dir))) {
    if (fs.existsSync(`${dir}/db.lock`)) {
      pass('embedded database present (in use by a running server: not opened)');
    } else {
      const db = await openDatabase({ kind: 'pglite', dataDir: pgliteDirectory(dir) });
      try {
        await reportMigrations(db.owner, pass, fail);
        await reportDdlGuard(db.owner, report);
        await reportSealExpiry(db.owner, report, fail);
      } finally {
        await db.close();
      }
    }
  } else {
    pass('embedded database will be created on first start');
  }
  report(ok ? 'all checks passed' : 'some checks failed');
  return ok;
}

/** Document storage (local directory or S3 bucket) and, when configured, clamd. Creates nothing. */
async function checkBlobStorage(
  config: Config,
  pass: (w: string) => void,
  fail: (w: string, f: string) => void,
): Promise<void> {
  if (config.storage.backend === 's3') {
    const store = createS3BlobStore(config.storage);
    try {
      await store.ping();
      pass(`document storage: S3 bucket ${config.storage.bucket} reachable`);
    } catch (err) {
      fail(
        `document storage: S3 bucket ${config.storage.bucket} not reachable (${(err as Error).name})`,
        'check S3_ENDPOINT, S3_BUCKET, the credentials and S3_FORCE_PATH_STYLE',
      );
    } finally {
      store.close();
    }
  } else {
    const blobs = localBlobDirectory(config.dataDir);
    if (!fs.existsSync(blobs)) {
      pass(`document storage ${blobs} will be created on first start`);
    } else {
      const mode = fs.statSync(blobs).mode & 0o777;
      if (mode & 0o077) fail(`document storage ${blobs} has mode ${mode.toString(8)}`, `chmod 700 ${blobs}`);
      else {
        try {
          fs.accessSync(blobs, fs.constants.W_OK);
          pass(`document storage ${blobs} (mode ${mode.toString(8)})`);
        } catch {
          fail(`cannot write to ${blobs}`, 'give the Chambers user ownership of the data directory');
        }
      }
    }
  }
  if (config.clamd) {
    try {
      await createClamdScanner({ ...config.clamd, timeoutMs: 5_000 }).ping();
      pass(`virus scanner clamd at ${config.clamd.host}:${config.clamd.port}`);
    } catch (err) {
      fail(`virus scanner: ${(err as Error).message}`, 'start clamd (TCPSocket) or correct CLAMD_HOST / CLAMD_PORT');
    }
  }
}

/** The audit DDL guard (migration 0005) needs a superuser to install: say whether it is there. Informational. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any schema: only raw SQL runs here
async function reportDdlGuard(db: Kysely<any>, report: Report) {
  try {
    const { rows } = await sql<{ active: boolean }>`SELECT audit.ddl_guard_active() AS active`.execute(db);
    report(
      rows[0]?.active
        ? 'ok    audit DDL guard active (event triggers refuse DDL on the audit schema outside migrations)'
        : 'note  audit DDL guard inactive: DATABASE_URL was not a superuser when migration 0005 ran; the signed checkpoints still detect any change',
    );
  } catch {
    /* schema not migrated yet: reported above */
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any schema: only raw SQL runs here
async function reportMigrations(db: Kysely<any>, pass: (w: string) => void, fail: (w: string, f: string) => void) {
  const files = readMigrationFiles();
  try {
    const { rows } = await sql<{ name: string }>`SELECT name FROM chambers_meta.schema_migrations`.execute(db);
    const applied = new Set(rows.map((r) => r.name));
    const pending = files.filter((f) => !applied.has(f.name));
    if (pending.length)
      fail(
        `${pending.length} migration(s) pending`,
        'run `npx chambers migrate` (or start the server, which migrates)',
      );
    else pass(`database schema up to date (${files.length} migrations)`);
  } catch {
    fail('database has no Chambers schema yet', 'run `npx chambers migrate` or start the server');
  }
}

/** Organization seal certificates: a warning 30 days before one ends, a failure once it has ended. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any schema: only raw SQL runs here
async function reportSealExpiry(db: Kysely<any>, report: Report, fail: (w: string, f: string) => void) {
  try {
    const { rows } = await sql<{ name: string; not_after: Date | string; expired: boolean }>`
      SELECT o.name, s.not_after, s.not_after <= now() AS expired
      FROM chambers.seal_certificates s JOIN chambers.organizations o ON o.id = s.org_id
      WHERE s.retired_at IS NULL AND s.not_after < now() + make_interval(days => ${SEAL_EXPIRY_WARNING_DAYS})
      ORDER BY s.not_after LIMIT 20`.execute(db);
    const fix = 'upload a new CA-issued PKCS#12 (PUT /api/v1/signing/certificate) before it ends';
    for (const r of rows) {
      const day = new Date(r.not_after).toISOString().slice(0, 10);
      if (r.expired) fail(`seal certificate of ${r.name} expired on ${day}`, fix);
      else report(`warn  seal certificate of ${r.name} expires on ${day}\n      fix: ${fix}`);
    }
  } catch {
    /* schema not migrated yet: reported above */
  }
}
