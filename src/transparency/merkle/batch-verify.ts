/**
 * Verifies many inclusion proofs against one signed tree head, sharing work.
 * Each proof is checked exactly as RFC 9162 §2.1.3.2 would, except that the
 * climb stops at the first node already proved (by an earlier proof) to lie on
 * the path to the signed root at the same position: equal there means the leaf is
 * included, different means it is not. For proofs in leaf order (an export) the
 * shared ancestors come from the previous proof, so the average cost falls from
 * log2(n) hashes per leaf to about two. The node positions follow the
 * inner/border split of the proof (as in transparency-dev/merkle): inner nodes
 * are perfect subtrees (level, index); border nodes all end at the tree size.
 */
import { hashChildren, hashEquals, isHash } from './hash.ts';
import { isTreeSize } from './tree.ts';

/** Verified nodes kept between proofs; cleared when it grows past this (a cache, never a requirement). */
const MAX_KNOWN = 4096;
const bitLength = (x: number): number => (x === 0 ? 0 : Math.floor(Math.log2(x)) + 1);

export type PathElement = Uint8Array | string;

export class BatchInclusionVerifier {
  readonly #size: number;
  readonly #root: Uint8Array;
  readonly #known = new Map<number, Uint8Array>();

  constructor(treeSize: number, root: Uint8Array) {
    if (!isTreeSize(treeSize) || !isHash(root)) throw new RangeError('a tree size and a 32-byte root');
    this.#size = treeSize;
    this.#root = root;
  }

  /** True iff `path` (hashes, or their base64) proves `leafHash` at `leafIndex` under the root. Never throws. */
  verify(leafIndex: number, leafHash: Uint8Array, path: readonly PathElement[]): boolean {
    try {
      return this.#verify(leafIndex, leafHash, path);
    } catch {
      return false;
    }
  }

  #verify(leafIndex: number, leafHash: Uint8Array, path: readonly PathElement[]): boolean {
    const size = this.#size;
    if (!isTreeSize(leafIndex) || leafIndex >= size || !isHash(leafHash) || !Array.isArray(path)) return false;
    // Inner: levels where leafIndex and size-1 share no prefix; border: the left siblings above.
    const inner = bitLength(leafIndex ^ (size - 1));
    let border = 0;
    for (let x = Math.floor(leafIndex / 2 ** inner); x > 0; x = Math.floor(x / 2)) border += x % 2;
    if (path.length !== inner + border) return false;
    const computed: Array<[number, Uint8Array]> = [];
    let r: Uint8Array = leafHash;
    let p = 0;
    const decode = (e: PathElement | undefined): Uint8Array | null => {
      const h = typeof e === 'string' ? Buffer.from(e, 'base64') : e;
      return isHash(h) ? h : null;
    };
    // A node's position: inner (level, index) as a positive key, border (start) as a negative one.
    const check = (key: number): boolean | undefined => {
      const known = this.#known.get(key);
      if (known === undefined) {
        computed.push([key, r]);
        return undefined;
      }
      if (hashEquals(known, r)) this.#remember(computed);
      return hashEquals(known, r);
    };
    for (let k = 0; k < inner; k++, p++) {
      const sib = decode(path[p]);
      if (!sib) return false;
      const right = Math.floor(leafIndex / 2 ** k) % 2 === 1;
      r = right ? hashChildren(sib, r) : hashChildren(r, sib);
      const verdict = check(
        k < inner - 1
          ? (k + 1) * 2 ** 40 + Math.floor(leafIndex / 2 ** (k + 1))
          : -1 - Math.floor(leafIndex / 2 ** inner) * 2 ** inner,
      );
      if (verdict !== undefined) return verdict;
    }
    let start = Math.floor(leafIndex / 2 ** inner) * 2 ** inner;
    for (let level = inner; p < path.length; level++) {
      if (Math.floor(leafIndex / 2 ** level) % 2 === 0) continue;
      const sib = decode(path[p++]);
      if (!sib) return false;
      r = hashChildren(sib, r);
      start -= 2 ** level;
      const verdict = check(-1 - start);
      if (verdict !== undefined) return verdict;
    }
    if (!hashEquals(r, this.#root)) return false;
    this.#remember(computed);
    return true;
  }

  #remember(nodes: Array<[number, Uint8Array]>): void {
    if (this.#known.size + nodes.length > MAX_KNOWN) this.#known.clear();
    for (const [k, h] of nodes) this.#known.set(k, h);
  }
}
