/**
 * RFC 9162 §2.1.3 (inclusion) and §2.1.4 (consistency) proofs: generation and
 * verification.
 *
 * Generation is split in two steps so a store never has to load all leaves:
 *   1. `inclusionProofRanges` / `consistencyProofRanges` say WHICH subtree
 *      hashes MTH(D[start:end]) the proof consists of (pure index arithmetic,
 *      a literal transcription of PATH and SUBPROOF);
 *   2. a `subtreeRoot(start, end)` callback supplies those hashes. Adapters build
 *      that callback from an in-memory array of leaf hashes, a leaf-hash getter,
 *      or a `nodeHashAt(level, index)` lookup of stored perfect-subtree hashes
 *      (sync or async).
 * Generators throw RangeError/TypeError on invalid arguments (they run on our
 * own data). Verifiers never throw: any malformed or hostile input is `false`.
 */
import { HASH_SIZE, emptyRoot, hashEquals, isHash, nodeHash } from './hash.ts';
import { MerkleAccumulator, isTreeSize, perfectSubtrees, splitPoint } from './tree.ts';

/** The leaf range [start, end) whose MTH is one element of a proof. */
export interface SubtreeRange {
  readonly start: number;
  readonly end: number;
}

/** Leaf hashes, as an array or as a getter by leaf index. */
export type LeafHashSource = readonly Uint8Array[] | ((index: number) => Uint8Array);
/** Returns MTH(D[start:end]) for a range produced by the *ProofRanges functions. */
export type SubtreeRootFn = (start: number, end: number) => Uint8Array;
export type AsyncSubtreeRootFn = (start: number, end: number) => Uint8Array | Promise<Uint8Array>;
/** Returns the stored hash of the perfect subtree over leaves [index*2^level, (index+1)*2^level). */
export type NodeHashAtFn = (level: number, index: number) => Uint8Array;
export type AsyncNodeHashAtFn = (level: number, index: number) => Uint8Array | Promise<Uint8Array>;

// ---------------------------------------------------------------------------
// Proof shape (which subtrees), RFC 9162 §2.1.3.1 and §2.1.4.1
// ---------------------------------------------------------------------------

/**
 * PATH(m, D[n]) as leaf ranges, bottom (leaf sibling) to top:
 *   PATH(0, {d0}) = {}
 *   m <  k: PATH(m, D[0:k])   : MTH(D[k:n])
 *   m >= k: PATH(m-k, D[k:n]) : MTH(D[0:k])
 * Throws RangeError unless 0 <= leafIndex < treeSize (safe integers).
 */
export function inclusionProofRanges(leafIndex: number, treeSize: number): SubtreeRange[] {
  if (!isTreeSize(leafIndex) || !isTreeSize(treeSize) || leafIndex >= treeSize) {
    throw new RangeError(
      `inclusion proof needs 0 <= leafIndex < treeSize, got ${String(leafIndex)}, ${String(treeSize)}`,
    );
  }
  const out: SubtreeRange[] = [];
  path(leafIndex, 0, treeSize, out);
  return out;
}

function path(m: number, start: number, n: number, out: SubtreeRange[]): void {
  if (n <= 1) return;
  const k = splitPoint(n);
  if (m < k) {
    path(m, start, k, out);
    out.push({ start: start + k, end: start + n });
  } else {
    path(m - k, start + k, n - k, out);
    out.push({ start, end: start + k });
  }
}

/**
 * PROOF(m, D[n]) = SUBPROOF(m, D[n], true) as leaf ranges, in proof order:
 *   SUBPROOF(m, D[m], true)  = {}
 *   SUBPROOF(m, D[m], false) = {MTH(D[m])}
 *   m <= k: SUBPROOF(m, D[0:k], b)       : MTH(D[k:n])
 *   m >  k: SUBPROOF(m-k, D[k:n], false) : MTH(D[0:k])
 * oldSize == newSize and oldSize == 0 give the empty proof (see verifyConsistency).
 * Throws RangeError unless 0 <= oldSize <= newSize (safe integers).
 */
export function consistencyProofRanges(oldSize: number, newSize: number): SubtreeRange[] {
  if (!isTreeSize(oldSize) || !isTreeSize(newSize) || oldSize > newSize) {
    throw new RangeError(`consistency proof needs 0 <= oldSize <= newSize, got ${String(oldSize)}, ${String(newSize)}`);
  }
  const out: SubtreeRange[] = [];
  if (oldSize === 0 || oldSize === newSize) return out;
  subproof(oldSize, 0, newSize, true, out);
  return out;
}

function subproof(m: number, start: number, n: number, b: boolean, out: SubtreeRange[]): void {
  if (m === n) {
    if (!b) out.push({ start, end: start + n });
    return;
  }
  const k = splitPoint(n);
  if (m <= k) {
    subproof(m, start, k, b, out);
    out.push({ start: start + k, end: start + n });
  } else {
    subproof(m - k, start + k, n - k, false, out);
    out.push({ start, end: start + k });
  }
}

// ---------------------------------------------------------------------------
// Subtree-root sources
// ---------------------------------------------------------------------------

function checkedHash(value: unknown, what: string): Buffer {
  if (!isHash(value)) throw new TypeError(`${what} must be a ${HASH_SIZE}-byte Uint8Array`);
  return Buffer.from(value);
}

/**
 * subtreeRoot(start, end) computed from leaf hashes (O(end - start) hashing,
 * O(log n) memory). `treeSize` bounds the leaves that may be read.
 */
export function subtreeRootFromLeaves(leaves: LeafHashSource, treeSize: number): SubtreeRootFn {
  if (!isTreeSize(treeSize)) throw new RangeError(`invalid tree size ${String(treeSize)}`);
  let get: (i: number) => unknown;
  if (typeof leaves === 'function') {
    get = leaves;
  } else {
    if (!Array.isArray(leaves)) throw new TypeError('leaves must be an array or a function');
    if (treeSize > leaves.length) {
      throw new RangeError(`tree size ${treeSize} exceeds the ${leaves.length} leaf hashes given`);
    }
    get = (i) => leaves[i];
  }
  return (start, end) => {
    if (!isTreeSize(start) || !isTreeSize(end) || start >= end || end > treeSize) {
      throw new RangeError(`invalid leaf range [${String(start)}, ${String(end)}) for size ${treeSize}`);
    }
    // MTH of a sub-list is the MTH of that list on its own, so a fresh
    // accumulator over leaves start..end-1 gives MTH(D[start:end]).
    const acc = new MerkleAccumulator();
    for (let i = start; i < end; i++) {
      const h = get(i);
      if (!isHash(h)) throw new TypeError(`leaf hash ${i} must be a ${HASH_SIZE}-byte Uint8Array`);
      acc.append(h);
    }
    return acc.root();
  };
}

function foldRight(hashes: readonly Uint8Array[]): Buffer {
  let i = hashes.length - 1;
  const last = hashes[i];
  if (last === undefined) throw new RangeError('empty subtree');
  let r = checkedHash(last, 'node hash');
  for (i -= 1; i >= 0; i--) r = nodeHash(checkedHash(hashes[i], 'node hash'), r);
  return r;
}

/**
 * subtreeRoot(start, end) from stored perfect-subtree hashes: a range on the
 * tree's right edge (not a power of two) is rebuilt from the O(log n) perfect
 * subtrees that tile it.
 */
export function subtreeRootFromNodes(nodeHashAt: NodeHashAtFn): SubtreeRootFn {
  return (start, end) => foldRight(perfectSubtrees(start, end).map((n) => nodeHashAt(n.level, n.index)));
}

/** Async form of subtreeRootFromNodes; the node lookups run concurrently. */
export function subtreeRootFromNodesAsync(nodeHashAt: AsyncNodeHashAtFn): AsyncSubtreeRootFn {
  return async (start, end) =>
    foldRight(await Promise.all(perfectSubtrees(start, end).map((n) => nodeHashAt(n.level, n.index))));
}

// ---------------------------------------------------------------------------
// Proof generation
// ---------------------------------------------------------------------------

/** Inclusion proof (audit path) for leaf `leafIndex` in the tree of the first `treeSize` leaves. */
export function inclusionProof(leafIndex: number, treeSize: number, leaves: LeafHashSource): Buffer[] {
  return inclusionProofFromSubtrees(leafIndex, treeSize, subtreeRootFromLeaves(leaves, treeSize));
}

export function inclusionProofFromSubtrees(leafIndex: number, treeSize: number, subtreeRoot: SubtreeRootFn): Buffer[] {
  return inclusionProofRanges(leafIndex, treeSize).map((r) =>
    checkedHash(subtreeRoot(r.start, r.end), `subtree [${r.start}, ${r.end})`),
  );
}

export async function inclusionProofAsync(
  leafIndex: number,
  treeSize: number,
  subtreeRoot: AsyncSubtreeRootFn,
): Promise<Buffer[]> {
  const ranges = inclusionProofRanges(leafIndex, treeSize);
  const hashes = await Promise.all(ranges.map((r) => subtreeRoot(r.start, r.end)));
  return hashes.map((h, i) => checkedHash(h, `subtree ${i}`));
}

/** Consistency proof between the trees of the first `oldSize` and `newSize` leaves. */
export function consistencyProof(oldSize: number, newSize: number, leaves: LeafHashSource): Buffer[] {
  return consistencyProofFromSubtrees(oldSize, newSize, subtreeRootFromLeaves(leaves, newSize));
}

export function consistencyProofFromSubtrees(oldSize: number, newSize: number, subtreeRoot: SubtreeRootFn): Buffer[] {
  return consistencyProofRanges(oldSize, newSize).map((r) =>
    checkedHash(subtreeRoot(r.start, r.end), `subtree [${r.start}, ${r.end})`),
  );
}

export async function consistencyProofAsync(
  oldSize: number,
  newSize: number,
  subtreeRoot: AsyncSubtreeRootFn,
): Promise<Buffer[]> {
  const ranges = consistencyProofRanges(oldSize, newSize);
  const hashes = await Promise.all(ranges.map((r) => subtreeRoot(r.start, r.end)));
  return hashes.map((h, i) => checkedHash(h, `subtree ${i}`));
}

// ---------------------------------------------------------------------------
// Verification, RFC 9162 §2.1.3.2 and §2.1.4.2 — never throws
// ---------------------------------------------------------------------------

// Exact for every safe integer, unlike `>>` / `&` which truncate to 32 bits.
const lsb = (x: number): boolean => x % 2 === 1;
const half = (x: number): number => (x - (x % 2)) / 2;
const isPowerOfTwo = (x: number): boolean => {
  if (x < 1) return false;
  while (x % 2 === 0) x /= 2;
  return x === 1;
};

/**
 * The root that `path` proves `leafHash` is at `leafIndex` under, for a tree of
 * `treeSize` leaves (RFC 9162 §2.1.3.2 steps 1–5 without the final comparison),
 * or null if the proof is malformed for those parameters. Never throws.
 */
export function rootFromInclusionProof(
  leafIndex: number,
  treeSize: number,
  leafHash: Uint8Array,
  path: readonly Uint8Array[],
): Buffer | null {
  try {
    if (!isTreeSize(leafIndex) || !isTreeSize(treeSize) || !isHash(leafHash) || !Array.isArray(path)) {
      return null;
    }
    // 1. If leaf_index >= tree_size, fail.
    if (leafIndex >= treeSize) return null;
    // 2. fn = leaf_index, sn = tree_size - 1.
    let fn = leafIndex;
    let sn = treeSize - 1;
    // 3. r = hash.
    let r: Uint8Array = leafHash;
    // 4. For each p in inclusion_path:
    const len = path.length;
    for (let i = 0; i < len; i++) {
      // a. If sn is 0, stop and fail. (This also bounds the work on long paths.)
      if (sn === 0) return null;
      const p: unknown = path[i];
      if (!isHash(p)) return null;
      // b. If LSB(fn) is set, or fn == sn:
      if (lsb(fn) || fn === sn) {
        // i. r = HASH(0x01 || p || r)
        r = nodeHash(p, r);
        // ii. If LSB(fn) is not set, right-shift fn and sn until LSB(fn) is set or fn is 0.
        if (!lsb(fn)) {
          while (!lsb(fn) && fn !== 0) {
            fn = half(fn);
            sn = half(sn);
          }
        }
      } else {
        // Otherwise: r = HASH(0x01 || r || p)
        r = nodeHash(r, p);
      }
      // c. Right-shift fn and sn once.
      fn = half(fn);
      sn = half(sn);
    }
    // 5. sn must be 0 (the proof had exactly the right length).
    if (sn !== 0) return null;
    return Buffer.from(r);
  } catch {
    return null;
  }
}

/**
 * True iff `path` proves that `leafHash` is the leaf at `leafIndex` in the tree
 * of `treeSize` leaves whose root is `root` (RFC 9162 §2.1.3.2).
 * False for leafIndex >= treeSize (so always for treeSize 0), wrong-length
 * hashes, non-integer sizes, or any other malformed input. Never throws.
 *
 * Note (inherent to RFC 9162/6962): the hashes do not commit to treeSize. The
 * size only fixes the path's shape, so the same path and root also verify for
 * any other size with the same shape (leaf 0 of size 3 and of size 4, say).
 * Always take (treeSize, root) together from one signed tree head.
 */
export function verifyInclusion(
  leafIndex: number,
  treeSize: number,
  leafHash: Uint8Array,
  path: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  try {
    if (!isHash(root)) return false;
    const computed = rootFromInclusionProof(leafIndex, treeSize, leafHash, path);
    return computed !== null && hashEquals(computed, root);
  } catch {
    return false;
  }
}

/**
 * True iff `path` proves the tree of `newSize` leaves with root `newRoot` is an
 * append-only extension of the tree of `oldSize` leaves with root `oldRoot`
 * (RFC 9162 §2.1.4.2). Edge cases, beyond the RFC's 0 < oldSize < newSize:
 *  - oldSize > newSize: false.
 *  - oldSize == newSize: true iff the path is empty and the roots are equal
 *    (and, for size 0, equal to SHA-256("")) — SUBPROOF(m, D[m], true) = {}.
 *  - oldSize == 0 < newSize: true iff the path is empty and oldRoot is the
 *    empty-tree root. Every tree extends the empty tree, so this says nothing
 *    about newRoot beyond it being a 32-byte value.
 * False for any malformed input. Never throws.
 *
 * As with verifyInclusion, the sizes are bound only through the proof's shape:
 * take each (size, root) pair from one signed tree head.
 */
export function verifyConsistency(
  oldSize: number,
  newSize: number,
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
  path: readonly Uint8Array[],
): boolean {
  try {
    if (!isTreeSize(oldSize) || !isTreeSize(newSize) || !isHash(oldRoot) || !isHash(newRoot)) return false;
    if (!Array.isArray(path)) return false;
    if (oldSize > newSize) return false;
    if (oldSize === newSize) {
      return path.length === 0 && hashEquals(oldRoot, newRoot) && (oldSize > 0 || hashEquals(oldRoot, emptyRoot()));
    }
    if (oldSize === 0) return path.length === 0 && hashEquals(oldRoot, emptyRoot());

    // 1. If consistency_path is empty, fail.
    if (path.length === 0) return false;
    // 2. If first is an exact power of 2, prepend first_hash to consistency_path.
    //    (Done by index offset rather than copying the caller's array.)
    const prepend = isPowerOfTwo(oldSize) ? 1 : 0;
    const len = path.length + prepend;
    const at = (i: number): unknown => (prepend === 1 ? (i === 0 ? oldRoot : path[i - 1]) : path[i]);
    // 3. fn = first - 1, sn = second - 1.
    let fn = oldSize - 1;
    let sn = newSize - 1;
    // 4. If LSB(fn) is set, right-shift fn and sn until LSB(fn) is not set.
    while (lsb(fn)) {
      fn = half(fn);
      sn = half(sn);
    }
    // 5. fr = sr = the first value of consistency_path.
    const first = at(0);
    if (!isHash(first)) return false;
    let fr: Uint8Array = first;
    let sr: Uint8Array = first;
    // 6. For each subsequent value c in consistency_path:
    for (let i = 1; i < len; i++) {
      // a. If sn is 0, stop and fail. (This also bounds the work on long paths.)
      if (sn === 0) return false;
      const c = at(i);
      if (!isHash(c)) return false;
      // b. If LSB(fn) is set, or fn == sn:
      if (lsb(fn) || fn === sn) {
        // i.  fr = HASH(0x01 || c || fr)
        fr = nodeHash(c, fr);
        // ii. sr = HASH(0x01 || c || sr)
        sr = nodeHash(c, sr);
        // iii. If LSB(fn) is not set, right-shift fn and sn until LSB(fn) is set or fn is 0.
        if (!lsb(fn)) {
          while (!lsb(fn) && fn !== 0) {
            fn = half(fn);
            sn = half(sn);
          }
        }
      } else {
        // Otherwise: sr = HASH(0x01 || sr || c)
        sr = nodeHash(sr, c);
      }
      // c. Right-shift fn and sn once.
      fn = half(fn);
      sn = half(sn);
    }
    // 7. fr == first_hash, sr == second_hash, and sn == 0.
    return sn === 0 && hashEquals(fr, oldRoot) && hashEquals(sr, newRoot);
  } catch {
    return false;
  }
}
