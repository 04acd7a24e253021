import fs from 'node:fs';
import type { Config } from '../platform/config.ts';
import { StartupError, acquireDirectoryLock } from '../platform/data-dir.ts';
import { openDatabase, pgliteDirectory, type Database } from '../platform/db/index.ts';
import { loadOrCreateKeys } from '../platform/keys.ts';
import {
  readCheckpointFile,
  checkpointFile,
  unsafeLoadCheckpoints,
  unsafeVerifyLiveLog,
  type LogVerdict,
} from '../transparency/index.ts';
import { unsafeRunPurge } from '../retention/index.ts';

export { verifyBundleFile } from './audit-verify.cli.ts';

/**
 * The live log against <data>/audit/checkpoints.log (the copy outside the
 * database), and the database's own checkpoints too. `publicKeyRaw` defaults to
 * the deployment's audit key.
 */
export async function unsafeVerifyDatabaseLog(
  db: Database,
  dataDir: string,
  publicKeyRaw: Uint8Array,
): Promise<LogVerdict> {
  const fromFile = readCheckpointFile(dataDir);
  const fromDb = await unsafeLoadCheckpoints(db);
  return unsafeVerifyLiveLog(db, { checkpoints: [...fromFile, ...fromDb], publicKeyRaw });
}

export function printLogVerdict(v: LogVerdict, out: (line: string) => void): number {
  if (v.ok) {
    out(`OK: ${v.size} sealed events verified against every signed checkpoint`);
    return 0;
  }
  out(`FAILED${v.firstBad === null ? '' : ` at seq ${v.firstBad}`}: ${v.problems.join('; ')}`);
  return 1;
}

/** `chambers audit purge [--dry-run]`: the retention purge once, with the server's configuration. */
export async function runPurgeCli(config: Config, dryRun: boolean, out: (line: string) => void): Promise<number> {
  const { boot } = await import('../boot.ts');
  const pino = (await import('pino')).default;
  const runtime = await boot(config, { logger: pino({ level: 'warn' }) });
  try {
    if (runtime.ctx.auditSealer.status().state !== 'ok') {
      out(`the audit log is in alarm (${runtime.ctx.auditSealer.status().alarm ?? 'unknown'}): no purge`);
      return 1;
    }
    const r = await unsafeRunPurge(runtime.ctx, { dryRun });
    out(
      dryRun
        ? `dry run: would remove events below seq ${r.below} (${r.removable} events; already purged below ${r.prunedBelow}; ${r.heldOrganizations} organization(s) under legal hold)`
        : `purged ${r.removed} events; the log now starts at seq ${r.prunedBelow} (signed pruned checkpoint written first)`,
    );
    return 0;
  } finally {
    await runtime.close();
  }
}

/** `chambers audit verify --db` */
export async function runVerifyDb(config: Config, out: (line: string) => void): Promise<number> {
  if (!fs.existsSync(checkpointFile(config.dataDir)))
    out(`note: ${checkpointFile(config.dataDir)} does not exist; checking against the database's checkpoints only`);
  const keys = loadOrCreateKeys(config.dataDir, { masterKeyFromEnv: config.masterKey, hasExistingData: true });
  const release = config.databaseUrl ? () => undefined : acquireDirectoryLock(`${config.dataDir}/db.lock`);
  try {
    if (!config.databaseUrl && !fs.existsSync(pgliteDirectory(config.dataDir)))
      throw new StartupError('no database in the data directory');
    const db = config.databaseUrl
      ? await openDatabase({
          kind: 'postgres',
          ownerUrl: config.databaseUrl,
          appUrl: config.databaseUrl,
          appPoolSize: 1,
        })
      : await openDatabase({ kind: 'pglite', dataDir: pgliteDirectory(config.dataDir) });
    try {
      return printLogVerdict(await unsafeVerifyDatabaseLog(db, config.dataDir, keys.auditKey.publicKeyRaw), out);
    } finally {
      await db.close();
    }
  } finally {
    release();
  }
}
