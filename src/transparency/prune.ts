import { BLOCK_SIZE } from './audit-tree.ts';
import { appendCheckpointFile, signCheckpoint, type Checkpoint } from './checkpoint.ts';
import { MerkleAccumulator } from './merkle/index.ts';
import { sealRound } from './seal.ts';
import type { SealerState } from './sealer-state.ts';
import { unsafePurgeEventsBelow, unsafeStoreCheckpoint } from './sealer.repository.ts';
import { refreshPrunedBelow } from './verify.ts';

export type PruneResult = { prunedBelow: number; removed: number; checkpoint: Checkpoint | null };

/**
 * The retention purge: seals and checkpoints, asks `plan` for the first sequence number
 * to keep, rounds it down to a whole block, signs and stores a 'pruned below N'
 * checkpoint (database and file) before a single row goes, then deletes [0, N).
 * Verification carries on from N with the checkpoint's peaks.
 */
export async function pruneLog(s: SealerState, plan: () => Promise<number>): Promise<PruneResult> {
  if (s.state !== 'ok') throw new Error(`the audit log is not sealing (${s.state}): no purge`);
  await sealRound(s, true);
  if (s.state !== 'ok') throw new Error('the audit log raised an alarm: no purge');
  await refreshPrunedBelow(s);
  const keep = Math.min(await plan(), s.tree.size);
  const below = keep - (keep % BLOCK_SIZE);
  if (below <= s.prunedBelow) return { prunedBelow: s.prunedBelow, removed: 0, checkpoint: null };
  const { opts } = s;
  const peaks = s.tree.peaksAt(below);
  const root = MerkleAccumulator.fromState(below, peaks).root();
  const cp = signCheckpoint(opts.keys.auditKey, {
    origin: s.origin,
    treeSize: below,
    root,
    signedAt: opts.clock.now(),
    kind: 'pruned',
    prunedBelow: below,
    peaks,
  });
  await unsafeStoreCheckpoint(opts.db, cp, { below, peaks });
  appendCheckpointFile(opts.dataDir, cp);
  opts.onCheckpoint?.();
  const removed = await unsafePurgeEventsBelow(opts.db, below);
  s.prunedBelow = below;
  return { prunedBelow: s.prunedBelow, removed, checkpoint: cp };
}
