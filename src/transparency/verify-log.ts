import type { Kysely } from 'kysely';
import type { DB } from '../platform/db/index.ts';
import { canonicalEventBytes, sealedLeafRows, sealedRows, toFields, type EventRow } from '../audit/index.ts';
import type { AuditTree } from './audit-tree.ts';
import { verifyCheckpointSignature, type Checkpoint } from './checkpoint.ts';
import { MerkleAccumulator, hashEquals, leafHash } from './merkle/index.ts';

export type LogVerdict = {
  ok: boolean;
  /** Sealed events read and found consistent. */
  size: number;
  /** The first sequence number at which the log is wrong, when one can be named. */
  firstBad: number | null;
  problems: string[];
  /** Where the verified log starts (the newest valid pruned checkpoint), 0 if never purged. */
  prunedBelow: number;
};

/**
 * Re-reads the whole sealed log from the database, recomputes every leaf from
 * the event's fields, checks the sequence numbers have no gap, and checks the
 * Merkle root at the size of every signed checkpoint given. Catches an edited
 * row, a deleted row, a cut tail and a rewritten history (hashes recomputed):
 * the last one because the root no longer matches a signature made before.
 * Optionally fills `tree` with the leaves it verified.
 */
export async function verifyLiveLog(
  db: Kysely<DB>,
  opts: {
    checkpoints: Checkpoint[];
    publicKeyRaw: Uint8Array;
    tree?: AuditTree;
    pageSize?: number;
    /**
     * 'hashes': trust each row's stored leaf hash and check only the structure (no gap, no cut
     * tail, every signed root): what the server does at start, reading 40 bytes per event. An
     * edit that left the leaf hash alone is then found by the sealer's content sweep.
     */
    check?: 'content' | 'hashes';
  },
): Promise<LogVerdict> {
  const problems: string[] = [];
  let firstBad: number | null = null;
  const bad = (seq: number | null, problem: string) => {
    problems.push(seq === null ? problem : `seq ${seq}: ${problem}`);
    if (seq !== null && (firstBad === null || seq < firstBad)) firstBad = seq;
  };
  const checkpoints = opts.checkpoints.filter((cp) => cp.kind === 'checkpoint');
  for (const cp of opts.checkpoints) {
    if (!verifyCheckpointSignature(cp, opts.publicKeyRaw))
      bad(null, `checkpoint at size ${cp.treeSize} has an invalid signature`);
  }
  const bySize = new Map<number, Checkpoint>();
  for (const cp of checkpoints) {
    const seen = bySize.get(cp.treeSize);
    if (seen && seen.rootHash !== cp.rootHash)
      bad(null, `two signed checkpoints at size ${cp.treeSize} disagree on the root`);
    bySize.set(cp.treeSize, cp);
  }
  const maxSize = Math.max(0, ...checkpoints.map((c) => c.treeSize));
  // After a retention purge the log starts at the newest signed 'pruned below N' checkpoint:
  // its peaks (which must fold to its signed root) stand in for the removed leaves [0, N).
  const pruned = newestPrunedCheckpoint(opts.checkpoints, opts.publicKeyRaw);
  const acc = pruned ? MerkleAccumulator.fromState(pruned.treeSize, pruned.peaks) : new MerkleAccumulator();
  if (pruned) opts.tree?.seedPruned(pruned.treeSize, pruned.peaks);
  const checkRoot = () => {
    const cp = bySize.get(acc.size);
    if (cp && !hashEquals(acc.root(), Buffer.from(cp.rootHash, 'base64'))) {
      bad(
        null,
        `the root at size ${cp.treeSize} differs from the checkpoint signed ${cp.signedAt}: history before it was rewritten`,
      );
      return false;
    }
    return true;
  };
  const page = opts.pageSize ?? 5000;
  let stop = !checkRoot();
  const contentToo = (opts.check ?? 'content') === 'content';
  while (!stop) {
    const rows = contentToo
      ? await sealedRows(db, acc.size, acc.size + page)
      : await sealedLeafRows(db, acc.size, acc.size + page);
    if (rows.length === 0) break;
    for (const r of rows) {
      if (r.seq !== acc.size) {
        bad(acc.size, `missing (next sealed event is seq ${r.seq}): events were deleted`);
        stop = true;
        break;
      }
      const stored = r.leaf_hash ? Buffer.from(r.leaf_hash) : null;
      const computed = contentToo ? leafHash(canonicalEventBytes(toFields(r as EventRow, r.seq))) : stored;
      if (!computed || !stored || !hashEquals(computed, stored)) {
        bad(r.seq, 'the event does not match its leaf hash: it was edited');
        stop = true;
        break;
      }
      acc.append(computed);
      opts.tree?.append(computed);
      if (!checkRoot()) {
        stop = true;
        break;
      }
    }
    if (rows.length < page) break;
  }
  if (problems.length === 0 && acc.size < maxSize) {
    bad(
      acc.size,
      `the log ends at size ${acc.size} but a checkpoint was signed at size ${maxSize}: events were removed from the end`,
    );
  }
  return { ok: problems.length === 0, size: acc.size, firstBad, problems, prunedBelow: pruned?.treeSize ?? 0 };
}

/**
 * The newest 'pruned below N' checkpoint whose signature verifies and whose peaks
 * fold to its signed root (N = its tree size), or null. Pure: the bundle verifier uses it too.
 */
export function newestPrunedCheckpoint(
  checkpoints: Checkpoint[],
  publicKeyRaw: Uint8Array,
): { treeSize: number; peaks: Buffer[]; checkpoint: Checkpoint } | null {
  let best: { treeSize: number; peaks: Buffer[]; checkpoint: Checkpoint } | null = null;
  for (const cp of checkpoints) {
    if (cp.kind !== 'pruned' || cp.prunedBelow !== cp.treeSize || !verifyCheckpointSignature(cp, publicKeyRaw))
      continue;
    try {
      const peaks = (cp.peaks ?? []).map((p) => Buffer.from(p, 'base64'));
      if (!hashEquals(MerkleAccumulator.fromState(cp.treeSize, peaks).root(), Buffer.from(cp.rootHash, 'base64')))
        continue;
      if (!best || cp.treeSize > best.treeSize) best = { treeSize: cp.treeSize, peaks, checkpoint: cp };
    } catch {
      /* malformed peaks: not a usable pruned checkpoint */
    }
  }
  return best;
}
