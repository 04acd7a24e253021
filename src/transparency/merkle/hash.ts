/**
 * RFC 9162 (Certificate Transparency 2.0) Merkle tree hashing, §2.1.1.
 * The tree is the same as RFC 6962's: SHA-256, with domain separation between
 * leaves (prefix 0x00) and interior nodes (prefix 0x01) so that a leaf can never
 * be confused with an interior node (second-preimage resistance).
 *
 * Only `node:crypto` is used. `crypto.hash` (one-shot, Node >= 20.12) is
 * noticeably faster than `createHash` for 65-byte inputs, so it is used when the
 * runtime has it and `createHash` otherwise; both compute the same SHA-256.
 */
import * as nodeCrypto from 'node:crypto';

/** Size in bytes of every hash in the tree (SHA-256). */
export const HASH_SIZE = 32;

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

type OneShotHash = (algorithm: string, data: Uint8Array, outputEncoding: 'buffer') => Buffer;

// Read through the namespace object: a named import of a binding the runtime
// lacks would fail at module link time on older Node 20 releases.
const oneShot: OneShotHash | undefined =
  typeof (nodeCrypto as { hash?: unknown }).hash === 'function'
    ? (nodeCrypto as unknown as { hash: OneShotHash }).hash
    : undefined;

/** Inputs up to this size are copied into one buffer and hashed in one shot. */
const ONE_SHOT_MAX = 4096;

// Scratch buffer for interior nodes: 0x01 || left(32) || right(32). Safe to
// reuse because hashing is synchronous and the digest is a fresh Buffer.
const nodeScratch = Buffer.alloc(1 + 2 * HASH_SIZE);
nodeScratch[0] = NODE_PREFIX;

const EMPTY_ROOT: Buffer = nodeCrypto.createHash('sha256').digest();

function assertBytes(value: unknown, name: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new TypeError(`${name} must be a Uint8Array`);
  }
}

/** MTH({d}) = SHA-256(0x00 || d): the hash of one leaf's data. */
export function leafHash(bytes: Uint8Array): Buffer {
  assertBytes(bytes, 'leaf data');
  if (oneShot !== undefined && bytes.length <= ONE_SHOT_MAX) {
    const buf = Buffer.allocUnsafe(1 + bytes.length);
    buf[0] = LEAF_PREFIX;
    buf.set(bytes, 1);
    return oneShot('sha256', buf, 'buffer');
  }
  return nodeCrypto.createHash('sha256').update(Uint8Array.of(LEAF_PREFIX)).update(bytes).digest();
}

/**
 * SHA-256(0x01 || left || right): the hash of an interior node.
 * Callers inside this module always pass 32-byte hashes; other lengths are
 * still hashed exactly as given (no padding or truncation).
 */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  assertBytes(left, 'left');
  assertBytes(right, 'right');
  return hashChildren(left, right);
}

/**
 * nodeHash without the runtime type checks, for this module's hot loops where
 * both arguments are already known to be Uint8Arrays. Not re-exported.
 */
export function hashChildren(left: Uint8Array, right: Uint8Array): Buffer {
  if (oneShot !== undefined && left.length === HASH_SIZE && right.length === HASH_SIZE) {
    nodeScratch.set(left, 1);
    nodeScratch.set(right, 1 + HASH_SIZE);
    return oneShot('sha256', nodeScratch, 'buffer');
  }
  return nodeCrypto.createHash('sha256').update(Uint8Array.of(NODE_PREFIX)).update(left).update(right).digest();
}

/** MTH({}) = SHA-256(""): the root of the empty tree. A fresh copy each call. */
export function emptyRoot(): Buffer {
  return Buffer.from(EMPTY_ROOT);
}

/** True if `value` is a byte array of exactly HASH_SIZE bytes. Never throws. */
export function isHash(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.length === HASH_SIZE;
}

/**
 * Equality of two hashes; false unless both are HASH_SIZE-byte arrays.
 * Constant-time in the contents (roots are public, but it costs nothing).
 */
export function hashEquals(a: unknown, b: unknown): boolean {
  if (!isHash(a) || !isHash(b)) return false;
  return nodeCrypto.timingSafeEqual(a, b);
}
