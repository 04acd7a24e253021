import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CompactRange,
  HASH_SIZE,
  MerkleAccumulator,
  consistencyProof,
  consistencyProofAsync,
  consistencyProofFromSubtrees,
  consistencyProofRanges,
  emptyRoot,
  inclusionProof,
  inclusionProofAsync,
  inclusionProofFromSubtrees,
  inclusionProofRanges,
  leafHash,
  nodeHash,
  perfectSubtrees,
  rootFromInclusionProof,
  rootFromLeafHashes,
  subtreeRootFromLeaves,
  subtreeRootFromNodes,
  subtreeRootFromNodesAsync,
  verifyConsistency,
  verifyInclusion,
} from './index.ts';
import type { SubtreeRange } from './index.ts';

// ===========================================================================
// Independent reference implementation, written straight from the RFC 9162
// §2.1 definitions with its own SHA-256 calls and array slicing — it shares no
// code with the module under test. Only for small trees.
// ===========================================================================

const sha = (...parts: Uint8Array[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const refLeaf = (d: Uint8Array): Buffer => sha(Uint8Array.of(0), d);
const refNode = (l: Uint8Array, r: Uint8Array): Buffer => sha(Uint8Array.of(1), l, r);
const refK = (n: number): number => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};
function must<T>(x: T | undefined): T {
  if (x === undefined) throw new Error('unexpected undefined');
  return x;
}
function refMTH(lh: readonly Buffer[]): Buffer {
  if (lh.length === 0) return sha();
  if (lh.length === 1) return must(lh[0]);
  const k = refK(lh.length);
  return refNode(refMTH(lh.slice(0, k)), refMTH(lh.slice(k)));
}
function refPATH(m: number, lh: readonly Buffer[]): Buffer[] {
  if (lh.length <= 1) return [];
  const k = refK(lh.length);
  return m < k
    ? [...refPATH(m, lh.slice(0, k)), refMTH(lh.slice(k))]
    : [...refPATH(m - k, lh.slice(k)), refMTH(lh.slice(0, k))];
}
function refSUBPROOF(m: number, lh: readonly Buffer[], b: boolean): Buffer[] {
  const n = lh.length;
  if (m === n) return b ? [] : [refMTH(lh)];
  const k = refK(n);
  return m <= k
    ? [...refSUBPROOF(m, lh.slice(0, k), b), refMTH(lh.slice(k))]
    : [...refSUBPROOF(m - k, lh.slice(k), false), refMTH(lh.slice(0, k))];
}
const refPROOF = (m: number, lh: readonly Buffer[]): Buffer[] =>
  m === 0 || m === lh.length ? [] : refSUBPROOF(m, lh, true);

// The hash pattern a verifier applies to a proof, from the same recursions:
// inclusion — the side of each sibling (L: HASH(p || r), R: HASH(r || p));
// consistency — S for an explicit seed subtree, L/R as above, prefixed with O
// when the seed is the old root itself (old size a power of two, RFC step 2).
// Two (index, size) or (old, new) pairs with equal patterns make the verifier do
// exactly the same hashing, so a proof for one is accepted for the other.
function refPathSides(m: number, n: number): string {
  if (n <= 1) return '';
  const k = refK(n);
  return m < k ? `${refPathSides(m, k)}R` : `${refPathSides(m - k, n - k)}L`;
}
function refSubproofSides(m: number, n: number, b: boolean): string {
  if (m === n) return b ? 'O' : 'S';
  const k = refK(n);
  return m <= k ? `${refSubproofSides(m, k, b)}R` : `${refSubproofSides(m - k, n - k, false)}L`;
}

// A second, structurally different verifier: the inner/border decomposition
// used by transparency-dev/merkle (proof/verify.go), re-derived here for
// numbers < 2^31. The module under test implements the RFC 9162 fn/sn loop; the
// two must agree on every valid and every tampered proof.
const bitLen = (x: number): number => (x === 0 ? 0 : 32 - Math.clz32(x));
const popCount = (x: number): number => {
  let c = 0;
  for (; x !== 0; x &= x - 1) c++;
  return c;
};
const trailingZeros = (x: number): number => (x === 0 ? 32 : 31 - Math.clz32(x & -x));
const hashOk = (h: unknown): h is Uint8Array => h instanceof Uint8Array && h.length === 32;
function altChainInner(seed: Uint8Array, proof: readonly Uint8Array[], index: number): Uint8Array {
  proof.forEach((h, i) => {
    seed = ((index >>> i) & 1) === 0 ? refNode(seed, h) : refNode(h, seed);
  });
  return seed;
}
function altChainInnerRight(seed: Uint8Array, proof: readonly Uint8Array[], index: number): Uint8Array {
  proof.forEach((h, i) => {
    if (((index >>> i) & 1) === 1) seed = refNode(h, seed);
  });
  return seed;
}
const altChainBorder = (seed: Uint8Array, proof: readonly Uint8Array[]): Uint8Array =>
  proof.reduce<Uint8Array>((s, h) => refNode(h, s), seed);
function altVerifyInclusion(
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (index >= size || !hashOk(leaf) || !hashOk(root) || !proof.every(hashOk)) return false;
  const inner = bitLen(index ^ (size - 1));
  const border = popCount(index >>> inner);
  if (proof.length !== inner + border) return false;
  const r = altChainBorder(altChainInner(leaf, proof.slice(0, inner), index), proof.slice(inner));
  return Buffer.compare(r, root) === 0;
}
function altVerifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): boolean {
  if (!hashOk(root1) || !hashOk(root2) || !proof.every(hashOk)) return false;
  if (size2 < size1) return false;
  if (size1 === size2)
    return (
      proof.length === 0 && Buffer.compare(root1, root2) === 0 && (size1 > 0 || Buffer.compare(root1, sha()) === 0)
    );
  if (size1 === 0) return proof.length === 0 && Buffer.compare(root1, sha()) === 0;
  if (proof.length === 0) return false;
  let inner = bitLen((size1 - 1) ^ (size2 - 1));
  const border = popCount((size1 - 1) >>> inner);
  const shift = trailingZeros(size1);
  inner -= shift;
  let seed: Uint8Array = must(proof[0]);
  let start = 1;
  if (size1 === 1 << shift) {
    seed = root1;
    start = 0;
  }
  if (proof.length !== start + inner + border) return false;
  const rest = proof.slice(start);
  const mask = (size1 - 1) >>> shift;
  const h1 = altChainBorder(altChainInnerRight(seed, rest.slice(0, inner), mask), rest.slice(inner));
  if (Buffer.compare(h1, root1) !== 0) return false;
  const h2 = altChainBorder(altChainInner(seed, rest.slice(0, inner), mask), rest.slice(inner));
  return Buffer.compare(h2, root2) === 0;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const unhex = (s: string): Buffer => Buffer.from(s, 'hex');
const hexes = (bs: readonly Uint8Array[]): string[] => bs.map(hex);

// ===========================================================================
// Published vectors
// ---------------------------------------------------------------------------
// Source: google/certificate-transparency-go merkletree/merkle_verifier_test.go
// and transparency-dev/merkle proof/verify_test.go (the same data, originally
// from the RFC 6962 reference C++ tests). Those files index leaves from 1 in
// their inclusion tables ({1, 8, ...} is leaf index 0); here indices are 0-based.
// ===========================================================================

const CT_LEAF_DATA = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map(unhex);

/** CT_ROOTS[n] = MTH of the first n leaves. [0] is SHA-256(""). */
const CT_ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

interface InclusionVector {
  index: number;
  size: number;
  path: string[];
}
const CT_INCLUSION: InclusionVector[] = [
  { index: 0, size: 1, path: [] },
  {
    index: 0,
    size: 8,
    path: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    index: 5,
    size: 8,
    path: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  { index: 2, size: 3, path: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  {
    index: 1,
    size: 5,
    path: [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
];

interface ConsistencyVector {
  oldSize: number;
  newSize: number;
  path: string[];
}
/** 1→1, 1→8, 6→8, 2→5 are in both files; 6→7 only in transparency-dev/merkle. */
const CT_CONSISTENCY: ConsistencyVector[] = [
  { oldSize: 1, newSize: 1, path: [] },
  {
    oldSize: 1,
    newSize: 8,
    path: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    oldSize: 6,
    newSize: 8,
    path: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  {
    oldSize: 2,
    newSize: 5,
    path: [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
  {
    oldSize: 6,
    newSize: 7,
    path: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
];

/**
 * NOT published as hash vectors. Shapes come from transparency-dev/merkle
 * proof/proof_test.go (2→8 = nodes h, l) and RFC 9162 SUBPROOF (4→8 = MTH(D[4:8])),
 * and the hash values are node hashes that appear in the published 0/8 inclusion
 * path above (5f08… = MTH(D[2:4]), 6b47… = MTH(D[4:8])). Both old sizes are
 * powers of two, exercising the "prepend first_hash" step.
 */
const DERIVED_CONSISTENCY: ConsistencyVector[] = [
  {
    oldSize: 2,
    newSize: 8,
    path: [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  { oldSize: 4, newSize: 8, path: ['6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'] },
];

const CT_LEAVES = CT_LEAF_DATA.map((d) => leafHash(d));
const ctRoot = (n: number): Buffer => unhex(must(CT_ROOTS[n]));

// ===========================================================================
// Published proof SHAPES (which subtrees, not hashes)
// ---------------------------------------------------------------------------
// transparency-dev/merkle proof/proof_test.go TestInclusion / TestConsistency
// give node IDs (level, index); "rehash" groups there are one ephemeral node on
// the right edge, written here as the union range. RFC 9162 §2.1.5 (= RFC 6962
// §2.1.3) gives the 7-leaf example: leaves a b c d e f j, g=(a,b) h=(c,d)
// i=(e,f) k=(g,h) l=(i,j).
// ===========================================================================

const N = (level: number, index: number): SubtreeRange => ({
  start: index * 2 ** level,
  end: (index + 1) * 2 ** level,
});
const R = (start: number, end: number): SubtreeRange => ({ start, end });
const [a, b, c, d, e, f, j] = [N(0, 0), N(0, 1), N(0, 2), N(0, 3), N(0, 4), N(0, 5), N(0, 6)] as const;
const [g, h, i_, k, l] = [N(1, 0), N(1, 1), N(1, 2), N(2, 0), R(4, 7)] as const;

const SHAPE_INCLUSION: Array<{ index: number; size: number; want: SubtreeRange[]; src: string }> = [
  { index: 0, size: 7, want: [b, h, l], src: 'RFC 9162 §2.1.5' },
  { index: 3, size: 7, want: [c, g, l], src: 'RFC 9162 §2.1.5' },
  { index: 4, size: 7, want: [f, j, k], src: 'RFC 9162 §2.1.5' },
  { index: 6, size: 7, want: [i_, k], src: 'RFC 9162 §2.1.5' },
  { index: 0, size: 1, want: [], src: 'transparency-dev' },
  { index: 0, size: 2, want: [b], src: 'transparency-dev' },
  { index: 1, size: 2, want: [a], src: 'transparency-dev' },
  { index: 1, size: 3, want: [a, c], src: 'transparency-dev' },
  { index: 1, size: 7, want: [a, h, l], src: 'transparency-dev' },
  { index: 2, size: 7, want: [d, g, l], src: 'transparency-dev' },
  { index: 5, size: 7, want: [e, j, k], src: 'transparency-dev' },
  { index: 2, size: 4, want: [d, g], src: 'transparency-dev' },
  { index: 3, size: 5, want: [c, g, e], src: 'transparency-dev' },
  { index: 3, size: 6, want: [c, g, i_], src: 'transparency-dev' },
  { index: 4, size: 6, want: [f, k], src: 'transparency-dev' },
  { index: 10, size: 15, want: [N(0, 11), N(1, 4), R(12, 15), N(3, 0)], src: 'transparency-dev' },
  { index: 24, size: 31, want: [N(0, 25), N(1, 13), R(28, 31), N(3, 2), N(4, 0)], src: 'transparency-dev' },
  { index: 81, size: 95, want: [N(0, 80), N(1, 41), N(2, 21), R(88, 95), N(4, 4), N(6, 0)], src: 'transparency-dev' },
];

const SHAPE_CONSISTENCY: Array<{ oldSize: number; newSize: number; want: SubtreeRange[]; src: string }> = [
  { oldSize: 3, newSize: 7, want: [c, d, g, l], src: 'RFC 9162 §2.1.5' },
  { oldSize: 4, newSize: 7, want: [l], src: 'RFC 9162 §2.1.5' },
  { oldSize: 6, newSize: 7, want: [i_, j, k], src: 'RFC 9162 §2.1.5' },
  { oldSize: 1, newSize: 2, want: [b], src: 'transparency-dev' },
  { oldSize: 1, newSize: 4, want: [b, h], src: 'transparency-dev' },
  { oldSize: 1, newSize: 6, want: [b, h, i_], src: 'transparency-dev' },
  { oldSize: 2, newSize: 3, want: [c], src: 'transparency-dev' },
  { oldSize: 2, newSize: 8, want: [h, N(2, 1)], src: 'transparency-dev' },
  { oldSize: 5, newSize: 7, want: [e, f, j, k], src: 'transparency-dev' },
  { oldSize: 7, newSize: 8, want: [j, N(0, 7), i_, k], src: 'transparency-dev' },
  { oldSize: 2, newSize: 4, want: [h], src: 'transparency-dev' },
  { oldSize: 3, newSize: 5, want: [c, d, g, e], src: 'transparency-dev' },
  { oldSize: 3, newSize: 6, want: [c, d, g, i_], src: 'transparency-dev' },
  { oldSize: 4, newSize: 6, want: [i_], src: 'transparency-dev' },
  { oldSize: 1, newSize: 7, want: [b, h, l], src: 'transparency-dev' },
  { oldSize: 10, newSize: 15, want: [N(1, 4), N(1, 5), R(12, 15), N(3, 0)], src: 'transparency-dev' },
  { oldSize: 24, newSize: 31, want: [N(3, 2), R(24, 31), N(4, 0)], src: 'transparency-dev' },
  {
    oldSize: 81,
    newSize: 95,
    want: [N(0, 80), N(0, 81), N(1, 41), N(2, 21), R(88, 95), N(4, 4), N(6, 0)],
    src: 'transparency-dev',
  },
  ...[1, 2, 3, 4, 5, 7, 8].map((s) => ({ oldSize: s, newSize: s, want: [], src: 'transparency-dev' })),
];

// ===========================================================================
// Shared fixtures
// ===========================================================================

const MAX = 64;
const LEAVES = Array.from({ length: 128 }, (_, i) => refLeaf(Buffer.from(`chambers leaf ${i}`)));
const ROOTS = Array.from({ length: MAX + 2 }, (_, n) => refMTH(LEAVES.slice(0, n)));
const root = (n: number): Buffer => must(ROOTS[n]);

/** A "database" of perfect-subtree hashes for a tree of `size` leaves; refuses nodes past `size`. */
function nodeStore(leaves: readonly Buffer[], size: number): (level: number, index: number) => Buffer {
  const memo = new Map<string, Buffer>();
  return (level, index) => {
    const start = index * 2 ** level;
    const end = start + 2 ** level;
    if (!Number.isSafeInteger(start) || end > size)
      throw new Error(`node (${level}, ${index}) is outside size ${size}`);
    const key = `${level}:${index}`;
    let hash = memo.get(key);
    if (hash === undefined) {
      hash = refMTH(leaves.slice(start, end));
      memo.set(key, hash);
    }
    return hash;
  };
}

function flipByte(path: readonly Buffer[], el: number, byte: number): Buffer[] {
  return path.map((p, idx) => {
    if (idx !== el) return p;
    const copy = Buffer.from(p);
    copy[byte] = must(copy[byte]) ^ 0x01;
    return copy;
  });
}

// ===========================================================================
// Tests
// ===========================================================================

describe('hashing (RFC 9162 §2.1.1)', () => {
  it('emptyRoot is SHA-256("") and returns independent copies', () => {
    expect(hex(emptyRoot())).toBe(CT_ROOTS[0]);
    const e1 = emptyRoot();
    e1.fill(0);
    expect(hex(emptyRoot())).toBe(CT_ROOTS[0]);
  });

  it('leafHash = SHA-256(0x00 || d), nodeHash = SHA-256(0x01 || l || r)', () => {
    expect(hex(leafHash(new Uint8Array(0)))).toBe(CT_ROOTS[1]); // published root of size 1
    expect(hex(leafHash(Uint8Array.of(0)))).toBe('96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7');
    for (const data of [
      new Uint8Array(0),
      Uint8Array.of(1, 2, 3),
      randomBytes(5000),
      randomBytes(4096),
      randomBytes(4097),
    ]) {
      expect(hex(leafHash(data))).toBe(hex(refLeaf(data)));
    }
    const x = randomBytes(32);
    const y = randomBytes(32);
    expect(hex(nodeHash(x, y))).toBe(hex(refNode(x, y)));
    expect(hex(nodeHash(x, y))).not.toBe(hex(nodeHash(y, x)));
    // Unusual lengths are hashed as given (fallback path).
    expect(hex(nodeHash(x.subarray(0, 5), y))).toBe(hex(refNode(x.subarray(0, 5), y)));
    // Published: MTH(D[0:2]) for the CT leaves.
    expect(hex(nodeHash(must(CT_LEAVES[0]), must(CT_LEAVES[1])))).toBe(CT_ROOTS[2]);
  });

  it('a subarray view is hashed by its own bytes, not the whole backing buffer', () => {
    const backing = randomBytes(100);
    const view = backing.subarray(10, 42);
    expect(hex(nodeHash(view, view))).toBe(hex(refNode(Buffer.from(view), Buffer.from(view))));
    expect(hex(leafHash(view))).toBe(hex(refLeaf(Buffer.from(view))));
  });
});

describe('published vectors (certificate-transparency-go / transparency-dev merkle)', () => {
  it('tree heads for sizes 0..8 (rootFromLeafHashes, accumulator, reference)', () => {
    const acc = new MerkleAccumulator();
    for (let n = 0; n <= 8; n++) {
      const want = CT_ROOTS[n];
      expect(hex(rootFromLeafHashes(CT_LEAVES.slice(0, n))), `size ${n}`).toBe(want);
      expect(hex(refMTH(CT_LEAF_DATA.slice(0, n).map(refLeaf))), `ref size ${n}`).toBe(want);
      expect(hex(acc.root()), `accumulator size ${n}`).toBe(want);
      if (n < 8) acc.appendLeaf(must(CT_LEAF_DATA[n]));
    }
  });

  it.each(CT_INCLUSION)('inclusion: leaf $index of size $size', ({ index, size, path }) => {
    const leaves = CT_LEAVES.slice(0, 8);
    expect(hexes(inclusionProof(index, size, leaves))).toEqual(path);
    expect(hexes(refPATH(index, leaves.slice(0, size)))).toEqual(path);
    const proof = path.map(unhex);
    const leaf = must(CT_LEAVES[index]);
    expect(verifyInclusion(index, size, leaf, proof, ctRoot(size))).toBe(true);
    expect(altVerifyInclusion(index, size, leaf, proof, ctRoot(size))).toBe(true);
    expect(hex(must(rootFromInclusionProof(index, size, leaf, proof) ?? undefined))).toBe(CT_ROOTS[size]);
    // The probes from the upstream verifierCheck.
    const some = unhex('abacaba000000000000000000000000000000000000000000060061e00123456');
    const probes: Array<[number, number, Uint8Array, Uint8Array[], Uint8Array]> = [
      [index - 1, size, leaf, proof, ctRoot(size)],
      [index + 1, size, leaf, proof, ctRoot(size)],
      [index ^ 2, size, leaf, proof, ctRoot(size)],
      [index, size * 2, leaf, proof, ctRoot(size)],
      [index, Math.floor(size / 2), leaf, proof, ctRoot(size)],
      [index, size, Buffer.from('WrongLeaf'), proof, ctRoot(size)],
      [index, size, leaf, proof, emptyRoot()],
      [index, size, leaf, proof, some],
      [index, size, leaf, [...proof, Buffer.alloc(0)], ctRoot(size)],
      [index, size, leaf, [...proof, ctRoot(size)], ctRoot(size)],
      [index, size, leaf, [Buffer.alloc(0), ...proof], ctRoot(size)],
      [index, size, leaf, [ctRoot(size), ...proof], ctRoot(size)],
    ];
    if (proof.length > 0) probes.push([index, size, leaf, proof.slice(0, -1), ctRoot(size)]);
    if (proof.length > 1) probes.push([index, size, leaf, [must(proof[0]), some, ...proof.slice(1)], ctRoot(size)]);
    for (let el = 0; el < proof.length; el++) {
      const p = proof.map((x) => Buffer.from(x));
      must(p[el])[0] = must(must(p[el])[0]) ^ 8;
      probes.push([index, size, leaf, p, ctRoot(size)]);
    }
    for (const [pi, ps, pl, pp, pr] of probes) {
      expect(verifyInclusion(pi, ps, pl, pp, pr), `probe ${pi}/${ps}`).toBe(false);
    }
  });

  it.each([...CT_CONSISTENCY, ...DERIVED_CONSISTENCY])(
    'consistency: $oldSize → $newSize',
    ({ oldSize, newSize, path }) => {
      const leaves = CT_LEAVES.slice(0, 8);
      expect(hexes(consistencyProof(oldSize, newSize, leaves))).toEqual(path);
      expect(hexes(refPROOF(oldSize, leaves.slice(0, newSize)))).toEqual(path);
      const proof = path.map(unhex);
      const r1 = ctRoot(oldSize);
      const r2 = ctRoot(newSize);
      expect(verifyConsistency(oldSize, newSize, r1, r2, proof)).toBe(true);
      expect(altVerifyConsistency(oldSize, newSize, proof, r1, r2)).toBe(true);
      if (proof.length === 0) return;
      // The probes from the upstream verifierConsistencyCheck.
      const wrong = Buffer.from('WrongRoot');
      const probes: Array<[number, number, Uint8Array, Uint8Array, Uint8Array[]]> = [
        [oldSize - 1, newSize, r1, r2, proof],
        [oldSize + 1, newSize, r1, r2, proof],
        [oldSize ^ 2, newSize, r1, r2, proof],
        [oldSize, newSize * 2, r1, r2, proof],
        [oldSize, Math.floor(newSize / 2), r1, r2, proof],
        [oldSize, newSize, wrong, r2, proof],
        [oldSize, newSize, r1, wrong, proof],
        [oldSize, newSize, r2, r1, proof],
        [oldSize, newSize, r1, r2, []],
        [oldSize, newSize, r1, r2, [...proof, Buffer.alloc(0)]],
        [oldSize, newSize, r1, r2, [...proof, r1]],
        [oldSize, newSize, r1, r2, [...proof, r2]],
        [oldSize, newSize, r1, r2, [Buffer.alloc(0), ...proof]],
        [oldSize, newSize, r1, r2, [r1, ...proof]],
        [oldSize, newSize, r1, r2, [r2, ...proof]],
        [oldSize, newSize, r1, r2, [must(proof[0]), ...proof]],
        [oldSize, newSize, r1, r2, proof.slice(0, -1)],
      ];
      for (let el = 0; el < proof.length; el++) {
        const p = proof.map((x) => Buffer.from(x));
        must(p[el])[0] = must(must(p[el])[0]) ^ 16;
        probes.push([oldSize, newSize, r1, r2, p]);
      }
      for (const [s1, s2, p1, p2, pp] of probes) {
        expect(verifyConsistency(s1, s2, p1, p2, pp), `probe ${s1}→${s2}`).toBe(false);
      }
    },
  );

  it("edge cases from upstream TestVerifyConsistency (with this module's stricter size-0 rule)", () => {
    const E = emptyRoot();
    const r1 = ctRoot(1);
    const r2 = ctRoot(2);
    expect(verifyConsistency(0, 0, E, E, [])).toBe(true);
    expect(verifyConsistency(1, 1, r1, r1, [])).toBe(true);
    expect(verifyConsistency(0, 1, E, r1, [])).toBe(true);
    expect(verifyConsistency(1, 1, r1, r2, [])).toBe(false); // roots differ
    expect(verifyConsistency(0, 0, E, r1, [])).toBe(false);
    expect(verifyConsistency(1, 0, r1, E, [])).toBe(false); // time travel
    expect(verifyConsistency(2, 1, r2, r1, [])).toBe(false);
    expect(verifyConsistency(1, 2, r1, r2, [])).toBe(false); // empty proof
    expect(verifyConsistency(0, 0, E, E, [E])).toBe(false); // non-empty proof for equal sizes
    expect(verifyConsistency(0, 1, E, r1, [E])).toBe(false);
    expect(verifyConsistency(1, 1, r1, r1, [r1])).toBe(false);
    // Stricter than upstream: the size-0 root must be the empty-tree root.
    expect(verifyConsistency(0, 0, r1, r1, [])).toBe(false);
    expect(verifyConsistency(0, 5, r1, ctRoot(5), [])).toBe(false);
  });
});

describe('published proof shapes (RFC 9162 §2.1.5 example, transparency-dev proof_test.go)', () => {
  it.each(SHAPE_INCLUSION)('inclusion $index/$size ($src)', ({ index, size, want }) => {
    expect(inclusionProofRanges(index, size)).toEqual(want);
    const tree = LEAVES.slice(0, size);
    const expected = want.map((r) => refMTH(tree.slice(r.start, r.end)));
    expect(hexes(inclusionProof(index, size, LEAVES))).toEqual(hexes(expected));
    expect(hexes(refPATH(index, tree))).toEqual(hexes(expected));
    expect(hexes(inclusionProofFromSubtrees(index, size, subtreeRootFromNodes(nodeStore(LEAVES, size))))).toEqual(
      hexes(expected),
    );
    expect(verifyInclusion(index, size, must(LEAVES[index]), expected, refMTH(tree))).toBe(true);
  });

  it.each(SHAPE_CONSISTENCY)('consistency $oldSize → $newSize ($src)', ({ oldSize, newSize, want }) => {
    expect(consistencyProofRanges(oldSize, newSize)).toEqual(want);
    const tree = LEAVES.slice(0, newSize);
    const expected = want.map((r) => refMTH(tree.slice(r.start, r.end)));
    expect(hexes(consistencyProof(oldSize, newSize, LEAVES))).toEqual(hexes(expected));
    expect(hexes(refPROOF(oldSize, tree))).toEqual(hexes(expected));
    expect(
      hexes(consistencyProofFromSubtrees(oldSize, newSize, subtreeRootFromNodes(nodeStore(LEAVES, newSize)))),
    ).toEqual(hexes(expected));
    expect(verifyConsistency(oldSize, newSize, refMTH(LEAVES.slice(0, oldSize)), refMTH(tree), expected)).toBe(true);
  });
});

describe('inclusion proofs: every index of every size 1..64', () => {
  it('generate (array, getter, node store) = reference PATH, and verify', () => {
    for (let n = 1; n <= MAX; n++) {
      const tree = LEAVES.slice(0, n);
      const fromNodes = subtreeRootFromNodes(nodeStore(LEAVES, n));
      const getter = (idx: number): Buffer => {
        if (idx >= n) throw new Error(`read past size: ${idx}`);
        return must(LEAVES[idx]);
      };
      for (let idx = 0; idx < n; idx++) {
        const want = hexes(refPATH(idx, tree));
        const proof = inclusionProof(idx, n, LEAVES);
        expect(hexes(proof)).toEqual(want);
        expect(hexes(inclusionProof(idx, n, getter))).toEqual(want);
        expect(hexes(inclusionProofFromSubtrees(idx, n, fromNodes))).toEqual(want);
        expect(verifyInclusion(idx, n, must(LEAVES[idx]), proof, root(n))).toBe(true);
        expect(altVerifyInclusion(idx, n, must(LEAVES[idx]), proof, root(n))).toBe(true);
        expect(hex(must(rootFromInclusionProof(idx, n, must(LEAVES[idx]), proof) ?? undefined))).toBe(hex(root(n)));
      }
    }
  });

  it('async generation over an async node store matches', async () => {
    for (let n = 1; n <= 33; n++) {
      const store = nodeStore(LEAVES, n);
      const asyncRoot = subtreeRootFromNodesAsync(async (lv, ix) => {
        await Promise.resolve();
        return store(lv, ix);
      });
      for (let idx = 0; idx < n; idx++) {
        expect(hexes(await inclusionProofAsync(idx, n, asyncRoot))).toEqual(hexes(refPATH(idx, LEAVES.slice(0, n))));
      }
    }
  });

  // RFC 9162 hashes carry no tree size: the verifier only checks that the path
  // has the shape the size implies. So a path also verifies under another size
  // whose path has the same shape (e.g. leaf 0: size 3 → [d1, MTH(d2)], size 4
  // → [d1, MTH(d2,d3)]). Tree size and root must come together from a signed
  // tree head; the tests assert exactly this rule, nothing looser.
  it('tree size is only bound through the path shape (documented RFC 9162 property)', () => {
    const proof = inclusionProof(0, 3, LEAVES);
    expect(verifyInclusion(0, 3, must(LEAVES[0]), proof, root(3))).toBe(true);
    expect(verifyInclusion(0, 4, must(LEAVES[0]), proof, root(3))).toBe(true);
    expect(verifyInclusion(0, 5, must(LEAVES[0]), proof, root(3))).toBe(false);
    expect(refPathSides(0, 3)).toBe(refPathSides(0, 4));
  });

  const sizes = Array.from({ length: MAX }, (_, x) => x + 1);
  it.each(sizes)('size %d: every flipped byte, truncation, extension, wrong index/size/leaf/root fails', (n) => {
    const failures: string[] = [];
    const r = root(n);
    const probe = (
      what: string,
      expected: boolean,
      idx: number,
      size: number,
      leaf: Uint8Array,
      path: Uint8Array[],
      rt: Uint8Array,
    ): void => {
      const got = verifyInclusion(idx, size, leaf, path, rt);
      if (got !== expected) failures.push(`${what}: got ${String(got)}`);
      if (altVerifyInclusion(idx, size, leaf, path, rt) !== got) failures.push(`${what}: verifiers disagree`);
    };
    for (let idx = 0; idx < n; idx++) {
      const leaf = must(LEAVES[idx]);
      const proof = inclusionProof(idx, n, LEAVES);
      const tag = `${idx}/${n}`;
      for (let el = 0; el < proof.length; el++) {
        for (let byte = 0; byte < HASH_SIZE; byte++) {
          if (verifyInclusion(idx, n, leaf, flipByte(proof, el, byte), r)) failures.push(`${tag} flip ${el}:${byte}`);
        }
      }
      if (verifyInclusion(idx, n, flipByte([leaf], 0, 7)[0] ?? leaf, proof, r)) failures.push(`${tag} flipped leaf`);
      if (verifyInclusion(idx, n, leaf, proof, flipByte([r], 0, 31)[0] ?? r)) failures.push(`${tag} flipped root`);
      if (proof.length > 0) {
        probe(`${tag} drop last`, false, idx, n, leaf, proof.slice(0, -1), r);
        probe(`${tag} drop first`, false, idx, n, leaf, proof.slice(1), r);
        probe(`${tag} sibling replaced by leaf`, false, idx, n, leaf, [leaf, ...proof.slice(1)], r);
      }
      probe(`${tag} append zero`, false, idx, n, leaf, [...proof, Buffer.alloc(32)], r);
      probe(`${tag} append root`, false, idx, n, leaf, [...proof, r], r);
      probe(`${tag} prepend root`, false, idx, n, leaf, [r, ...proof], r);
      probe(`${tag} prepend leaf`, false, idx, n, leaf, [leaf, ...proof], r);
      const sides = refPathSides(idx, n);
      for (let other = 0; other <= MAX + 1; other++) {
        if (other !== idx) {
          const same = other < n && refPathSides(other, n) === sides;
          probe(`${tag} as index ${other}`, same, other, n, leaf, proof, r);
        }
        if (other !== n) {
          const same = idx < other && refPathSides(idx, other) === sides;
          probe(`${tag} as size ${other}`, same, idx, other, leaf, proof, r);
        }
      }
      for (const o of new Set([idx - 1, idx + 1, idx ^ 1, n, (idx + 7) % 128].filter((x) => x >= 0 && x !== idx))) {
        probe(`${tag} with leaf ${o}`, false, idx, n, must(LEAVES[o]), proof, r);
      }
      for (const o of new Set([0, n - 1, n + 1].filter((x) => x !== n))) {
        probe(`${tag} with root of ${o}`, false, idx, n, leaf, proof, root(o));
      }
    }
    expect(failures).toEqual([]);
  });
});

describe('consistency proofs: every pair 0 <= m <= n <= 64', () => {
  it('generate (array, node store) = reference SUBPROOF, and verify', () => {
    for (let n = 0; n <= MAX; n++) {
      const tree = LEAVES.slice(0, n);
      const fromNodes = subtreeRootFromNodes(nodeStore(LEAVES, n));
      for (let m = 0; m <= n; m++) {
        const want = hexes(refPROOF(m, tree));
        const proof = consistencyProof(m, n, LEAVES);
        expect(hexes(proof), `${m}→${n}`).toEqual(want);
        expect(hexes(consistencyProofFromSubtrees(m, n, fromNodes))).toEqual(want);
        expect(verifyConsistency(m, n, root(m), root(n), proof), `${m}→${n}`).toBe(true);
        expect(altVerifyConsistency(m, n, proof, root(m), root(n)), `alt ${m}→${n}`).toBe(true);
      }
    }
  });

  it('async generation over an async node store matches', async () => {
    for (let n = 1; n <= 33; n++) {
      const store = nodeStore(LEAVES, n);
      const asyncRoot = subtreeRootFromNodesAsync((lv, ix) => Promise.resolve(store(lv, ix)));
      for (let m = 0; m <= n; m++) {
        expect(hexes(await consistencyProofAsync(m, n, asyncRoot))).toEqual(hexes(refPROOF(m, LEAVES.slice(0, n))));
      }
    }
  });

  it('tree sizes are only bound through the proof shape (documented RFC 9162 property)', () => {
    const proof = consistencyProof(62, 64, LEAVES);
    expect(verifyConsistency(62, 64, root(62), root(64), proof)).toBe(true);
    expect(verifyConsistency(62, 63, root(62), root(64), proof)).toBe(true); // same shape as 62→64
    expect(refSubproofSides(62, 63, true)).toBe(refSubproofSides(62, 64, true));
    expect(verifyConsistency(61, 64, root(62), root(64), proof)).toBe(false);
  });

  const sizes = Array.from({ length: MAX + 1 }, (_, x) => x);
  it.each(sizes)('new size %d: every flipped byte, truncation, extension, wrong sizes/roots fails', (n) => {
    const failures: string[] = [];
    const probe = (
      what: string,
      expected: boolean,
      m: number,
      nn: number,
      r1: Uint8Array,
      r2: Uint8Array,
      path: Uint8Array[],
    ): void => {
      const got = verifyConsistency(m, nn, r1, r2, path);
      if (got !== expected) failures.push(`${what}: got ${String(got)}`);
      if (altVerifyConsistency(m, nn, path, r1, r2) !== got) failures.push(`${what}: verifiers disagree`);
    };
    const shape = (m: number, nn: number): string =>
      0 < m && m < nn ? refSubproofSides(m, nn, true) : `trivial ${m} ${nn}`;
    for (let m = 0; m <= n; m++) {
      const proof = consistencyProof(m, n, LEAVES);
      const r1 = root(m);
      const r2 = root(n);
      const tag = `${m}→${n}`;
      for (let el = 0; el < proof.length; el++) {
        for (let byte = 0; byte < HASH_SIZE; byte++) {
          if (verifyConsistency(m, n, r1, r2, flipByte(proof, el, byte))) failures.push(`${tag} flip ${el}:${byte}`);
        }
      }
      if (verifyConsistency(m, n, flipByte([r1], 0, 5)[0] ?? r1, r2, proof)) failures.push(`${tag} flipped old root`);
      probe(`${tag} append zero`, false, m, n, r1, r2, [...proof, Buffer.alloc(32)]);
      probe(`${tag} append old root`, false, m, n, r1, r2, [...proof, r1]);
      probe(`${tag} append new root`, false, m, n, r1, r2, [...proof, r2]);
      probe(`${tag} prepend old root`, false, m, n, r1, r2, [r1, ...proof]);
      probe(`${tag} prepend new root`, false, m, n, r1, r2, [r2, ...proof]);
      probe(`${tag} wrong old root`, false, m, n, root(m + 1), r2, proof);
      if (proof.length > 0) {
        probe(`${tag} empty`, false, m, n, r1, r2, []);
        probe(`${tag} drop last`, false, m, n, r1, r2, proof.slice(0, -1));
        probe(`${tag} drop first`, false, m, n, r1, r2, proof.slice(1));
        probe(`${tag} dup first`, false, m, n, r1, r2, [must(proof[0]), ...proof]);
      }
      if (m === 0) continue; // Every tree extends the empty one: new size and root are unconstrained.
      if (m !== n) {
        probe(`${tag} swapped roots`, false, m, n, r2, r1, proof);
        if (verifyConsistency(m, n, r1, flipByte([r2], 0, 9)[0] ?? r2, proof)) failures.push(`${tag} flipped new root`);
      }
      const sides = shape(m, n);
      for (let other = 0; other <= MAX + 1; other++) {
        if (other !== m)
          probe(`${tag} as old size ${other}`, m < n && shape(other, n) === sides, other, n, r1, r2, proof);
        if (other !== n)
          probe(`${tag} as new size ${other}`, m < n && shape(m, other) === sides, m, other, r1, r2, proof);
      }
      for (const o of new Set([0, m - 1, n - 1, n + 1].filter((x) => x >= 0 && x !== n))) {
        probe(`${tag} with new root of ${o}`, false, m, n, r1, root(o), proof);
      }
      for (const o of new Set([0, m - 1, m + 1, n].filter((x) => x >= 0 && x !== m))) {
        probe(`${tag} with old root of ${o}`, false, m, n, root(o), r2, proof);
      }
    }
    expect(failures).toEqual([]);
  });
});

describe('hostile input never throws, always false', () => {
  const leaf = must(LEAVES[3]);
  const proof = inclusionProof(3, 10, LEAVES);
  const r10 = root(10);
  const r7 = root(7);
  const cproof = consistencyProof(7, 10, LEAVES);
  const bad: unknown[] = [
    -1,
    1.5,
    NaN,
    Infinity,
    -Infinity,
    2 ** 53,
    Number.MAX_VALUE,
    '3',
    3n,
    null,
    undefined,
    {},
    [],
    true,
  ];

  it('verifyInclusion', () => {
    const vi = verifyInclusion as (...args: unknown[]) => boolean;
    expect(vi(3, 10, leaf, proof, r10)).toBe(true);
    for (const x of bad) {
      expect(vi(x, 10, leaf, proof, r10)).toBe(false);
      expect(vi(3, x, leaf, proof, r10)).toBe(false);
      expect(vi(3, 10, x, proof, r10)).toBe(false);
      expect(vi(3, 10, leaf, x, r10)).toBe(false);
      expect(vi(3, 10, leaf, proof, x)).toBe(false);
      expect(vi(3, 10, leaf, [...proof.slice(0, 2), x, ...proof.slice(3)], r10)).toBe(false);
    }
    expect(vi(0, 0, leaf, [], leaf)).toBe(false); // size 0
    expect(vi(0, 0, emptyRoot(), [], emptyRoot())).toBe(false);
    expect(vi(10, 10, leaf, proof, r10)).toBe(false); // index == size
    expect(vi(11, 10, leaf, proof, r10)).toBe(false);
    expect(vi(3, 10, leaf.subarray(0, 31), proof, r10)).toBe(false);
    expect(vi(3, 10, leaf, proof, r10.subarray(0, 31))).toBe(false);
    expect(
      vi(
        3,
        10,
        leaf,
        proof.map((p) => Buffer.concat([p, Buffer.alloc(1)])),
        r10,
      ),
    ).toBe(false);
    expect(
      vi(
        3,
        10,
        leaf,
        proof.map((p) => Array.from(p)),
        r10,
      ),
    ).toBe(false);
    expect(vi(3, 10, leaf, new Array(proof.length), r10)).toBe(false); // sparse
    expect(vi(0, 1, leaf, [], leaf)).toBe(true); // size 1: empty path, root = leaf hash
    // A huge path fails fast (the RFC loop stops once sn reaches 0).
    const huge = new Array<Buffer>(5_000_000).fill(r10);
    const t0 = performance.now();
    expect(vi(3, 10, leaf, huge, r10)).toBe(false);
    expect(performance.now() - t0).toBeLessThan(100);
    // Getters that throw are contained.
    const trap = new Proxy(proof, {
      get(target, prop, recv) {
        if (prop === '1') throw new Error('boom');
        return Reflect.get(target, prop, recv) as unknown;
      },
    });
    expect(vi(3, 10, leaf, trap, r10)).toBe(false);
    expect(rootFromInclusionProof(3, 10, leaf, trap)).toBe(null);
  });

  it('verifyConsistency', () => {
    const vc = verifyConsistency as (...args: unknown[]) => boolean;
    expect(vc(7, 10, r7, r10, cproof)).toBe(true);
    for (const x of bad) {
      expect(vc(x, 10, r7, r10, cproof)).toBe(false);
      expect(vc(7, x, r7, r10, cproof)).toBe(false);
      expect(vc(7, 10, x, r10, cproof)).toBe(false);
      expect(vc(7, 10, r7, x, cproof)).toBe(false);
      expect(vc(7, 10, r7, r10, x)).toBe(false);
      expect(vc(7, 10, r7, r10, [x, ...cproof.slice(1)])).toBe(false);
      expect(vc(0, 0, x, x, [])).toBe(false);
      expect(vc(x, x, r7, r7, [])).toBe(false);
    }
    expect(vc(10, 7, r10, r7, cproof)).toBe(false);
    expect(vc(7, 10, r7.subarray(0, 31), r10, cproof)).toBe(false);
    expect(vc(7, 10, r7, r10, new Array(cproof.length))).toBe(false);
    const huge = new Array<Buffer>(5_000_000).fill(r10);
    const t0 = performance.now();
    expect(vc(7, 10, r7, r10, huge)).toBe(false);
    expect(vc(8, 10, root(8), r10, huge)).toBe(false);
    expect(performance.now() - t0).toBeLessThan(100);
    const trap = new Proxy(cproof, {
      get(target, prop, recv) {
        if (prop === '0') throw new Error('boom');
        return Reflect.get(target, prop, recv) as unknown;
      },
    });
    expect(vc(7, 10, r7, r10, trap)).toBe(false);
  });

  it('generators reject invalid arguments with RangeError/TypeError', () => {
    expect(() => inclusionProofRanges(0, 0)).toThrow(RangeError);
    expect(() => inclusionProofRanges(5, 5)).toThrow(RangeError);
    expect(() => inclusionProofRanges(-1, 5)).toThrow(RangeError);
    expect(() => inclusionProofRanges(0.5, 5)).toThrow(RangeError);
    expect(() => consistencyProofRanges(6, 5)).toThrow(RangeError);
    expect(() => consistencyProofRanges(0, 2 ** 53)).toThrow(RangeError);
    expect(() => inclusionProof(0, 200, LEAVES)).toThrow(RangeError); // more than we have
    expect(() => inclusionProof(1, 2, [Buffer.alloc(31), Buffer.alloc(32)])).toThrow(TypeError);
    expect(() => inclusionProofFromSubtrees(0, 4, () => Buffer.alloc(16))).toThrow(TypeError);
    expect(() => perfectSubtrees(3, 7)).toThrow(RangeError); // not a Merkle subtree
    expect(() => perfectSubtrees(4, 4)).toThrow(RangeError);
    expect(() => new MerkleAccumulator().append(Buffer.alloc(31))).toThrow(TypeError);
    expect(() => MerkleAccumulator.fromState(3, [Buffer.alloc(32)])).toThrow(RangeError);
  });
});

describe('large trees (> 2^32 leaves): index arithmetic without 32-bit truncation', () => {
  // Independent BigInt transcription of PATH/SUBPROOF shapes.
  const bigK = (n: bigint): bigint => {
    let k = 1n;
    while (k * 2n < n) k *= 2n;
    return k;
  };
  function bigPath(m: bigint, start: bigint, n: bigint, out: SubtreeRange[]): void {
    if (n <= 1n) return;
    const k = bigK(n);
    if (m < k) {
      bigPath(m, start, k, out);
      out.push({ start: Number(start + k), end: Number(start + n) });
    } else {
      bigPath(m - k, start + k, n - k, out);
      out.push({ start: Number(start), end: Number(start + k) });
    }
  }
  function bigSub(m: bigint, start: bigint, n: bigint, bb: boolean, out: SubtreeRange[]): void {
    if (m === n) {
      if (!bb) out.push({ start: Number(start), end: Number(start + n) });
      return;
    }
    const k = bigK(n);
    if (m <= k) {
      bigSub(m, start, k, bb, out);
      out.push({ start: Number(start + k), end: Number(start + n) });
    } else {
      bigSub(m - k, start + k, n - k, false, out);
      out.push({ start: Number(start), end: Number(start + k) });
    }
  }

  // A virtual tree whose leaves are all the same hash L: MTH of a range depends
  // only on its length, so trees of 2^52 leaves can be computed exactly.
  const L = refLeaf(Buffer.from('same'));
  const perfect: Buffer[] = [L];
  for (let lv = 1; lv <= 53; lv++) perfect.push(refNode(must(perfect[lv - 1]), must(perfect[lv - 1])));
  const memo = new Map<number, Buffer>();
  const mthLen = (len: number): Buffer => {
    const hit = memo.get(len);
    if (hit) return hit;
    let lv = 0;
    while (2 ** lv < len) lv++;
    let out: Buffer;
    if (2 ** lv === len) out = must(perfect[lv]);
    else {
      const kk = 2 ** (lv - 1);
      out = refNode(must(perfect[lv - 1]), mthLen(len - kk));
    }
    memo.set(len, out);
    return out;
  };
  const virtualRoot = (start: number, end: number): Buffer => mthLen(end - start);
  const virtualNodes = (level: number, index: number): Buffer => {
    if (!Number.isSafeInteger(index * 2 ** level)) throw new Error('bad node');
    return must(perfect[level]);
  };

  const cases: Array<[number, number]> = [
    [0, 2 ** 32 + 1],
    [2 ** 32, 2 ** 32 + 1],
    [2 ** 32 - 1, 2 ** 33 - 3],
    [123_456_789_012, 2 ** 40 + 17],
    [2 ** 52 + 12345, 2 ** 53 - 1],
    [2 ** 53 - 2, 2 ** 53 - 1],
    [7, 2 ** 53 - 1],
  ];

  it.each(cases)('inclusion %d of %d', (idx, size) => {
    const want: SubtreeRange[] = [];
    bigPath(BigInt(idx), 0n, BigInt(size), want);
    expect(inclusionProofRanges(idx, size)).toEqual(want);
    const proof = inclusionProofFromSubtrees(idx, size, virtualRoot);
    expect(hexes(inclusionProofFromSubtrees(idx, size, subtreeRootFromNodes(virtualNodes)))).toEqual(hexes(proof));
    const r = mthLen(size);
    expect(verifyInclusion(idx, size, L, proof, r)).toBe(true);
    expect(verifyInclusion(idx, size, L, proof.slice(0, -1), r)).toBe(false);
    expect(verifyInclusion(idx, size, L, [...proof, r], r)).toBe(false);
    expect(verifyInclusion(idx, size, L, proof, mthLen(size - 1))).toBe(false);
  });

  it.each(cases.filter(([m]) => m > 0))('consistency %d → %d', (m, n) => {
    const want: SubtreeRange[] = [];
    bigSub(BigInt(m), 0n, BigInt(n), true, want);
    expect(consistencyProofRanges(m, n)).toEqual(want);
    const proof = consistencyProofFromSubtrees(m, n, virtualRoot);
    expect(hexes(consistencyProofFromSubtrees(m, n, subtreeRootFromNodes(virtualNodes)))).toEqual(hexes(proof));
    expect(verifyConsistency(m, n, mthLen(m), mthLen(n), proof)).toBe(true);
    expect(verifyConsistency(m, n, mthLen(m), mthLen(n), proof.slice(0, -1))).toBe(false);
    expect(verifyConsistency(m, n, mthLen(m), mthLen(n), [...proof, L])).toBe(false);
    expect(verifyConsistency(m, n, mthLen(n), mthLen(m), proof)).toBe(false);
  });
});

describe('MerkleAccumulator', () => {
  it('root at every size 0..300 equals the reference MTH; peaks/fromState/clone round-trip', () => {
    const leaves = Array.from({ length: 300 }, (_, i) => refLeaf(Buffer.from(`acc ${i}`)));
    const acc = new CompactRange();
    for (let n = 0; n <= leaves.length; n++) {
      expect(acc.size).toBe(n);
      const want = hex(refMTH(leaves.slice(0, n)));
      expect(hex(acc.root()), `size ${n}`).toBe(want);
      expect(hex(rootFromLeafHashes(leaves.slice(0, n)))).toBe(want);
      expect(acc.peaks().length).toBe(n.toString(2).split('1').length - 1);
      const restored = MerkleAccumulator.fromState(n, acc.peaks());
      expect(hex(restored.root())).toBe(want);
      if (n < leaves.length) acc.append(must(leaves[n]));
    }
    const c1 = acc.clone();
    c1.appendLeaf(Buffer.from('extra'));
    expect(acc.size).toBe(300);
    expect(c1.size).toBe(301);
    // Mutating a returned root or the appended buffer must not corrupt state.
    const r = acc.root();
    r.fill(0);
    const mutable = Buffer.from(must(leaves[0]));
    const acc2 = new MerkleAccumulator();
    acc2.append(mutable);
    mutable.fill(0);
    expect(hex(acc2.root())).toBe(hex(must(leaves[0])));
    expect(hex(acc.root())).toBe(hex(refMTH(leaves)));
  });

  // Throughput belongs to `npm run bench`; here 100,000 leaves are enough to cross-check streaming against batch roots.
  // The loops yield now and then: a worker that blocks its event loop for long on a loaded
  // machine misses vitest's RPC deadline and fails the whole run.
  const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));
  it('streams 100,000 leaves; final root and a proof cross-check', async () => {
    const COUNT = 100_000;
    const pool = randomBytes(COUNT * HASH_SIZE);
    const hashes = Array.from({ length: COUNT }, (_, i) => pool.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE));

    const acc = new MerkleAccumulator();
    let t0 = performance.now();
    for (let n = 0; n < COUNT; n++) {
      acc.append(must(hashes[n]));
      if (n % 5_000 === 0) await breathe();
    }
    const streamRoot = acc.root();
    const appendMs = performance.now() - t0;

    const data = randomBytes(64);
    const acc2 = new MerkleAccumulator();
    t0 = performance.now();
    for (let n = 0; n < COUNT; n++) {
      data.writeUInt32BE(n, 0);
      acc2.appendLeaf(data);
      if (n % 5_000 === 0) await breathe();
    }
    acc2.root();
    const leafMs = performance.now() - t0;
    await breathe();

    t0 = performance.now();
    const batchRoot = rootFromLeafHashes(hashes);
    const batchMs = performance.now() - t0;

    const rate = (ms: number): string => `${Math.round(COUNT / (ms / 1000)).toLocaleString('en-US')} leaves/s`;
    console.log(
      `[merkle throughput] ${COUNT} leaves — accumulator.append(leafHash): ${appendMs.toFixed(0)} ms (${rate(appendMs)}); ` +
        `accumulator.appendLeaf(64-byte data): ${leafMs.toFixed(0)} ms (${rate(leafMs)}); ` +
        `rootFromLeafHashes: ${batchMs.toFixed(0)} ms (${rate(batchMs)})`,
    );

    expect(hex(batchRoot)).toBe(hex(streamRoot));
    const idx = 76_543;
    const proof = inclusionProof(idx, COUNT, hashes);
    expect(proof.length).toBe(17);
    expect(verifyInclusion(idx, COUNT, must(hashes[idx]), proof, streamRoot)).toBe(true);
    expect(hex(subtreeRootFromLeaves(hashes, COUNT)(0, 1024))).toBe(hex(rootFromLeafHashes(hashes.slice(0, 1024))));
  }, 120_000);
});
