import {
  leafHash,
  nodeHash,
  rootFromLeafHashes,
  perfectSubtrees,
  emptyRoot,
  hashEquals,
  type SubtreeRange,
} from './merkle/index.ts';

/** Perfect subtrees of 2^BLOCK_LEVEL leaves and above are kept in memory; smaller ones are rebuilt from stored leaf hashes. */
export const BLOCK_LEVEL = 8;
export const BLOCK_SIZE = 2 ** BLOCK_LEVEL;
/**
 * Inside each complete block the nodes of levels CHUNK_LEVEL..BLOCK_LEVEL-1 are
 * kept too, packed (14 hashes, 448 bytes per block: 1.75 MB at a million events),
 * so the only leaves a proof reads are the one aligned chunk of 2^CHUNK_LEVEL
 * leaf hashes around its leaf: one small indexed read instead of a whole block.
 */
export const CHUNK_LEVEL = 5;
export const CHUNK_SIZE = 2 ** CHUNK_LEVEL;
/** Packed interior hashes per complete block: levels CHUNK_LEVEL..BLOCK_LEVEL-1. */
const INTERIOR_PER_BLOCK = 2 ** (BLOCK_LEVEL - CHUNK_LEVEL + 1) - 2;
const HASH_BYTES = 32;

/** Offset (in hashes) of node (level, j-th within its block) in a block's packed interior. */
function interiorOffset(level: number, j: number): number {
  let off = 0;
  for (let l = CHUNK_LEVEL; l < level; l++) off += 2 ** (BLOCK_LEVEL - l);
  return off + j;
}

/** The hashes of levels 1..BLOCK_LEVEL of one complete block; returns the block root and fills `interior`. */
function foldBlock(leaves: readonly Buffer[], interior: Buffer, at: number): Buffer {
  let row: Buffer[] = leaves as Buffer[];
  for (let level = 1; level <= BLOCK_LEVEL; level++) {
    const next: Buffer[] = new Array<Buffer>(row.length / 2);
    for (let j = 0; j < next.length; j++) next[j] = nodeHash(row[2 * j]!, row[2 * j + 1]!);
    if (level >= CHUNK_LEVEL && level < BLOCK_LEVEL) {
      for (let j = 0; j < next.length; j++) next[j]!.copy(interior, at + interiorOffset(level, j) * HASH_BYTES);
    }
    row = next;
  }
  return row[0]!;
}

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
  /** Packed interior hashes of complete blocks #interiorFrom.. (see CHUNK_LEVEL). */
  #interior: Buffer = Buffer.alloc(0);
  #interiorFrom = 0;
  #interiorBlocks = 0;
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
      const need = (this.#interiorBlocks + 1) * INTERIOR_PER_BLOCK * HASH_BYTES;
      if (need > this.#interior.length) {
        const grown = Buffer.alloc(Math.max(need, this.#interior.length * 2));
        this.#interior.copy(grown);
        this.#interior = grown;
      }
      const root = foldBlock(this.#tail, this.#interior, this.#interiorBlocks * INTERIOR_PER_BLOCK * HASH_BYTES);
      this.#interiorBlocks += 1;
      this.#addNode(BLOCK_LEVEL, this.#size / BLOCK_SIZE - 1, root);
      this.#tail = [];
    }
  }

  /**
   * Starts an empty tree at a pruned checkpoint: `size` leaves (a multiple of
   * BLOCK_SIZE) known only by the perfect-subtree hashes that tile them. Every
   * node a proof of a later leaf needs is one of these or built from later leaves.
   */
  seedPruned(size: number, peaks: readonly Uint8Array[]): void {
    if (this.#size !== 0) throw new Error('seedPruned needs an empty tree');
    if (size % BLOCK_SIZE !== 0) throw new RangeError(`a pruned size must be a multiple of ${BLOCK_SIZE}`);
    if (size === 0) return;
    const ids = perfectSubtrees(0, size);
    if (ids.length !== peaks.length) throw new RangeError(`size ${size} needs ${ids.length} peaks`);
    ids.forEach((id, i) => {
      (this.#nodes[id.level - BLOCK_LEVEL] ??= [])[id.index] = Buffer.from(peaks[i]!);
    });
    this.#size = size;
    this.#interiorFrom = size / BLOCK_SIZE;
  }

  /** The perfect-subtree hashes tiling leaves [0, size) (size a multiple of BLOCK_SIZE, <= this.size). */
  peaksAt(size: number): Buffer[] {
    if (size === 0) return [];
    return perfectSubtrees(0, size).map((id) => {
      const h = this.#known(id.level, id.index);
      if (!h) throw new Error(`no cached node ${id.level}/${id.index}`);
      return h;
    });
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
    if (start >= tailStart && end <= this.#size)
      return rootFromLeafHashes(this.#tail.slice(start - tailStart, end - tailStart));
    if (level < CHUNK_LEVEL) return undefined;
    const block = Math.floor(start / BLOCK_SIZE) - this.#interiorFrom;
    if (block < 0 || block >= this.#interiorBlocks) return undefined;
    const off = (block * INTERIOR_PER_BLOCK + interiorOffset(level, index % 2 ** (BLOCK_LEVEL - level))) * HASH_BYTES;
    return Buffer.from(this.#interior.subarray(off, off + HASH_BYTES));
  }

  /** The cached hash of a complete block (level BLOCK_LEVEL), for the rolling re-verification. */
  blockHash(index: number): Buffer | undefined {
    return this.#nodes[0]?.[index];
  }

  /**
   * The stored hash of leaf `index`: from memory in the last block, else by reading
   * its aligned chunk through `fetch` (pass the same memoizing fetch to subtreeRoots
   * and a whole inclusion proof costs one read).
   */
  async leafAt(index: number, fetch: LeafFetcher): Promise<Buffer | undefined> {
    if (index < 0 || index >= this.#size) return undefined;
    const tailStart = this.#size - this.#tail.length;
    if (index >= tailStart) return Buffer.from(this.#tail[index - tailStart]!);
    const chunk = index - (index % CHUNK_SIZE);
    return (await fetch(chunk, chunk + CHUNK_SIZE))[index - chunk];
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
    // Below CHUNK_LEVEL the needed nodes of one proof share an aligned chunk: read each chunk once.
    const reads = new Map<string, Promise<Buffer[]>>();
    const read = (start: number, end: number) => {
      const k = `${start}-${end}`;
      let r = reads.get(k);
      if (!r) reads.set(k, (r = fetch(start, end)));
      return r;
    };
    await Promise.all(
      needed.map(async (id) => {
        const start = id.index * 2 ** id.level;
        const span = 2 ** id.level;
        const chunk = id.level < CHUNK_LEVEL ? start - (start % CHUNK_SIZE) : start;
        const chunkEnd = id.level < CHUNK_LEVEL ? chunk + CHUNK_SIZE : start + span;
        const leaves = (await read(chunk, chunkEnd)).slice(start - chunk, start - chunk + span);
        if (leaves.length !== span) throw new Error(`leaves ${start}.. are missing from the log`);
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
