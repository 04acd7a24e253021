import type { Logger } from 'pino';
import type { AuditLog } from './audit/audit.ts';
import type { AuditSealer } from './audit/sealer.ts';
import type { CaptchaVerifier } from './auth/captcha.ts';
import type { Config } from './config.ts';
import type { RateLimitStore } from './http/rate-limit.ts';
import type { Clock } from './platform/clock.ts';
import type { Database } from './platform/db/database.ts';
import type { KeyRing } from './platform/keys.ts';
import type { Mailer } from './platform/mail/index.ts';

/** What every module receives: configuration, the database, keys, clock and the shared services. */
export type AppContext = {
  config: Config;
  db: Database;
  keys: KeyRing;
  clock: Clock;
  logger: Logger;
  mailer: Mailer;
  audit: AuditLog;
  /** Seals events into the Merkle tree and signs checkpoints (one loop per process). */
  auditSealer: AuditSealer;
  rateLimitStore: RateLimitStore;
  captcha: CaptchaVerifier;
};
