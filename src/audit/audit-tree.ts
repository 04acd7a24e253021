import { leafHash, nodeHash, rootFromLeafHashes, perfectSubtrees, emptyRoot, hashEquals, type SubtreeRange } from './merkle/index.ts';

/** Perfect subtrees of 2^BLOCK_LEVEL leaves and above are kept in memory; smaller ones are rebuilt from stored leaf hashes. */
export const BLOCK_LEVEL = 8;
export const BLOCK_SIZE = 2 ** BLOCK_LEVEL;

/** Reads the stored leaf hashes of sequence numbers [from, to), in order. */
export type LeafFetcher = (from: number, to: number) => Promise<Buffer[]>;

/**
 * The deployment's Merkle tree as one process knows it: every perfect subtree
 * hash at level >= BLOCK_LEVEL (about 2·n/256 hashes: 250 KB at a million
 * events) plus the leaf hashes of the last, incomplete block. Any MTH a proof
 * needs is then O(log n) cached hashes plus at most a few blocks of leaf hashes
 * read from the database, so proofs stay fast at any size.
 */
export class AuditTree {
  #size = 0;
  /** #nodes[level - BLOCK_LEVEL][index] */
  #nodes: Buffer[][] = [];
  #tail: Buffer[] = [];
  #lock: Promise<unknown> = Promise.resolve();

  get size(): number {
    return this.#size;
  }

  /** Serializes mutations (sealer appends and catch-ups from other processes' seals). */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#lock.then(fn, fn);
    this.#lock = run.catch(() => undefined);
    return run;
  }

  append(h: Uint8Array): void {
    this.#tail.push(Buffer.from(h));
    this.#size += 1;
    if (this.#tail.length === BLOCK_SIZE) {
      this.#addNode(BLOCK_LEVEL, this.#size / BLOCK_SIZE - 1, rootFromLeafHashes(this.#tail));
      this.#tail = [];
    }
  }

  #addNode(level: number, index: number, h: Buffer): void {
    const row = (this.#nodes[level - BLOCK_LEVEL] ??= []);
    row[index] = h;
    if (index % 2 === 1) {
      const left = row[index - 1];
      if (!left) throw new Error('audit tree cache corrupt');
      this.#addNode(level + 1, (index - 1) / 2, nodeHash(left, h));
    }
  }

  /** A cached node, or undefined when it must be rebuilt from stored leaves. */
  #known(level: number, index: number): Buffer | undefined {
    if (level >= BLOCK_LEVEL) return this.#nodes[level - BLOCK_LEVEL]?.[index];
    const start = index * 2 ** level;
    const tailStart = this.#size - this.#tail.length;
    const end = start + 2 ** level;
    if (start >= tailStart && end <= this.#size) return rootFromLeafHashes(this.#tail.slice(start - tailStart, end - tailStart));
    return undefined;
  }

  /** The cached hash of a complete block (level BLOCK_LEVEL), for the rolling re-verification. */
  blockHash(index: number): Buffer | undefined {
    return this.#nodes[0]?.[index];
  }

  /** The leaf hashes of the incomplete last block, with the sequence number of the first. */
  tail(): { start: number; leaves: Buffer[] } {
    return { start: this.#size - this.#tail.length, leaves: this.#tail.map((b) => Buffer.from(b)) };
  }

  /** MTH(D[start:end]) for each range (ranges produced by the proof functions, end <= size). */
  async subtreeRoots(ranges: readonly SubtreeRange[], fetch: LeafFetcher): Promise<Buffer[]> {
    const ids = ranges.map((r) => perfectSubtrees(r.start, r.end));
    const hashes = new Map<string, Buffer>();
    const needed: Array<{ level: number; index: number }> = [];
    for (const id of ids.flat()) {
      if (id.index * 2 ** id.level + 2 ** id.level > this.#size) throw new RangeError('range beyond the sealed tree');
      const k = `${id.level}/${id.index}`;
      const h = this.#known(id.level, id.index);
      if (h) hashes.set(k, h);
      else needed.push(id);
    }
    await Promise.all(
      needed.map(async (id) => {
        const start = id.index * 2 ** id.level;
        const leaves = await fetch(start, start + 2 ** id.level);
        if (leaves.length !== 2 ** id.level) throw new Error(`leaves ${start}.. are missing from the log`);
        hashes.set(`${id.level}/${id.index}`, rootFromLeafHashes(leaves));
      }),
    );
    return ids.map((list) => {
      const parts = list.map((id) => hashes.get(`${id.level}/${id.index}`)!);
      let r = parts[parts.length - 1]!;
      for (let i = parts.length - 2; i >= 0; i--) r = nodeHash(parts[i]!, r);
      return r;
    });
  }

  /** MTH of the first `size` leaves (size <= this.size). */
  async rootAt(size: number, fetch: LeafFetcher): Promise<Buffer> {
    if (size === 0) return emptyRoot();
    const [root] = await this.subtreeRoots([{ start: 0, end: size }], fetch);
    return root!;
  }

  /** MTH of the whole cached tree, from memory only. */
  root(): Buffer {
    if (this.#size === 0) return emptyRoot();
    const parts = perfectSubtrees(0, this.#size).map((id) => {
      const h = this.#known(id.level, id.index);
      if (!h) throw new Error('audit tree cache corrupt');
      return h;
    });
    let r = parts[parts.length - 1]!;
    for (let i = parts.length - 2; i >= 0; i--) r = nodeHash(parts[i]!, r);
    return r;
  }

  /** Test helper: a tree over the given leaf data. */
  static fromLeaves(leaves: Uint8Array[]): AuditTree {
    const t = new AuditTree();
    for (const l of leaves) t.append(leafHash(l));
    return t;
  }

  equalsAt(index: number, h: Uint8Array): boolean | undefined {
    const tail = this.tail();
    if (index >= tail.start && index < this.#size) return hashEquals(tail.leaves[index - tail.start], h);
    return undefined;
  }
}
