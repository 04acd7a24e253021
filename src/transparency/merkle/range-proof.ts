/**
 * Range proofs over an RFC 9162 tree: the root of a tree of `treeSize` leaves
 * from the hashes of a run of consecutive leaves [start, end) plus the hashes
 * of the subtrees beside the run (at most about 2·log2(treeSize) of them).
 * An export carries one per run of consecutive events instead of one
 * inclusion proof per event: the verifier hashes each leaf once and each
 * interior node of the run once.
 */
import { HASH_SIZE, hashChildren } from './hash.ts';
import { isTreeSize, splitPoint } from './tree.ts';
import type { SubtreeRange } from './proofs.ts';

function assertRun(start: number, end: number, treeSize: number): void {
  if (!isTreeSize(start) || !isTreeSize(end) || !isTreeSize(treeSize) || start >= end || end > treeSize) {
    throw new RangeError(
      `a range proof needs 0 <= start < end <= treeSize, got ${String(start)}, ${String(end)}, ${String(treeSize)}`,
    );
  }
}

/**
 * The subtrees, in proof order (depth first, left to right), that lie wholly
 * outside [start, end) and whose parent overlaps it: their hashes are the proof.
 */
export function rangeProofRanges(start: number, end: number, treeSize: number): SubtreeRange[] {
  assertRun(start, end, treeSize);
  const out: SubtreeRange[] = [];
  const walk = (lo: number, hi: number): void => {
    if (hi <= start || lo >= end) {
      out.push({ start: lo, end: hi });
      return;
    }
    if (lo >= start && hi <= end) return;
    const k = splitPoint(hi - lo);
    walk(lo, lo + k);
    walk(lo + k, hi);
  };
  walk(0, treeSize);
  return out;
}

/** MTH of [lo, hi) from the run's leaf hashes (`leaf(i)` for lo <= i < hi). */
function runSubtreeRoot(leaf: (index: number) => Uint8Array, lo: number, hi: number): Uint8Array {
  if (hi - lo === 1) return leaf(lo);
  const k = splitPoint(hi - lo);
  return hashChildren(runSubtreeRoot(leaf, lo, lo + k), runSubtreeRoot(leaf, lo + k, hi));
}

/**
 * The tree root implied by the run's leaf hashes and the proof, or null when
 * the proof has the wrong number of hashes or one that is not 32 bytes.
 * Compare the result with the signed root: equal means every leaf of the run
 * is in the signed tree at its index.
 */
export function rootFromRangeProof(
  start: number,
  end: number,
  treeSize: number,
  leaf: (index: number) => Uint8Array,
  proof: readonly Uint8Array[],
): Uint8Array | null {
  assertRun(start, end, treeSize);
  let next = 0;
  let bad = false;
  const walk = (lo: number, hi: number): Uint8Array => {
    if (hi <= start || lo >= end) {
      const h = proof[next++];
      if (!(h instanceof Uint8Array) || h.length !== HASH_SIZE) bad = true;
      return h instanceof Uint8Array ? h : new Uint8Array(HASH_SIZE);
    }
    if (lo >= start && hi <= end) return runSubtreeRoot(leaf, lo, hi);
    const k = splitPoint(hi - lo);
    const left = walk(lo, lo + k);
    return hashChildren(left, walk(lo + k, hi));
  };
  const root = walk(0, treeSize);
  return bad || next !== proof.length ? null : root;
}
