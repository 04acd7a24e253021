/**
 * Merkle Tree Hash (MTH) per RFC 9162 §2.1.1, and an incremental accumulator.
 *
 * Sizes and indices are JavaScript numbers restricted to safe integers
 * (< 2^53); all index arithmetic below uses division rather than 32-bit
 * bitwise operators so trees larger than 2^32 leaves are handled correctly.
 */
import { HASH_SIZE, emptyRoot, hashChildren, leafHash } from './hash.ts';

/** A perfect (complete, aligned) subtree: leaves [index * 2^level, (index + 1) * 2^level). */
export interface NodeId {
  readonly level: number;
  readonly index: number;
}

/** True for a tree size / leaf count we accept: a safe integer >= 0. Never throws. */
export function isTreeSize(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** The largest power of two strictly less than n (RFC 9162's k). Requires n >= 2. */
export function splitPoint(n: number): number {
  if (!isTreeSize(n) || n < 2) throw new RangeError(`splitPoint needs an integer n >= 2, got ${String(n)}`);
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function assertLeafHash(h: unknown, where: string): asserts h is Uint8Array {
  if (!(h instanceof Uint8Array) || h.length !== HASH_SIZE) {
    throw new TypeError(`${where}: leaf hash must be a ${HASH_SIZE}-byte Uint8Array`);
  }
}

/**
 * MTH(D[start:end]) over leaf hashes, exactly as RFC 9162 §2.1.1 defines it:
 *   MTH({})      = SHA-256()
 *   MTH({d0})    = leaf hash of d0 (already given here)
 *   MTH(D[n])    = HASH(0x01 || MTH(D[0:k]) || MTH(D[k:n])), k = largest power of two < n
 * Recursion depth is O(log n); work is n - 1 node hashes.
 */
export function subtreeRootFromLeafHashes(leafHashes: readonly Uint8Array[], start: number, end: number): Buffer {
  if (!isTreeSize(start) || !isTreeSize(end) || start > end || end > leafHashes.length) {
    throw new RangeError(`invalid leaf range [${String(start)}, ${String(end)}) of ${leafHashes.length}`);
  }
  if (start === end) return emptyRoot();
  return mth(leafHashes, start, end);
}

function mth(leafHashes: readonly Uint8Array[], start: number, end: number): Buffer {
  const n = end - start;
  if (n === 1) {
    const h = leafHashes[start];
    assertLeafHash(h, `leaf ${start}`);
    return Buffer.from(h);
  }
  const k = splitPoint(n);
  return hashChildren(mth(leafHashes, start, start + k), mth(leafHashes, start + k, end));
}

/** MTH of a whole list of leaf hashes (RFC 9162 §2.1.1). Empty list → SHA-256(""). */
export function rootFromLeafHashes(leafHashes: readonly Uint8Array[]): Buffer {
  return subtreeRootFromLeafHashes(leafHashes, 0, leafHashes.length);
}

/**
 * Splits the leaf range [start, end) into the perfect subtrees whose hashes,
 * folded right to left with nodeHash, give MTH(D[start:end]). Left to right,
 * largest first. This is what lets a store that only keeps perfect-subtree
 * hashes (level, index) answer any MTH the proofs need.
 *
 * The range must be one the MTH recursion produces: with P the largest power
 * of two <= end - start, `start` must be a multiple of P. Throws RangeError
 * otherwise (there is no stored node for such a range).
 */
export function perfectSubtrees(start: number, end: number): NodeId[] {
  if (!isTreeSize(start) || !isTreeSize(end) || start >= end) {
    throw new RangeError(`invalid leaf range [${String(start)}, ${String(end)})`);
  }
  const out: NodeId[] = [];
  let offset = start;
  let remaining = end - start;
  let size = 1;
  let level = 0;
  while (size * 2 <= remaining) {
    size *= 2;
    level += 1;
  }
  if (offset % size !== 0) {
    throw new RangeError(`leaf range [${start}, ${end}) is not aligned to a Merkle subtree`);
  }
  while (remaining > 0) {
    if (size <= remaining) {
      out.push({ level, index: offset / size });
      offset += size;
      remaining -= size;
    }
    size /= 2;
    level -= 1;
  }
  return out;
}

/**
 * Incremental Merkle tree head over leaves 0..size-1 (a "compact range" starting
 * at 0). Keeps one perfect-subtree hash per set bit of `size`, so memory is
 * O(log n) and append is amortised O(1) hashes (worst case O(log n)).
 * `root()` yields MTH at the current size in O(log n) hashes.
 */
export class MerkleAccumulator {
  #size = 0;
  /** Perfect-subtree hashes, left to right (largest first); one per set bit of #size. */
  #peaks: Buffer[] = [];

  /** Number of leaves appended so far. */
  get size(): number {
    return this.#size;
  }

  /**
   * Rebuilds an accumulator from a saved (size, peaks) pair, e.g. a checkpoint.
   * Throws RangeError/TypeError if the state is malformed.
   */
  static fromState(size: number, peaks: readonly Uint8Array[]): MerkleAccumulator {
    if (!isTreeSize(size)) throw new RangeError(`invalid size ${String(size)}`);
    if (!Array.isArray(peaks) || peaks.length !== popcount(size)) {
      throw new RangeError(`size ${size} needs exactly ${popcount(size)} peaks`);
    }
    const acc = new MerkleAccumulator();
    acc.#size = size;
    acc.#peaks = peaks.map((p, i) => {
      assertLeafHash(p, `peak ${i}`);
      return Buffer.from(p);
    });
    return acc;
  }

  /** Appends one leaf hash (already SHA-256(0x00 || data)). */
  append(leafHashValue: Uint8Array): void {
    assertLeafHash(leafHashValue, 'append');
    if (this.#size >= Number.MAX_SAFE_INTEGER) throw new RangeError('tree is full');
    // Each trailing 1 bit of the old size is a perfect subtree that the new
    // leaf completes into one twice as large.
    let s = this.#size;
    if (s % 2 === 0) {
      // Kept as a peak: copy, so the caller may reuse or mutate its buffer.
      this.#peaks.push(Buffer.from(leafHashValue));
    } else {
      // The leaf is consumed at once by hashChildren (which copies its input).
      let h = this.#mergeWithLastPeak(leafHashValue);
      s = (s - 1) / 2;
      while (s % 2 === 1) {
        h = this.#mergeWithLastPeak(h);
        s = (s - 1) / 2;
      }
      this.#peaks.push(h);
    }
    this.#size += 1;
  }

  #mergeWithLastPeak(right: Uint8Array): Buffer {
    const left = this.#peaks.pop();
    if (left === undefined) throw new Error('accumulator state corrupt');
    return hashChildren(left, right);
  }

  /** Hashes leaf data, appends it, and returns its leaf hash. */
  appendLeaf(data: Uint8Array): Buffer {
    const h = leafHash(data);
    this.append(h);
    return h;
  }

  /** MTH of the leaves appended so far; SHA-256("") when empty. */
  root(): Buffer {
    const peaks = this.#peaks;
    let i = peaks.length - 1;
    const last = peaks[i];
    if (last === undefined) return emptyRoot();
    let r: Buffer = last;
    for (i -= 1; i >= 0; i--) {
      const left = peaks[i];
      if (left === undefined) throw new Error('accumulator state corrupt');
      r = hashChildren(left, r);
    }
    return Buffer.from(r);
  }

  /** Copies of the perfect-subtree hashes (left to right) — with `size`, the whole state. */
  peaks(): Buffer[] {
    return this.#peaks.map((p) => Buffer.from(p));
  }

  clone(): MerkleAccumulator {
    return MerkleAccumulator.fromState(this.#size, this.#peaks);
  }
}

/** Alias: the accumulator is the compact range [0, size). */
export const CompactRange = MerkleAccumulator;
export type CompactRange = MerkleAccumulator;

function popcount(n: number): number {
  let c = 0;
  while (n > 0) {
    c += n % 2;
    n = Math.floor(n / 2);
  }
  return c;
}
