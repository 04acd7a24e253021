import fs from 'node:fs';
import { ConfigError, loadConfig } from '../platform/config.ts';
import { StartupError, acquireDirectoryLock, ensureDataDir, restrictFileCreation } from '../platform/data-dir.ts';
import { keyPaths, rotateSigningKey } from '../platform/keys.ts';

// Each command loads only what it runs (dynamic imports below): `audit verify <file>`
// needs the bundle verifier, not the server, the database or the S3 client.

const USAGE = `usage: chambers <command>

  start                 run the server (same as npm start)
  migrate               apply pending database migrations and exit
  doctor                check configuration, permissions, database, storage and keys
  keys rotate-signing   new access-token signing key (the old one keeps verifying until its tokens expire)
  keys rotate-master [--new-key-file <file>]
                        new master key: re-wraps organization keys and re-seals secrets (servers stopped; blobs untouched)
  keys rotate-judicial [--new-key-file <file>]
                        new judicial key: re-wraps the keys of judicial notes, orders and case documents (servers stopped)
  verify-pdf <file> [--root <pem>]
                        check a sealed PDF offline (signature, ByteRange, timestamp, chain); exit 0 only when valid
  audit verify <file>   check an audit export bundle offline (no database); exit 1 and the first bad index if it fails
  audit verify --db     check the live audit log against <data>/audit/checkpoints.log
  audit purge [--dry-run]  remove audit events past retention (not under legal hold); --dry-run only reports
`;

/** `npx chambers …` */
export async function runCli(args: string[]): Promise<void> {
  // Before any command touches the data directory: whatever it creates is private.
  restrictFileCreation();
  const [command, sub] = args;
  switch (command) {
    case undefined:
    case 'start':
      return (await import('../main.ts')).main();
    case 'migrate':
      return guard(async () => {
        const { openDatabase, pgliteDirectory, migrate } = await import('../platform/db/index.ts');
        const config = loadConfig();
        ensureDataDir(config.dataDir);
        const release = config.databaseUrl ? () => undefined : acquireDirectoryLock(`${config.dataDir}/db.lock`);
        const db = config.databaseUrl
          ? await openDatabase({
              kind: 'postgres',
              ownerUrl: config.databaseUrl,
              appUrl: config.databaseUrl,
              appPoolSize: 1,
            })
          : await openDatabase({ kind: 'pglite', dataDir: pgliteDirectory(config.dataDir) });
        try {
          const applied = await migrate(db);
          process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'the database is up to date\n');
        } finally {
          await db.close();
          release();
        }
      });
    case 'doctor':
      return guard(async () => {
        const { runDoctor } = await import('./doctor.ts');
        const ok = await runDoctor(process.env, (line) => process.stdout.write(`${line}\n`));
        process.exitCode = ok ? 0 : 1;
      });
    case 'keys':
      if (sub === 'rotate-master')
        return guard(async () => {
          const { runRotateMaster } = await import('./rotate-master.cli.ts');
          await runRotateMaster(loadConfig(), args.slice(2), (line) => process.stdout.write(`${line}\n`));
        });
      if (sub === 'rotate-judicial')
        return guard(async () => {
          const { runRotateJudicial } = await import('./rotate-judicial.cli.ts');
          await runRotateJudicial(loadConfig(), args.slice(2), (line) => process.stdout.write(`${line}\n`));
        });
      if (sub !== 'rotate-signing') break;
      return guard(async () => {
        const config = loadConfig();
        if (!fs.existsSync(keyPaths(config.dataDir).jwt))
          throw new StartupError('no signing keys yet: start Chambers once first');
        const key = rotateSigningKey(config.dataDir);
        process.stdout.write(
          `new signing key ${key.kid}; restart the server(s) to sign with it. Older keys stay in the JWKS until their tokens expire.\n`,
        );
      });
    case 'verify-pdf':
      return guard(async () => {
        const { runVerifyPdf } = await import('./verify-pdf.cli.ts');
        process.exitCode = await runVerifyPdf(args.slice(1), (line) => process.stdout.write(`${line}\n`));
      });
    case 'audit': {
      if (sub === 'purge') {
        const dryRun = args.slice(2).includes('--dry-run');
        if (args.slice(2).some((a) => a !== '--dry-run')) break;
        return guard(async () => {
          const { runPurgeCli } = await import('./audit.cli.ts');
          process.exitCode = await runPurgeCli(loadConfig(), dryRun, (line) => process.stdout.write(`${line}\n`));
        });
      }
      if (sub !== 'verify' || !args[2]) break;
      const target = args[2];
      if (target !== '--db') {
        return guard(async () => {
          const { verifyBundleFile } = await import('./audit-verify.cli.ts');
          process.exitCode = await verifyBundleFile(target, (line) => process.stdout.write(`${line}\n`));
        });
      }
      return guard(async () => {
        const { runVerifyDb } = await import('./audit.cli.ts');
        process.exitCode = await runVerifyDb(loadConfig(), (line) => process.stdout.write(`${line}\n`));
      });
    }
    case 'help':
    case '--help':
      process.stdout.write(USAGE);
      return;
  }
  process.stderr.write(USAGE);
  process.exitCode = 2;
}

async function guard(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof ConfigError || err instanceof StartupError) (await import('../main.ts')).failStart(err);
    throw err;
  }
}
