import type { Logger } from 'pino';
import type { AuditLog } from '../audit/index.ts';
import type { AuditSealer, CheckpointMirror } from '../transparency/index.ts';
import type { CaptchaVerifier } from '../platform/captcha/index.ts';
import type { Config } from '../platform/config.ts';
import type { RateLimitStore, Metrics } from '../http/index.ts';
import type { Clock } from '../platform/clock.ts';
import type { Database } from '../platform/db/index.ts';
import type { KeyRing } from '../platform/keys.ts';
import type { Mailer } from '../platform/mail/index.ts';
import type { BlobStore } from '../platform/storage/index.ts';
import type { Scanner } from '../platform/scanner/index.ts';
import type { OrgKeyring } from '../crypto/index.ts';

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
  /** Copies signed checkpoints to S3 under Object Lock; undefined when AUDIT_S3_BUCKET is unset. */
  checkpointMirror?: CheckpointMirror | undefined;
  rateLimitStore: RateLimitStore;
  /** Prometheus registry and the counters other modules report to. */
  metrics: Metrics;
  captcha: CaptchaVerifier;
  /** Where sealed document blobs live (local `<data>/blobs` or S3); only ciphertext goes in. */
  blobStore: BlobStore;
  /** Organization keys and per-document data keys under the master key. */
  orgKeyring: OrgKeyring;
  /** clamd INSTREAM scanner; null when CLAMD_HOST is not set. */
  scanner: Scanner | null;
};
