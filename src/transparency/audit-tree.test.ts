import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AuditTree, BLOCK_SIZE, type LeafFetcher } from './audit-tree.ts';
import {
  consistencyProof,
  consistencyProofRanges,
  inclusionProof,
  inclusionProofRanges,
  leafHash,
  rootFromLeafHashes,
} from './merkle/index.ts';

/** A stored log of leaf hashes with a fetcher that counts reads and rows. */
function storedLog(n: number) {
  const leaves = Array.from({ length: n }, () => leafHash(randomBytes(20)));
  const stats = { reads: 0, rows: 0 };
  const fetch: LeafFetcher = async (from, to) => {
    stats.reads += 1;
    const rows = leaves.slice(from, Math.min(to, leaves.length));
    stats.rows += rows.length;
    return rows;
  };
  const memo = (): LeafFetcher => {
    const seen = new Map<string, Promise<Buffer[]>>();
    return (a, b) => {
      const k = `${a}-${b}`;
      if (!seen.has(k)) seen.set(k, fetch(a, b));
      return seen.get(k)!;
    };
  };
  return { leaves, stats, fetch, memo };
}

describe('AuditTree (cached interior nodes)', () => {
  // One chunk for the leaf's own siblings; an older tree size that ends inside a
  // complete block adds the chunk holding that edge.
  it("should give the RFC 9162 inclusion proof of every leaf, reading at most the leaf's 32-leaf chunk (and the edge chunk of an older size)", async () => {
    const n = 3 * BLOCK_SIZE + 77;
    const log = storedLog(n);
    const tree = new AuditTree();
    for (const h of log.leaves) tree.append(h);
    for (const size of [n, 2 * BLOCK_SIZE, BLOCK_SIZE + 1, 700]) {
      for (let i = 0; i < size; i += 7) {
        log.stats.reads = 0;
        log.stats.rows = 0;
        const f = log.memo();
        const leaf = await tree.leafAt(i, f);
        const path = await tree.subtreeRoots(inclusionProofRanges(i, size), f);
        expect(leaf?.equals(log.leaves[i]!)).toBe(true);
        expect(path.map((h) => h.toString('hex'))).toEqual(
          inclusionProof(i, size, log.leaves.slice(0, size)).map((h) => h.toString('hex')),
        );
        const edgeInBlock = size % 32 !== 0 && size <= n - (n % BLOCK_SIZE);
        expect(log.stats.reads).toBeLessThanOrEqual(edgeInBlock ? 2 : 1);
        expect(log.stats.rows).toBeLessThanOrEqual(edgeInBlock ? 64 : 32);
      }
    }
  });

  it('should give consistency proofs and roots equal to the reference', async () => {
    const n = 4 * BLOCK_SIZE + 3;
    const log = storedLog(n);
    const tree = new AuditTree();
    for (const h of log.leaves) tree.append(h);
    for (const [a, b] of [
      [1, n],
      [5, 300],
      [BLOCK_SIZE, n],
      [333, 3 * BLOCK_SIZE],
      [700, 701],
    ] as const) {
      const got = await tree.subtreeRoots(consistencyProofRanges(a, b), log.fetch);
      expect(got.map((h) => h.toString('hex'))).toEqual(
        consistencyProof(a, b, log.leaves.slice(0, b)).map((h) => h.toString('hex')),
      );
      expect((await tree.rootAt(b, log.fetch)).equals(rootFromLeafHashes(log.leaves.slice(0, b)))).toBe(true);
    }
    expect(tree.root().equals(rootFromLeafHashes(log.leaves))).toBe(true);
  });

  it('should serve proofs above a pruned size from the seeded peaks and later blocks', async () => {
    const n = 5 * BLOCK_SIZE + 10;
    const log = storedLog(n);
    const full = new AuditTree();
    for (const h of log.leaves) full.append(h);
    const pruned = new AuditTree();
    pruned.seedPruned(2 * BLOCK_SIZE, full.peaksAt(2 * BLOCK_SIZE));
    for (const h of log.leaves.slice(2 * BLOCK_SIZE)) pruned.append(h);
    const fetchAbove: LeafFetcher = async (a, b) => {
      if (a < 2 * BLOCK_SIZE) throw new Error(`read below the pruned size: ${a}`);
      return log.fetch(a, b);
    };
    for (let i = 2 * BLOCK_SIZE; i < n; i += 13) {
      const path = await pruned.subtreeRoots(inclusionProofRanges(i, n), fetchAbove);
      expect(path.map((h) => h.toString('hex'))).toEqual(
        inclusionProof(i, n, log.leaves).map((h) => h.toString('hex')),
      );
    }
  });
});
