import type { Readable } from 'node:stream';

/**
 * Where sealed document blobs live: the local filesystem by default, an
 * S3-compatible bucket in production. Only ciphertext is ever handed to a store.
 * Keys look like `<orgId>/<id>`; see `assertBlobKey`.
 */
export interface BlobStore {
  readonly kind: 'local' | 's3';
  /** Resolves once the blob is durable under `key`; on failure nothing is left under `key`. */
  put(key: string, body: Readable): Promise<{ bytes: number }>;
  /** Throws BlobNotFoundError when there is no blob under `key`. */
  get(key: string): Promise<Readable>;
  /** Deleting a missing blob is not an error (deletes are retried by sweeps). */
  delete(key: string): Promise<void>;
  list(prefix: string): AsyncIterable<{ key: string; lastModified: Date }>;
  /** Throws when the store cannot be used (readiness, doctor). */
  ping(): Promise<void>;
}

export class BlobNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`no blob under ${key}`);
    this.name = 'BlobNotFoundError';
  }
}

export class InvalidBlobKeyError extends Error {
  constructor(key: string) {
    super(`invalid blob key ${JSON.stringify(key.slice(0, 80))}`);
    this.name = 'InvalidBlobKeyError';
  }
}

const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

/**
 * A key is 1-8 `/`-separated segments of letters, digits, `.`, `_`, `-`: no
 * absolute path, no `..` or `.`, no empty segment, no backslash — so a key can
 * never name a file outside the store's root or another organization's prefix.
 */
export function assertBlobKey(key: string): void {
  const segments = key.split('/');
  const ok =
    key.length <= 512 && segments.length <= 8 && segments.every((s) => SEGMENT.test(s) && s !== '..' && s !== '.');
  if (!ok) throw new InvalidBlobKeyError(key);
}

/** A listing prefix: empty (everything) or a valid key, optionally ending in `/`. */
export function assertBlobPrefix(prefix: string): void {
  if (prefix === '') return;
  assertBlobKey(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
}
