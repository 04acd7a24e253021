import type { Logger } from 'pino';
import type { Clock } from '../platform/clock.ts';
import type { Database } from '../platform/db/index.ts';
import type { KeyRing } from '../platform/keys.ts';
import { AuditTree } from './audit-tree.ts';
import { checkpointOrigin, type Checkpoint } from './checkpoint.ts';
import { unsafeFetchLeafHashes } from './sealer.repository.ts';

/**
 * Events sealed per transaction. Embedded PGlite runs each statement synchronously on the
 * server's own thread, so there a backlog is sealed in smaller batches; on both, a turn of
 * the event loop between batches keeps requests served while it drains.
 */
const BATCH_BY_KIND = { pglite: 2000, postgres: 5000 } as const;

export const yieldToEventLoop = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));

export type SealerStatus = {
  state: 'starting' | 'ok' | 'alarm' | 'stopped';
  alarm: string | null;
  /** When the alarm was raised (ISO), or null. */
  alarmSince: string | null;
  treeSize: number;
  lastCheckpoint: Checkpoint | null;
  /** Events below this sequence number were removed by the retention purge. */
  prunedBelow: number;
  /** How far the background re-hash of every event's content since start has come. */
  contentVerifiedTo: number;
};

export type SealerOptions = {
  db: Database;
  keys: Pick<KeyRing, 'auditKey'>;
  logger: Logger;
  clock: Clock;
  dataDir: string;
  publicUrl: string;
  checkpointEvery: number;
  checkpointSeconds: number;
  intervalMs?: number;
  /** Called after each checkpoint (normal or pruned) is stored; must not throw (the S3 mirror). */
  onCheckpoint?: () => void;
};

/** What sealing, verifying and pruning share in one process: the cached tree and where the log stands. */
export type SealerState = {
  readonly opts: SealerOptions;
  readonly tree: AuditTree;
  readonly origin: string;
  readonly batch: number;
  state: SealerStatus['state'];
  alarm: string | null;
  alarmSince: string | null;
  prunedBelow: number;
  last: Checkpoint | null;
  lastCheckpointAt: number;
  /** Where the next checkpoint's rolling re-hash window starts. */
  reverifyCursor: number;
  contentVerifiedTo: number;
  stopped: boolean;
};

export function createSealerState(opts: SealerOptions): SealerState {
  return {
    opts,
    tree: new AuditTree(),
    origin: checkpointOrigin(opts.publicUrl),
    batch: BATCH_BY_KIND[opts.db.kind],
    state: 'starting',
    alarm: null,
    alarmSince: null,
    prunedBelow: 0,
    last: null,
    lastCheckpointAt: 0,
    reverifyCursor: 0,
    contentVerifiedTo: 0,
    stopped: false,
  };
}

export const fetchLeavesOf = (s: SealerState) => (from: number, to: number) =>
  unsafeFetchLeafHashes(s.opts.db, from, to);

/** The stored log no longer matches what was signed: say so once, loudly, and stop sealing for good. */
export function raiseAlarm(s: SealerState, message: string): void {
  if (!s.alarm)
    s.opts.logger.error(
      { audit: message },
      'AUDIT ALARM: the stored audit log no longer matches its signed checkpoints; sealing stopped',
    );
  s.alarm = message;
  s.alarmSince ??= s.opts.clock.now().toISOString();
  s.state = 'alarm';
}
