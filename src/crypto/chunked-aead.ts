import crypto from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/**
 * Streaming AES-256-GCM for document blobs (docs/ARCHITECTURE.md, "Keys and encryption").
 *
 * Layout: a 12-byte header (`CHV` + format version 1 + an 8-byte random nonce
 * prefix), then chunks of at most CHUNK_PLAINTEXT_BYTES plaintext, each followed by
 * its 16-byte tag. Chunk i uses the nonce `prefix || uint32be(i)`; its associated
 * data is `header || uint32be(i) || final flag || context`. So a chunk moved to
 * another position, a stream cut after a full chunk, a chunk appended after the
 * final one, a header edit or a blob copied onto another document (other context)
 * all fail authentication. Empty plaintext still yields one (empty) final chunk.
 */

export const CHUNK_PLAINTEXT_BYTES = 64 * 1024;
/** Bytes a sealed chunk adds to its plaintext (the GCM tag). */
export const ENCRYPTED_CHUNK_OVERHEAD = 16;
/** Bytes of the stream header (magic, version, nonce prefix). */
export const ENCRYPTED_HEADER_BYTES = 12;

const MAGIC = Buffer.from('CHV\x01', 'latin1');
const SEALED_CHUNK_BYTES = CHUNK_PLAINTEXT_BYTES + ENCRYPTED_CHUNK_OVERHEAD;
const MAX_CHUNKS = 2 ** 32;

/** The ciphertext did not authenticate: tampered, truncated, reordered, wrong key or wrong context. */
export class VaultIntegrityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VaultIntegrityError';
  }
}

/** Size of the sealed blob for a plaintext of `plaintextBytes` bytes. */
export function ciphertextLength(plaintextBytes: number): number {
  if (!Number.isSafeInteger(plaintextBytes) || plaintextBytes < 0)
    throw new RangeError('plaintextBytes must be a non-negative integer');
  const chunks = Math.max(1, Math.ceil(plaintextBytes / CHUNK_PLAINTEXT_BYTES));
  return ENCRYPTED_HEADER_BYTES + plaintextBytes + chunks * ENCRYPTED_CHUNK_OVERHEAD;
}

function checkKey(dataKey: Buffer): void {
  if (dataKey.length !== 32) throw new RangeError('the data key must be 32 bytes (AES-256)');
}

/**
 * The per-chunk nonce and associated data, allocated once per stream and rewritten in
 * place for each chunk: createCipheriv/setAAD copy what they are given, so reuse is safe.
 */
class ChunkParams {
  readonly nonce = Buffer.alloc(12);
  readonly aad: Buffer;

  constructor(header: Buffer, context: Buffer) {
    header.copy(this.nonce, 0, 4, 12);
    this.aad = Buffer.alloc(ENCRYPTED_HEADER_BYTES + 5 + context.length);
    header.copy(this.aad, 0);
    context.copy(this.aad, ENCRYPTED_HEADER_BYTES + 5);
  }

  /** Sets chunk `index` and its final flag; returns this for chaining. */
  at(index: number, final: boolean): this {
    this.nonce.writeUInt32BE(index, 8);
    this.aad.writeUInt32BE(index, ENCRYPTED_HEADER_BYTES);
    this.aad[ENCRYPTED_HEADER_BYTES + 4] = final ? 1 : 0;
    return this;
  }
}

/**
 * Encrypts a byte stream under `dataKey`, bound to `context` (e.g. the document id).
 * Holds at most one chunk of plaintext: a chunk is sealed only once it is known whether
 * more data follows (it then is not the final chunk). Full chunks followed by more bytes
 * of the same input are sealed straight from it, without a copy; the ciphertext and its
 * tag are pushed as they are (no concatenation) for the sink to gather (writev).
 */
export function createEncryptStream(dataKey: Buffer, context: Buffer): Transform {
  checkKey(dataKey);
  // One KeyObject per stream: importing raw key bytes for every chunk costs more than the AES itself.
  const key = crypto.createSecretKey(dataKey);
  const header = Buffer.concat([MAGIC, crypto.randomBytes(8)]);
  const params = new ChunkParams(header, Buffer.from(context));
  // Only the tail of an input (whose finality is unknown) is copied here.
  const pending = Buffer.allocUnsafe(CHUNK_PLAINTEXT_BYTES);
  let filled = 0;
  let index = 0;

  const seal = (out: Transform, plaintext: Buffer, final: boolean): void => {
    if (index >= MAX_CHUNKS) throw new RangeError('stream too long for one data key');
    if (index === 0) out.push(header);
    const cipher = crypto.createCipheriv('aes-256-gcm', key, params.at(index, final).nonce);
    cipher.setAAD(params.aad);
    const body = cipher.update(plaintext);
    cipher.final();
    index += 1;
    if (body.length > 0) out.push(body);
    out.push(cipher.getAuthTag());
  };

  return new Transform({
    readableHighWaterMark: 4 * CHUNK_PLAINTEXT_BYTES,
    transform(data: Buffer, _enc: BufferEncoding, done: TransformCallback) {
      try {
        let offset = 0;
        if (filled > 0 && filled < CHUNK_PLAINTEXT_BYTES) {
          offset = Math.min(CHUNK_PLAINTEXT_BYTES - filled, data.length);
          data.copy(pending, filled, 0, offset);
          filled += offset;
        }
        if (filled === CHUNK_PLAINTEXT_BYTES && offset < data.length) {
          // More plaintext follows a full chunk, so that chunk is not the last one.
          seal(this, pending, false);
          filled = 0;
        }
        while (data.length - offset > CHUNK_PLAINTEXT_BYTES) {
          seal(this, data.subarray(offset, offset + CHUNK_PLAINTEXT_BYTES), false);
          offset += CHUNK_PLAINTEXT_BYTES;
        }
        if (offset < data.length) {
          data.copy(pending, filled, offset);
          filled += data.length - offset;
        }
        done();
      } catch (err) {
        done(err as Error);
      }
    },
    flush(done: TransformCallback) {
      try {
        seal(this, pending.subarray(0, filled), true);
        done();
      } catch (err) {
        done(err as Error);
      }
    },
  });
}

/**
 * Decrypts what createEncryptStream produced. Plaintext of a chunk is pushed only
 * after its tag verified; any failure ends the stream with VaultIntegrityError.
 * A sealed chunk spanning several input pieces is fed to the decipher piece by piece
 * (no reassembly copy); only a tag split across pieces is copied.
 */
export function createDecryptStream(dataKey: Buffer, context: Buffer): Transform {
  checkKey(dataKey);
  const key = crypto.createSecretKey(dataKey);
  const ctx = Buffer.from(context);
  let params: ChunkParams | null = null;
  const parts: Buffer[] = [];
  let buffered = 0;
  let index = 0;

  const skip = (n: number): void => {
    const first = parts[0] as Buffer;
    if (first.length === n) parts.shift();
    else parts[0] = first.subarray(n);
    buffered -= n;
  };

  // Removes the first n buffered bytes, copying only when they span several pieces.
  const take = (n: number): Buffer => {
    const first = parts[0] as Buffer;
    if (first.length >= n) {
      const head = first.subarray(0, n);
      skip(n);
      return head;
    }
    const head = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const part = parts[0] as Buffer;
      const k = Math.min(part.length, n - filled);
      part.copy(head, filled, 0, k);
      filled += k;
      skip(k);
    }
    return head;
  };

  /** Authenticates and decrypts the next `sealedBytes` buffered bytes; returns the plaintext pieces. */
  const open = (sealedBytes: number, final: boolean): Buffer[] => {
    if (!params) throw new VaultIntegrityError('missing header');
    if (index >= MAX_CHUNKS) throw new VaultIntegrityError('too many chunks');
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, params.at(index, final).nonce);
    decipher.setAAD(params.aad);
    const plain: Buffer[] = [];
    for (let left = sealedBytes - ENCRYPTED_CHUNK_OVERHEAD; left > 0;) {
      const part = parts[0] as Buffer;
      const k = Math.min(part.length, left);
      const out = decipher.update(k === part.length ? part : part.subarray(0, k));
      if (out.length > 0) plain.push(out);
      skip(k);
      left -= k;
    }
    decipher.setAuthTag(take(ENCRYPTED_CHUNK_OVERHEAD));
    try {
      decipher.final();
    } catch {
      throw new VaultIntegrityError(`chunk ${index} failed authentication`);
    }
    index += 1;
    return plain;
  };

  const readHeader = () => {
    if (params || buffered < ENCRYPTED_HEADER_BYTES) return;
    const header = Buffer.from(take(ENCRYPTED_HEADER_BYTES));
    if (!header.subarray(0, 4).equals(MAGIC)) throw new VaultIntegrityError('not a Chambers vault stream (bad header)');
    params = new ChunkParams(header, ctx);
  };

  return new Transform({
    readableHighWaterMark: 4 * CHUNK_PLAINTEXT_BYTES,
    transform(data: Buffer, _enc: BufferEncoding, done: TransformCallback) {
      try {
        parts.push(data);
        buffered += data.length;
        readHeader();
        // Strictly more than one sealed chunk buffered: the first one cannot be the final one.
        while (params && buffered > SEALED_CHUNK_BYTES)
          for (const piece of open(SEALED_CHUNK_BYTES, false)) this.push(piece);
        done();
      } catch (err) {
        done(err as Error);
      }
    },
    flush(done: TransformCallback) {
      try {
        readHeader();
        if (!params || buffered < ENCRYPTED_CHUNK_OVERHEAD) throw new VaultIntegrityError('stream truncated');
        for (const piece of open(buffered, true)) this.push(piece);
        done();
      } catch (err) {
        done(err as Error);
      }
    },
  });
}
