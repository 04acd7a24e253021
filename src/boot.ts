import fs from 'node:fs';
import path from 'node:path';
import {
  runtimeDbPassword,
  openDatabase,
  pgliteDirectory,
  runtimeUrl,
  type Database,
  MigrationError,
  migrate,
  setRuntimePassword,
} from './platform/db/index.ts';
import { createAuditLog, createPersonalDataSealer, unsafeCountUnsealedEvents } from './audit/index.ts';
import { createAuditSealer, createCheckpointMirror } from './transparency/index.ts';
import { startRetentionJob } from './retention/index.ts';
import { parseSyslogUrl, startSyslogForwarder } from './siem/index.ts';
import { captchaFromConfig, type CaptchaVerifier } from './platform/captcha/index.ts';
import { preloadCommonPasswords } from './accounts/index.ts';
import {
  createMemoryRateLimitStore,
  type RateLimitStore,
  createRedisRateLimitStore,
  createMetrics,
  isDatabaseUnavailable,
} from './http/index.ts';
import { startPeriodicJob } from './platform/jobs/index.ts';
import { unsafePurgeExpiredRecords, startDocumentJobs } from './jobs/index.ts';
import { startPrivacyJobs } from './privacy/index.ts';
import { openJudicialStore } from './judicial/index.ts';
import { createMailer, type RetryPolicy } from './platform/mail/index.ts';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import pino, { type Logger } from 'pino';
import type { AppContext } from './context/index.ts';
import { buildApp } from './app.ts';
import type { Config } from './platform/config.ts';
import type { PrincipalResolver } from './access/index.ts';
import { systemClock, type Clock } from './platform/clock.ts';
import { StartupError, acquireDirectoryLock, ensureDataDir } from './platform/data-dir.ts';
import { loadOrCreateKeys, type KeyRing } from './platform/keys.ts';
import { loggerOptions } from './platform/logger.ts';
import { createAccessTokenResolver } from './sessions/index.ts';
import { withApiKeys } from './access/index.ts';
import { createApiKeyAuthenticator, createKeyRateLimiterFor, startWebhookDispatcher } from './developer/index.ts';
import { unsafeIssueSetupToken, unsafeVerifyDeploymentKey } from './setup/index.ts';
import { createBlobStore } from './platform/storage/index.ts';
import { createClamdScanner } from './platform/scanner/index.ts';
import { createOrgKeyring } from './crypto/index.ts';

/** Bound on each wait on clamd; its verdict on a large file comes only after it has read all of it. */
const CLAMD_TIMEOUT_MS = 60_000;

export type Runtime = {
  ctx: AppContext;
  app: FastifyInstance;
  setupToken: string | null;
  close(): Promise<void>;
};

export type BootOptions = {
  logger?: Logger;
  clock?: Clock;
  /** Tests: an in-memory PGlite, optionally loaded from a pre-migrated snapshot. */
  pglite?: { inMemory: true; loadDataDir?: Blob };
  resolvePrincipal?: (ctx: AppContext) => PrincipalResolver;
  captcha?: CaptchaVerifier;
  mailRetry?: RetryPolicy;
  /** Bench: a rate-limit store chosen by the caller instead of the one REDIS_URL selects. */
  rateLimitStore?: RateLimitStore;
};

/**
 * Everything `npm start` does before listening: data directory, database,
 * migrations, keys, and the HTTP application. Any problem is a StartupError with
 * a message meant for the person starting the server.
 */
export async function boot(config: Config, opts: BootOptions = {}): Promise<Runtime> {
  const logger = opts.logger ?? pino(loggerOptions(config.logLevel));
  const cleanups: Array<() => Promise<void> | void> = [];
  const close = async () => {
    for (const fn of cleanups.reverse()) await fn();
  };
  try {
    ensureDataDir(config.dataDir);
    let db: Database;
    let hasExistingData = false;
    if (config.databaseUrl) {
      // The runtime URL needs the master key (its password), which needs to know whether data exists: open the owner side first.
      db = await openPostgresOwnerOnly(config.databaseUrl, logger);
      cleanups.push(() => db.close());
    } else if (opts.pglite) {
      db = await openDatabase({ kind: 'pglite', dataDir: null, loadDataDir: opts.pglite.loadDataDir });
      cleanups.push(() => db.close());
    } else {
      cleanups.push(acquireDirectoryLock(`${config.dataDir}/db.lock`));
      hasExistingData = fs.existsSync(pgliteDirectory(config.dataDir));
      db = await openDatabase({ kind: 'pglite', dataDir: pgliteDirectory(config.dataDir) });
      cleanups.push(() => db.close());
    }

    await runMigrations(db, config);
    hasExistingData ||= await deploymentExists(db);
    const keys: KeyRing = loadOrCreateKeys(config.dataDir, { masterKeyFromEnv: config.masterKey, hasExistingData });
    await unsafeVerifyDeploymentKey(db, keys.masterKey);

    if (config.databaseUrl) {
      const password = runtimeDbPassword(keys.masterKey);
      if (!config.databaseAppUrl) await setRuntimePassword(db, password);
      await db.close();
      cleanups.pop();
      db = await openDatabase({
        kind: 'postgres',
        ownerUrl: config.databaseUrl,
        appUrl: config.databaseAppUrl ?? runtimeUrl(config.databaseUrl, password),
        logger,
      });
      cleanups.push(() => db.close());
      try {
        await db.ping();
      } catch (err) {
        throw new StartupError(
          `cannot connect as the runtime login chambers_runtime: ${(err as Error).message}; see docs/operations.md "PostgreSQL roles"`,
        );
      }
    }

    const setupToken = await unsafeIssueSetupToken(db);
    const mailer = createMailer({
      smtpUrl: config.smtpUrl,
      outboxDir: path.join(config.dataDir, 'outbox'),
      from: config.mailFrom,
      logger,
      retry: opts.mailRetry,
    });
    cleanups.push(() => mailer.close());
    const checkpointMirror = config.auditMirror
      ? createCheckpointMirror({
          settings: config.auditMirror,
          db,
          publicKeyRaw: keys.auditKey.publicKeyRaw,
          retentionDays: config.auditRetention.generalDays,
          clock: opts.clock ?? systemClock,
          logger,
        })
      : undefined;
    // Stopped after the sealer (cleanups run in reverse), so a last checkpoint can still be copied.
    if (checkpointMirror) cleanups.push(() => checkpointMirror.stop());
    const auditSealer = createAuditSealer({
      db,
      keys,
      logger,
      clock: opts.clock ?? systemClock,
      dataDir: config.dataDir,
      publicUrl: config.publicUrl,
      checkpointEvery: config.audit.checkpointEvery,
      checkpointSeconds: config.audit.checkpointSeconds,
      onCheckpoint: checkpointMirror ? () => void checkpointMirror.sync() : undefined,
    });
    await auditSealer.start();
    cleanups.push(() => auditSealer.stop());
    if (checkpointMirror) {
      // Backfill in the background: checkpoints signed while the mirror was off or down.
      void checkpointMirror.sync();
    }
    const rateLimitStore =
      opts.rateLimitStore ??
      (config.redis
        ? await createRedisRateLimitStore({ url: config.redis.url, keyPrefix: config.redis.keyPrefix, logger })
        : createMemoryRateLimitStore());
    cleanups.push(() => rateLimitStore.close?.());
    const blobStore = createBlobStore(config);
    cleanups.push(() => blobStore.close());
    void preloadCommonPasswords().catch((err: Error) =>
      logger.error({ err: { message: err.message } }, 'common-password list failed to load'),
    );
    const ctx: AppContext = {
      config,
      db,
      keys,
      clock: opts.clock ?? systemClock,
      logger,
      mailer,
      audit: createAuditLog(db, logger, { personalData: createPersonalDataSealer(db, keys.masterKey, logger) }),
      auditSealer,
      checkpointMirror,
      rateLimitStore,
      metrics: createMetrics({ auditQueueDepth: () => unsafeCountUnsealedEvents(db) }),
      captcha: opts.captcha ?? captchaFromConfig(config, { masterKey: keys.masterKey, spent: rateLimitStore }),
      blobStore,
      orgKeyring: createOrgKeyring(keys.masterKey),
      scanner: config.clamd ? createClamdScanner({ ...config.clamd, timeoutMs: CLAMD_TIMEOUT_MS }) : null,
    };
    const housekeeping = startPeriodicJob({
      name: 'purge-expired-records',
      everyMs: 5 * 60_000,
      logger,
      run: async () => void (await unsafePurgeExpiredRecords(db, ctx.clock.now())),
    });
    cleanups.push(() => housekeeping.stop());
    cleanups.push(startRetentionJob(ctx));
    cleanups.push(startDocumentJobs(ctx));
    cleanups.push(await startPrivacyJobs(ctx));
    if (config.auditSyslog) {
      const forwarder = startSyslogForwarder({
        db,
        logger,
        target: parseSyslogUrl(config.auditSyslog.url, config.auditSyslog.caFile),
        hostname: new URL(config.publicUrl).hostname,
      });
      cleanups.push(() => forwarder.stop());
    }
    cleanups.push(startWebhookDispatcher(ctx));
    // An API key (X-Api-Key) or a session: keys are resolved by the developer module, sessions as before.
    // Each key's token bucket: in Redis when REDIS_URL is set, so every process spends the same one.
    const keyRateLimiter = await createKeyRateLimiterFor(ctx);
    cleanups.push(() => keyRateLimiter.close?.());
    const resolvePrincipal = withApiKeys(
      createApiKeyAuthenticator(ctx, keyRateLimiter),
      (opts.resolvePrincipal ?? createAccessTokenResolver)(ctx),
    );
    // The judges' store (its own database when JUDICIAL_DATABASE_URL is set): a wrong judicial key stops the start.
    const judicialStore = await openJudicialStore(ctx);
    cleanups.push(() => judicialStore.close());
    const app = await buildApp(ctx, { resolvePrincipal });
    cleanups.push(() => app.close());
    return { ctx, app, setupToken, close };
  } catch (err) {
    await close().catch(() => undefined);
    throw explainStartupFailure(err, config);
  }
}

async function openPostgresOwnerOnly(url: string, logger: Logger): Promise<Database> {
  return openDatabase({ kind: 'postgres', ownerUrl: url, appUrl: url, appPoolSize: 1, logger });
}

async function runMigrations(db: Database, config: Config): Promise<void> {
  try {
    await migrate(db);
  } catch (err) {
    if (err instanceof MigrationError)
      throw new StartupError(`${err.message}\nThe database was left as it was before this file.`);
    if (isDatabaseUnavailable(err)) {
      throw new StartupError(
        `cannot reach the database${config.databaseUrl ? ` at ${describeUrl(config.databaseUrl)} (DATABASE_URL)` : ''}: ${(err as Error).message}`,
      );
    }
    throw err;
  }
}

async function deploymentExists(db: Database): Promise<boolean> {
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM chambers.deployment`.execute(db.owner);
  return (rows[0]?.n ?? 0) > 0;
}

function describeUrl(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || 5432}/${u.pathname.slice(1)}`;
}

function explainStartupFailure(err: unknown, config: Config): Error {
  if (err instanceof StartupError) return err;
  if (isDatabaseUnavailable(err)) {
    return new StartupError(
      `cannot reach the database${config.databaseUrl ? ` at ${describeUrl(config.databaseUrl)}` : ''}: ${(err as Error).message}`,
    );
  }
  return err instanceof Error ? err : new Error(String(err));
}
