import { appendCheckpointFile, signCheckpoint, type Checkpoint } from './checkpoint.ts';
import { fetchLeavesOf, raiseAlarm, yieldToEventLoop, type SealerState } from './sealer-state.ts';
import { unsafeSealPendingEvents, unsafeStoreCheckpoint } from './sealer.repository.ts';
import { consistentWithLastCheckpoint } from './verify.ts';

/** Brings the in-memory tree up to the sealed log (another process may have sealed). */
export function catchUp(s: SealerState): Promise<number> {
  const fetchLeaves = fetchLeavesOf(s);
  return s.tree.exclusive(async () => {
    for (;;) {
      const from = s.tree.size;
      const hashes = await fetchLeaves(from, from + s.batch);
      for (const h of hashes) s.tree.append(h);
      if (hashes.length < s.batch) return s.tree.size;
      await yieldToEventLoop();
    }
  });
}

/** Seals one batch of pending events and appends their leaves to the tree; returns how many. */
async function sealBatch(s: SealerState): Promise<number> {
  const known = Math.max(s.tree.size, s.last?.treeSize ?? 0);
  const sealed = await unsafeSealPendingEvents(s.opts.db, known, s.batch);
  if (sealed.cut) {
    raiseAlarm(s, `the log ends at size ${sealed.first} but ${known} events were already sealed and signed`);
    return 0;
  }
  if (sealed.hashes.length === 0) return 0;
  const fetchLeaves = fetchLeavesOf(s);
  await s.tree.exclusive(async () => {
    if (s.tree.size < sealed.first) {
      // Another process sealed in between: read its leaves first.
      for (;;) {
        const more = await fetchLeaves(s.tree.size, Math.min(sealed.first, s.tree.size + s.batch));
        for (const h of more) s.tree.append(h);
        if (s.tree.size >= sealed.first || more.length === 0) break;
      }
    }
    sealed.hashes.forEach((h, i) => {
      if (sealed.first + i === s.tree.size) s.tree.append(h);
    });
  });
  return sealed.hashes.length;
}

/** Signs and stores a checkpoint over the whole tree, after checking the stored log still matches the last one. */
async function signCheckpointNow(s: SealerState): Promise<Checkpoint | null> {
  await catchUp(s);
  if (s.last && s.tree.size <= s.last.treeSize) return null;
  const problem = await consistentWithLastCheckpoint(s);
  if (problem) {
    raiseAlarm(s, problem);
    return null;
  }
  const { opts } = s;
  const cp = signCheckpoint(opts.keys.auditKey, {
    origin: s.origin,
    treeSize: s.tree.size,
    root: s.tree.root(),
    signedAt: opts.clock.now(),
  });
  if (await unsafeStoreCheckpoint(opts.db, cp)) appendCheckpointFile(opts.dataDir, cp);
  opts.onCheckpoint?.();
  s.last = cp;
  s.lastCheckpointAt = opts.clock.now().getTime();
  return cp;
}

/** One sealing round: every pending event, then a checkpoint when one is due (or `force`d). */
export async function sealRound(
  s: SealerState,
  force: boolean,
): Promise<{ sealed: number; checkpoint: Checkpoint | null }> {
  if (s.state !== 'ok') return { sealed: 0, checkpoint: null };
  let sealed = 0;
  for (;;) {
    const n = await sealBatch(s);
    sealed += n;
    if (n < s.batch || s.state !== 'ok') break;
    await yieldToEventLoop();
  }
  if (s.state !== 'ok') return { sealed, checkpoint: null };
  // Another process may have sealed the last events: a forced checkpoint covers them too.
  if (force) await catchUp(s);
  const pending = s.tree.size - (s.last?.treeSize ?? 0);
  const { checkpointEvery, checkpointSeconds, clock } = s.opts;
  const due =
    pending > 0 &&
    (force || pending >= checkpointEvery || clock.now().getTime() - s.lastCheckpointAt >= checkpointSeconds * 1000);
  return { sealed, checkpoint: due ? await signCheckpointNow(s) : null };
}
