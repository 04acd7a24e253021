/**
 * The audit export bundle, format 2: one JSON document laid out a line per event,
 *
 *   {"format":"chambers-audit-bundle/2","checkpoint":{…},"publicKey":{…},"events":[
 *   <canonical JSON of event 0>,
 *   …
 *   <canonical JSON of event n-1>
 *   ],"proofs":[{"start":s,"end":e,"treeSize":N,"path":[…],"leafHashes":"…"}, …]}
 *
 * Each event line is exactly the leaf's bytes, so a verifier hashes the line as
 * it reads it. Each run of consecutive sequence numbers carries one range proof
 * (range-proof.ts) and the run's leaf hashes as stored: the proof authenticates
 * those, and they name the first changed event when the run does not verify.
 * Pure and dependency-free apart from node:crypto: the offline verifier.
 */
import { canonicalEventBytes, type SealedEventFields } from '../audit/index.ts';
import {
  verifyCheckpointSignature,
  type Checkpoint,
  HASH_SIZE,
  hashEquals,
  leafHash,
  rootFromRangeProof,
} from '../transparency/index.ts';

export const BUNDLE_FORMAT_V2 = 'chambers-audit-bundle/2';

export type BundlePublicKey = { keyId: string; algorithm: 'Ed25519'; publicKey: string };
export type BundleRunProof = { start: number; end: number; treeSize: number; path: string[]; leafHashes: string };
export type AuditBundleV2 = {
  format: typeof BUNDLE_FORMAT_V2;
  checkpoint: Checkpoint;
  publicKey: BundlePublicKey;
  events: SealedEventFields[];
  proofs: BundleRunProof[];
};

export type BundleVerdict = {
  ok: boolean;
  checked: number;
  /** Index into `events` of the first event that fails, or null (all good, or the checkpoint itself is bad). */
  firstBadIndex: number | null;
  problems: string[];
};

export const failedVerdict = (index: number | null, problem: string, checked = 0): BundleVerdict => ({
  ok: false,
  checked,
  firstBadIndex: index,
  problems: [problem],
});

/** The header line of a format-2 bundle, up to and including `"events":[`. */
export const bundleHeaderLine = (checkpoint: Checkpoint, publicKey: BundlePublicKey): string =>
  `{"format":"${BUNDLE_FORMAT_V2}","checkpoint":${JSON.stringify(checkpoint)},"publicKey":${JSON.stringify(publicKey)},"events":[`;

/** Growable storage of 32-byte leaf hashes: 32 bytes per event, whatever the bundle's size. */
export class LeafHashList {
  private buf = Buffer.allocUnsafe(HASH_SIZE * 1024);
  length = 0;
  push(h: Uint8Array): void {
    if ((this.length + 1) * HASH_SIZE > this.buf.length) {
      const bigger = Buffer.allocUnsafe(this.buf.length * 2);
      this.buf.copy(bigger, 0, 0, this.length * HASH_SIZE);
      this.buf = bigger;
    }
    this.buf.set(h, this.length * HASH_SIZE);
    this.length++;
  }
  at(i: number): Buffer {
    return this.buf.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE);
  }
}

/**
 * Verifies a format-2 bundle fed piece by piece: the header, then each event's
 * leaf bytes with its sequence number, then the proofs. Memory is 40 bytes per
 * event (its computed leaf hash and seq), never the events themselves.
 */
export class BundleV2Verifier {
  private readonly computed = new LeafHashList();
  private seqs: number[] = [];
  private root: Buffer | null = null;
  private treeSize = 0;
  private headerProblem: string | null = null;

  constructor(header: unknown) {
    const b = header as Partial<AuditBundleV2> | null;
    if (!b || typeof b !== 'object' || b.format !== BUNDLE_FORMAT_V2) {
      this.headerProblem = `not a Chambers audit bundle (format ${BUNDLE_FORMAT_V2})`;
      return;
    }
    const cp = b.checkpoint;
    const key = b.publicKey;
    if (!cp || typeof cp !== 'object' || !key || typeof key !== 'object') {
      this.headerProblem = 'the bundle lacks its checkpoint or public key';
      return;
    }
    if (key.algorithm !== 'Ed25519') {
      this.headerProblem = `unsupported key algorithm ${String(key.algorithm).slice(0, 40)}`;
      return;
    }
    const raw = Buffer.from(String(key.publicKey), 'base64');
    if (raw.length !== 32) {
      this.headerProblem = 'the public key is not 32 raw Ed25519 bytes';
      return;
    }
    if (cp.kind !== 'checkpoint' || !verifyCheckpointSignature(cp, raw)) {
      this.headerProblem = 'the checkpoint signature does not verify with the bundle public key';
      return;
    }
    this.root = Buffer.from(cp.rootHash, 'base64');
    this.treeSize = cp.treeSize;
  }

  /** False once the header is known bad: the caller may stop reading. */
  get usable(): boolean {
    return this.headerProblem === null;
  }

  /** One event, as the exact bytes of its canonical JSON (its leaf data) and its seq. */
  addEventBytes(bytes: Uint8Array, seq: number): void {
    this.computed.push(leafHash(bytes));
    this.seqs.push(seq);
  }

  /** One event as parsed fields (a bundle that was re-serialized): its canonical bytes are rebuilt. */
  addEventFields(e: SealedEventFields): void {
    this.addEventBytes(canonicalEventBytes(e), e.seq);
  }

  get count(): number {
    return this.seqs.length;
  }

  finish(proofsInput: unknown): BundleVerdict {
    if (this.headerProblem) return failedVerdict(null, this.headerProblem);
    const n = this.seqs.length;
    if (!Array.isArray(proofsInput)) return failedVerdict(null, 'the bundle lacks its proofs');
    let index = 0;
    for (const [r, input] of proofsInput.entries()) {
      const run = input as Partial<BundleRunProof> | null;
      const start = Number(run?.start);
      const end = Number(run?.end);
      const len = end - start;
      if (
        !run ||
        !Number.isSafeInteger(start) ||
        !Number.isSafeInteger(end) ||
        start < 0 ||
        len < 1 ||
        end > this.treeSize ||
        run.treeSize !== this.treeSize ||
        !Array.isArray(run.path)
      ) {
        return failedVerdict(
          index < n ? index : null,
          `proof ${r} is not a range proof for the signed tree of size ${this.treeSize}`,
          index,
        );
      }
      if (index + len > n)
        return failedVerdict(index, `proof ${r} covers ${len} events but only ${n - index} remain`, index);
      for (let j = 0; j < len; j++) {
        if (this.seqs[index + j] !== start + j)
          return failedVerdict(
            index + j,
            `event ${index + j} has seq ${this.seqs[index + j]} where its proof expects ${start + j}`,
            index + j,
          );
      }
      const path = (run.path as unknown[]).map((h) =>
        typeof h === 'string' ? Buffer.from(h, 'base64') : Buffer.alloc(0),
      );
      const base = index;
      const mine = rootFromRangeProof(start, end, this.treeSize, (i) => this.computed.at(base + i - start), path);
      if (!mine || !hashEquals(mine, this.root)) return this.locate(run, base, len, path);
      index += len;
    }
    if (index !== n) return failedVerdict(index, `events from index ${index} on are covered by no proof`, index);
    return { ok: true, checked: n, firstBadIndex: null, problems: [] };
  }

  /**
   * The run does not reach the signed root. If its listed leaf hashes do, they
   * are the signed ones: the first event whose bytes hash differently is the
   * first changed one. If they do not either, the list was altered as well and
   * the run as a whole is reported.
   */
  private locate(run: Partial<BundleRunProof>, base: number, len: number, path: Buffer[]): BundleVerdict {
    const start = run.start!;
    const listed = typeof run.leafHashes === 'string' ? Buffer.from(run.leafHashes, 'base64') : Buffer.alloc(0);
    const listedAt = (i: number) => listed.subarray((i - start) * HASH_SIZE, (i - start + 1) * HASH_SIZE);
    const firstDiff = () => {
      for (let j = 0; j < len; j++) if (!this.computed.at(base + j).equals(listedAt(start + j))) return base + j;
      return null;
    };
    if (listed.length === len * HASH_SIZE) {
      const theirs = rootFromRangeProof(start, run.end!, this.treeSize, listedAt, path);
      const bad = firstDiff();
      if (theirs && hashEquals(theirs, this.root) && bad !== null) {
        return failedVerdict(
          bad,
          `event ${bad} (seq ${this.seqs[bad]}): not the event the signed tree of size ${this.treeSize} holds at that seq: it was changed`,
          bad,
        );
      }
    }
    return failedVerdict(
      base,
      `events ${base}–${base + len - 1} (seq ${start}–${run.end! - 1}) are not in the signed tree of size ${this.treeSize}, and the run's proof or leaf list was altered too, so the first changed event cannot be named within it`,
      base,
    );
  }
}

/** A whole format-2 bundle already parsed (e.g. re-serialized by another tool). */
export function verifyBundleV2Object(b: Partial<AuditBundleV2>): BundleVerdict {
  const v = new BundleV2Verifier(b);
  if (!v.usable) return v.finish([]);
  if (!Array.isArray(b.events)) return failedVerdict(null, 'the bundle lacks its events');
  for (const [i, e] of b.events.entries()) {
    try {
      if (!e || typeof e !== 'object' || !Number.isSafeInteger(e.seq)) throw new TypeError('not an event with a seq');
      v.addEventFields(e);
    } catch (err) {
      return failedVerdict(i, `event ${i}: ${(err as Error).message}`, i);
    }
  }
  return v.finish(b.proofs);
}
