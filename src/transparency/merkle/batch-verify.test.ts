import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BatchInclusionVerifier, inclusionProof, leafHash, rootFromLeafHashes, verifyInclusion } from './index.ts';

const leavesOf = (n: number) => Array.from({ length: n }, () => leafHash(randomBytes(8)));

describe('BatchInclusionVerifier', () => {
  it('should accept exactly the proofs RFC 9162 verification accepts, in order and shuffled, for every size up to 70', () => {
    for (let n = 1; n <= 70; n++) {
      const leaves = leavesOf(n);
      const root = rootFromLeafHashes(leaves);
      const proofs = leaves.map((_, i) => inclusionProof(i, n, leaves));
      const inOrder = new BatchInclusionVerifier(n, root);
      for (let i = 0; i < n; i++)
        expect(
          inOrder.verify(
            i,
            leaves[i]!,
            proofs[i]!.map((h) => h.toString('base64')),
          ),
        ).toBe(true);
      const shuffled = new BatchInclusionVerifier(n, root);
      const order = leaves.map((_, i) => i).sort(() => Math.random() - 0.5);
      for (const i of order) expect(shuffled.verify(i, leaves[i]!, proofs[i]!)).toBe(true);
    }
  });

  it('should refuse a changed leaf, a changed or wrong-length path, and a wrong index even after its neighbours verified', () => {
    for (const n of [2, 3, 7, 8, 13, 64, 100]) {
      const leaves = leavesOf(n);
      const root = rootFromLeafHashes(leaves);
      const v = new BatchInclusionVerifier(n, root);
      for (let i = 0; i < n; i++) {
        const proof = inclusionProof(i, n, leaves);
        const bad = leafHash(randomBytes(8));
        expect(v.verify(i, bad, proof)).toBe(verifyInclusion(i, n, bad, proof, root));
        expect(v.verify(i, bad, proof)).toBe(false);
        if (proof.length > 0) {
          // A fresh verifier reads the whole path; a warm one may stop below the tampered hash
          // (the leaf is then proved included through already-verified nodes).
          const tampered = proof.map((h, j) => (j === proof.length - 1 ? randomBytes(32) : h));
          expect(new BatchInclusionVerifier(n, root).verify(i, leaves[i]!, tampered)).toBe(false);
          expect(v.verify(i, leaves[i]!, proof.slice(1))).toBe(false);
        }
        expect(v.verify(i, leaves[i]!, [...proof, randomBytes(32)])).toBe(false);
        if (i + 1 < n)
          expect(v.verify(i + 1, leaves[i]!, proof)).toBe(verifyInclusion(i + 1, n, leaves[i]!, proof, root));
        expect(v.verify(i, leaves[i]!, proof)).toBe(true);
        expect(v.verify(i, leaves[i]!, ['not base64 of 32 bytes'])).toBe(false);
      }
      expect(v.verify(n, leaves[0]!, [])).toBe(false);
    }
  });
});
