import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { leafHash, rootFromLeafHashes, subtreeRootFromLeafHashes } from './index.ts';
import { rangeProofRanges, rootFromRangeProof } from './range-proof.ts';

const leavesOf = (n: number) => Array.from({ length: n }, () => leafHash(randomBytes(8)));
const proofOf = (leaves: Buffer[], start: number, end: number) =>
  rangeProofRanges(start, end, leaves.length).map((r) => subtreeRootFromLeafHashes(leaves, r.start, r.end));

describe('range proofs', () => {
  it('should give the RFC 9162 root for every run of every tree size up to 33, with at most 2·log2(n) hashes', async () => {
    for (let n = 1; n <= 33; n++) {
      // Yield between sizes: a long synchronous loop starves the test worker's RPC under load.
      await new Promise((r) => setImmediate(r));
      const leaves = leavesOf(n);
      const root = rootFromLeafHashes(leaves);
      for (let start = 0; start < n; start++) {
        for (let end = start + 1; end <= n; end++) {
          const proof = proofOf(leaves, start, end);
          expect(proof.length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(n)));
          const got = rootFromRangeProof(start, end, n, (i) => leaves[i]!, proof);
          expect(got && Buffer.from(got).equals(root), `n=${n} [${start},${end})`).toBe(true);
        }
      }
    }
  });

  it('should need no proof for the whole tree and agree on large trees', () => {
    const leaves = leavesOf(5000);
    expect(rangeProofRanges(0, 5000, 5000)).toEqual([]);
    const root = rootFromLeafHashes(leaves);
    for (const [s, e] of [
      [0, 1],
      [1234, 4321],
      [4095, 4097],
      [4999, 5000],
      [0, 4096],
    ] as const) {
      expect(Buffer.from(rootFromRangeProof(s, e, 5000, (i) => leaves[i]!, proofOf(leaves, s, e))!).equals(root)).toBe(
        true,
      );
    }
  });

  it('should not reach the signed root when any leaf of the run or any proof hash changes', () => {
    for (const n of [2, 3, 7, 8, 13, 64, 100]) {
      const leaves = leavesOf(n);
      const root = rootFromLeafHashes(leaves);
      const [start, end] = [Math.floor(n / 3), Math.max(Math.floor(n / 3) + 1, Math.floor((2 * n) / 3))];
      const proof = proofOf(leaves, start, end);
      for (let j = start; j < end; j++) {
        const changed = rootFromRangeProof(
          start,
          end,
          n,
          (i) => (i === j ? leafHash(randomBytes(8)) : leaves[i]!),
          proof,
        );
        expect(changed && Buffer.from(changed).equals(root)).toBe(false);
      }
      proof.forEach((_, j) => {
        const tampered = proof.map((h, k) => (k === j ? randomBytes(32) : h));
        const got = rootFromRangeProof(start, end, n, (i) => leaves[i]!, tampered);
        expect(got && Buffer.from(got).equals(root)).toBe(false);
      });
    }
  });

  it('should refuse a proof with a hash too many, too few, or of the wrong length, and a run outside the tree', () => {
    const leaves = leavesOf(13);
    const proof = proofOf(leaves, 3, 6);
    const leaf = (i: number) => leaves[i]!;
    expect(rootFromRangeProof(3, 6, 13, leaf, [...proof, randomBytes(32)])).toBeNull();
    expect(rootFromRangeProof(3, 6, 13, leaf, proof.slice(1))).toBeNull();
    expect(
      rootFromRangeProof(
        3,
        6,
        13,
        leaf,
        proof.map((h, k) => (k === 0 ? h.subarray(0, 31) : h)),
      ),
    ).toBeNull();
    expect(() => rangeProofRanges(5, 5, 13)).toThrow(RangeError);
    expect(() => rangeProofRanges(3, 14, 13)).toThrow(RangeError);
    expect(() => rootFromRangeProof(-1, 2, 13, leaf, proof)).toThrow(RangeError);
  });
});
