import crypto from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import type { AppContext } from '../context/index.ts';
import type { Tx } from '../platform/db/index.ts';
import { createDecryptStream } from '../crypto/index.ts';

/** Where a version's ciphertext lives: under its organization's prefix, named by the version id. */
export const blobKeyOf = (orgId: string, versionId: string): string => `${orgId}/${versionId}`;

/** The associated data binding a blob to its version: a blob swapped under another version's row fails to decrypt. */
export const versionContext = (versionId: string): Buffer => Buffer.from(versionId.replaceAll('-', ''), 'hex');

export const newVersionId = (): string => crypto.randomUUID();

export type SealedVersion = {
  id: string;
  org_id: string;
  blob_key: string;
  wrapped_data_key: Buffer | null;
  org_key_version: number;
  /** What the upload recorded; the download is checked against both before it ends. */
  size?: number | string;
  sha256?: string;
};

export class PlaintextMismatchError extends Error {
  constructor() {
    super('decrypted document does not match its recorded size and SHA-256');
    this.name = 'PlaintextMismatchError';
  }
}

/**
 * Passes plaintext through while counting and hashing it; fails the stream at the end
 * when the bytes differ from what the upload recorded. The AEAD already refuses a
 * tampered or truncated blob; this catches a blob sealed from the wrong bytes.
 */
function checkedAgainst(expected: { size: number; sha256: string }): Transform {
  const hash = crypto.createHash('sha256');
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      hash.update(chunk);
      done(null, chunk);
    },
    flush(done) {
      const ok = size === expected.size && hash.digest('hex') === expected.sha256.toLowerCase();
      done(ok ? null : new PlaintextMismatchError());
    },
  });
}

/**
 * Unwraps a version's data key inside the caller's transaction, then opens the blob and
 * decrypts it chunk by chunk: memory stays flat whatever the size. Returns null for a
 * crypto-shredded version.
 */
export async function unwrapVersionKey(ctx: AppContext, tx: Tx, v: SealedVersion): Promise<Buffer | null> {
  if (!v.wrapped_data_key) return null;
  return ctx.orgKeyring.unwrapDataKey(tx, v.org_id, v.wrapped_data_key, v.org_key_version);
}

/** Takes ownership of `dataKey`: it is zeroed once the stream closes (or fails to open). */
export async function openPlaintext(ctx: AppContext, v: SealedVersion, dataKey: Buffer): Promise<Readable> {
  let sealed: Readable;
  try {
    sealed = await ctx.blobStore.get(v.blob_key);
  } catch (err) {
    dataKey.fill(0);
    throw err;
  }
  const plain = createDecryptStream(dataKey, versionContext(v.id));
  sealed.on('error', (err) => plain.destroy(err));
  plain.on('close', () => {
    sealed.destroy();
    dataKey.fill(0);
  });
  const out = sealed.pipe(plain);
  if (v.size === undefined || v.sha256 === undefined) return out;
  const checked = checkedAgainst({ size: Number(v.size), sha256: v.sha256 });
  out.on('error', (err) => checked.destroy(err));
  checked.on('close', () => out.destroy());
  return out.pipe(checked);
}
