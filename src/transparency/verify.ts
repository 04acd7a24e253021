import { toFields, canonicalEventBytes } from '../audit/index.ts';
import { BLOCK_SIZE } from './audit-tree.ts';
import { hashEquals, leafHash, rootFromLeafHashes } from './merkle/index.ts';
import { fetchLeavesOf, raiseAlarm, type SealerState } from './sealer-state.ts';
import { unsafeFetchSealedRows, unsafeNewestPrunedCheckpointRows, unsafeSealedExtent } from './sealer.repository.ts';
import { newestPrunedCheckpoint } from './verify-log.ts';

/**
 * How many sealed events each checkpoint re-reads and re-hashes (a rolling window over the whole log).
 * Whole blocks: a window ending inside a complete block would compare a partial block with its cached hash.
 */
export const REVERIFY_WINDOW = 80 * BLOCK_SIZE;

/** Another process (or `chambers audit purge`) may have purged: take the newest validly signed pruned checkpoint. */
export async function refreshPrunedBelow(s: SealerState): Promise<void> {
  const pruned = newestPrunedCheckpoint(
    await unsafeNewestPrunedCheckpointRows(s.opts.db),
    s.opts.keys.auditKey.publicKeyRaw,
  );
  if (pruned && pruned.treeSize > s.prunedBelow) s.prunedBelow = pruned.treeSize;
}

/** Is the stored log still consistent with the last checkpoint? Count, the checkpoint's root, and a rolling re-hash window. */
export async function consistentWithLastCheckpoint(s: SealerState): Promise<string | null> {
  const last = s.last;
  if (!last) return null;
  await refreshPrunedBelow(s);
  const size = s.tree.size;
  const { count, maxSeq } = await unsafeSealedExtent(s.opts.db);
  const top = Math.max(maxSeq + 1, s.prunedBelow);
  if (count !== top - s.prunedBelow)
    return `sealed events have a gap: ${count} rows from seq ${s.prunedBelow} up to seq ${maxSeq}`;
  if (top < last.treeSize) return `the log ends at size ${top} but the checkpoint was signed at size ${last.treeSize}`;
  const root = await s.tree.rootAt(last.treeSize, fetchLeavesOf(s));
  if (root.toString('base64') !== last.rootHash)
    return `the root at size ${last.treeSize} no longer matches its signed checkpoint`;
  // Re-read a window of whole blocks: recompute each leaf from its content and compare with the cache.
  if (size > 0) {
    if (s.reverifyCursor >= size || s.reverifyCursor < s.prunedBelow) s.reverifyCursor = s.prunedBelow;
    const from = s.reverifyCursor - (s.reverifyCursor % BLOCK_SIZE);
    const to = Math.min(size, from + REVERIFY_WINDOW);
    const problem = await reverifyContent(s, from, to);
    if (problem) return problem;
    s.reverifyCursor = to;
  }
  return null;
}

/** Recomputes the leaves of [from, to) (whole blocks) from the events' content and compares them with the tree. */
export async function reverifyContent(s: SealerState, from: number, to: number): Promise<string | null> {
  const evs = await unsafeFetchSealedRows(s.opts.db, from, to);
  const tail = s.tree.tail();
  for (let b = from; b < to; b += BLOCK_SIZE) {
    const block = evs.slice(b - from, b - from + BLOCK_SIZE);
    const leaves: Buffer[] = [];
    for (const [i, r] of block.entries()) {
      if (r.seq !== b + i) return `seq ${b + i} is missing`;
      const h = leafHash(canonicalEventBytes(toFields(r, b + i)));
      if (!r.leaf_hash || !hashEquals(h, Buffer.from(r.leaf_hash)))
        return `seq ${b + i} does not match its leaf hash: it was edited`;
      leaves.push(h);
    }
    if (block.length < Math.min(BLOCK_SIZE, to - b)) return `seq ${b + block.length} is missing`;
    const cached = s.tree.blockHash(b / BLOCK_SIZE);
    if (cached) {
      if (!hashEquals(cached, rootFromLeafHashes(leaves)))
        return `the leaves of seq ${b}..${b + BLOCK_SIZE - 1} were rewritten`;
    } else if (b >= tail.start) {
      for (const [i, h] of leaves.entries())
        if (!hashEquals(tail.leaves[b - tail.start + i], h)) return `seq ${b + i} was rewritten`;
    }
  }
  return null;
}

/**
 * After the structural check at start, every event's content is re-hashed once in the
 * background, a window at a time between sealing rounds (`serial` keeps each window
 * apart from sealing), so a large log does not hold up start. An edit that left the
 * stored leaf hash alone raises the alarm here.
 */
export async function sweepContent(
  s: SealerState,
  upTo: number,
  serial: <T>(fn: () => Promise<T>) => Promise<T>,
): Promise<void> {
  const startedAt = Date.now();
  const blockStart = () => s.prunedBelow - (s.prunedBelow % BLOCK_SIZE);
  for (let from = blockStart(); from < upTo && !s.stopped && s.state === 'ok';) {
    const window = from;
    const problem = await serial(async () => {
      // A purge may have run between windows: start again above it.
      if (window < s.prunedBelow) return null;
      return reverifyContent(s, window, Math.min(upTo, window + REVERIFY_WINDOW));
    });
    if (problem) {
      raiseAlarm(s, problem);
      return;
    }
    from = Math.max(window + REVERIFY_WINDOW, blockStart());
    s.contentVerifiedTo = Math.min(upTo, from);
    await new Promise((r) => setImmediate(r));
  }
  if (s.state === 'ok' && !s.stopped)
    s.opts.logger.info(
      { events: upTo - s.prunedBelow, ms: Date.now() - startedAt },
      'audit log content re-verified since start',
    );
}
