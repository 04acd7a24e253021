import { readCheckpointFile, type Checkpoint } from './checkpoint.ts';
import { pruneLog, type PruneResult } from './prune.ts';
import { catchUp, sealRound } from './seal.ts';
import { createSealerState, fetchLeavesOf, raiseAlarm, type SealerOptions, type SealerStatus } from './sealer-state.ts';
import { unsafeLoadCheckpoints, unsafeVerifyLiveLog } from './sealer.repository.ts';
import { sweepContent } from './verify.ts';
import type { AuditTree } from './audit-tree.ts';

export type { PruneResult } from './prune.ts';
export type { SealerOptions, SealerStatus } from './sealer-state.ts';

export type AuditSealer = {
  tree: AuditTree;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Seals every pending event now (tests, export); `checkpoint: true` signs a checkpoint even before it is due. */
  sealNow(opts?: { checkpoint?: boolean }): Promise<{ sealed: number; checkpoint: Checkpoint | null }>;
  status(): SealerStatus;
  /** Settles when the re-hash of every event's content that follows start is over (or stopped). */
  contentSweepDone(): Promise<void>;
  /** Brings the in-memory tree up to the sealed log (another process may have sealed). */
  catchUp(): Promise<number>;
  fetchLeaves(from: number, to: number): Promise<Buffer[]>;
  /** The retention purge (see pruneLog), under the same lock as sealing. */
  prune(plan: () => Promise<number>): Promise<PruneResult>;
};

/** The newest normal checkpoint of a list (largest tree). */
export const latestCheckpoint = (cps: Checkpoint[]): Checkpoint | null =>
  cps
    .filter((c) => c.kind === 'checkpoint')
    .reduce<Checkpoint | null>(
      (best, c) =>
        !best || c.treeSize > best.treeSize || (c.treeSize === best.treeSize && c.signedAt > best.signedAt) ? c : best,
      null,
    );

/**
 * The one writer of the Merkle structure. Every ≤1 s it takes unsealed events in
 * id order, gives them the next gap-free sequence numbers and their leaf hashes
 * (as the owner, under an advisory lock so two processes never seal at once),
 * and every N events or T seconds with activity signs a checkpoint, stored in the
 * database and appended to <data>/audit/checkpoints.log. Before it seals anything,
 * and before each checkpoint, it checks the stored log is still the one it signed;
 * if not it raises an alarm and stops sealing for good: it never re-chains.
 */
export function createAuditSealer(opts: SealerOptions): AuditSealer {
  const s = createSealerState(opts);
  const { logger } = opts;
  const intervalMs = opts.intervalMs ?? 1000;
  let timer: NodeJS.Timeout | null = null;
  let contentSweep: Promise<void> = Promise.resolve();
  // One queue for every change to the tree: sealing rounds, sweep windows and purges never interleave.
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn, fn);
    chain = run.catch(() => undefined);
    return run;
  };

  const schedule = () => {
    if (s.stopped) return;
    timer = setTimeout(() => {
      void serial(() => sealRound(s, false))
        .catch((err: Error) => logger.error({ err: { message: err.message } }, 'audit sealing failed; retrying'))
        .finally(schedule);
    }, intervalMs);
    timer.unref();
  };

  /** Structure only before serving (stored leaf hashes against every signed root); content follows in the background. */
  async function verifyBeforeServing(): Promise<void> {
    const fromDb = await unsafeLoadCheckpoints(opts.db);
    const fromFile = readCheckpointFile(opts.dataDir);
    const all = [...fromDb, ...fromFile];
    const verdict = await s.tree.exclusive(() =>
      unsafeVerifyLiveLog(opts.db, {
        checkpoints: all,
        publicKeyRaw: opts.keys.auditKey.publicKeyRaw,
        tree: s.tree,
        check: 'hashes',
      }),
    );
    s.last = latestCheckpoint(all);
    s.prunedBelow = verdict.prunedBelow;
    s.lastCheckpointAt = s.last ? new Date(s.last.signedAt).getTime() : opts.clock.now().getTime();
    if (!verdict.ok) {
      s.state = 'starting';
      raiseAlarm(s, verdict.problems.join('; '));
      return;
    }
    const dbLatest = latestCheckpoint(fromDb);
    if (fromFile.length > 0 && s.last && (!dbLatest || dbLatest.treeSize < s.last.treeSize)) {
      logger.warn(
        { treeSize: s.last.treeSize },
        'the newest audit checkpoint is in checkpoints.log but not in the database',
      );
    }
    s.state = 'ok';
  }

  return {
    tree: s.tree,
    fetchLeaves: fetchLeavesOf(s),
    catchUp: () => catchUp(s),
    async start() {
      await serial(verifyBeforeServing);
      if (s.state === 'ok') contentSweep = sweepContent(s, s.tree.size, serial);
      schedule();
    },
    contentSweepDone: () => contentSweep,
    async stop() {
      s.stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await contentSweep;
      await chain;
      if (s.state !== 'alarm') s.state = 'stopped';
    },
    sealNow: (o = {}) => serial(() => sealRound(s, o.checkpoint === true)),
    prune: (plan) => serial(() => pruneLog(s, plan)),
    status: () => ({
      state: s.state,
      alarm: s.alarm,
      alarmSince: s.alarmSince,
      treeSize: s.tree.size,
      lastCheckpoint: s.last,
      prunedBelow: s.prunedBelow,
      contentVerifiedTo: s.contentVerifiedTo,
    }),
  };
}
