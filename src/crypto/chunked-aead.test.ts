import crypto from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import {
  CHUNK_PLAINTEXT_BYTES,
  ENCRYPTED_CHUNK_OVERHEAD,
  ENCRYPTED_HEADER_BYTES,
  VaultIntegrityError,
  ciphertextLength,
  createDecryptStream,
  createEncryptStream,
} from './chunked-aead.ts';

const key = crypto.randomBytes(32);
const context = Buffer.from('doc-1');
const SEALED = CHUNK_PLAINTEXT_BYTES + ENCRYPTED_CHUNK_OVERHEAD;

/** Feeds `input` in pieces of `piece` bytes, so chunk boundaries never line up with writes. */
async function run(stream: NodeJS.ReadWriteStream, input: Buffer, piece = 10_007): Promise<Buffer> {
  const out: Buffer[] = [];
  const pieces = function* () {
    for (let i = 0; i < input.length; i += piece) yield input.subarray(i, i + piece);
  };
  await pipeline(
    Readable.from(pieces()),
    stream,
    new Writable({
      write(c: Buffer, _e, cb) {
        out.push(c);
        cb();
      },
    }),
  );
  return Buffer.concat(out);
}

const encrypt = (plain: Buffer, k = key, c = context) => run(createEncryptStream(k, c), plain);

/** Decrypts and returns the plaintext the stream emitted before failing, and the error. */
async function decryptOutcome(sealed: Buffer, k = key, c = context): Promise<{ emitted: Buffer; error: unknown }> {
  const out: Buffer[] = [];
  try {
    await pipeline(
      Readable.from([sealed]),
      createDecryptStream(k, c),
      new Writable({
        write(ch: Buffer, _e, cb) {
          out.push(ch);
          cb();
        },
      }),
    );
    return { emitted: Buffer.concat(out), error: null };
  } catch (error) {
    return { emitted: Buffer.concat(out), error };
  }
}

/** Splits a sealed stream into [header, chunk0, chunk1, ...]. */
function splitChunks(sealed: Buffer): Buffer[] {
  const parts = [sealed.subarray(0, ENCRYPTED_HEADER_BYTES)];
  for (let i = ENCRYPTED_HEADER_BYTES; i < sealed.length; i += SEALED) parts.push(sealed.subarray(i, i + SEALED));
  return parts;
}

describe('chunked AES-256-GCM streams', () => {
  it.each([0, 1, 65535, 65536, 65537, 3 * 65536, 3 * 65536 + 5])(
    'round-trips %i bytes with the predicted ciphertext length',
    async (size) => {
      const plain = crypto.randomBytes(size);
      const sealed = await encrypt(plain);
      expect(sealed.length).toBe(ciphertextLength(size));
      const { emitted, error } = await decryptOutcome(sealed);
      expect(error).toBeNull();
      expect(emitted.equals(plain)).toBe(true);
    },
  );

  it('decrypts whatever piece size the ciphertext arrives in', async () => {
    const plain = crypto.randomBytes(3 * 65536 + 123);
    const sealed = await encrypt(plain);
    for (const piece of [1_000, SEALED, SEALED + 1, 1 << 20]) {
      expect((await run(createDecryptStream(key, context), sealed, piece)).equals(plain)).toBe(true);
    }
  });

  it('seals empty plaintext as one authenticated final chunk', async () => {
    const sealed = await encrypt(Buffer.alloc(0));
    expect(sealed.length).toBe(ENCRYPTED_HEADER_BYTES + ENCRYPTED_CHUNK_OVERHEAD);
    expect((await decryptOutcome(sealed, crypto.randomBytes(32))).error).toBeInstanceOf(VaultIntegrityError);
    expect((await decryptOutcome(Buffer.alloc(0))).error).toBeInstanceOf(VaultIntegrityError);
    expect((await decryptOutcome(sealed.subarray(0, ENCRYPTED_HEADER_BYTES))).error).toBeInstanceOf(
      VaultIntegrityError,
    );
  });

  it('uses a fresh nonce prefix per stream, so equal plaintexts do not give equal ciphertexts', async () => {
    const plain = Buffer.alloc(1000, 7);
    expect((await encrypt(plain)).equals(await encrypt(plain))).toBe(false);
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => createEncryptStream(Buffer.alloc(16), context)).toThrow(RangeError);
    expect(() => createDecryptStream(Buffer.alloc(31), context)).toThrow(RangeError);
  });
});

describe('chunked AES-256-GCM tampering', () => {
  const plain = crypto.randomBytes(4 * CHUNK_PLAINTEXT_BYTES + 999);
  const sealedP = encrypt(plain);

  const expectRejected = async (tampered: Buffer, k = key, c = context) => {
    const { emitted, error } = await decryptOutcome(tampered, k, c);
    expect(error).toBeInstanceOf(VaultIntegrityError);
    // Whatever was emitted before the failure is a verified prefix, never bytes of the bad chunk.
    expect(plain.subarray(0, emitted.length).equals(emitted)).toBe(true);
    return emitted;
  };

  it('detects a truncated last chunk', async () => {
    const sealed = await sealedP;
    await expectRejected(sealed.subarray(0, sealed.length - 1));
    const parts = splitChunks(sealed);
    await expectRejected(Buffer.concat(parts.slice(0, -1)));
  });

  it('detects a dropped middle chunk', async () => {
    const parts = splitChunks(await sealedP);
    const emitted = await expectRejected(Buffer.concat([...parts.slice(0, 2), ...parts.slice(3)]));
    expect(emitted.length).toBe(CHUNK_PLAINTEXT_BYTES);
  });

  it('detects two swapped chunks', async () => {
    const [h, c0, c1, ...rest] = splitChunks(await sealedP) as Buffer[];
    await expectRejected(Buffer.concat([h!, c1!, c0!, ...rest]));
  });

  it('detects a flipped bit anywhere: header, body, tag', async () => {
    const sealed = await sealedP;
    for (const at of [
      0,
      5,
      ENCRYPTED_HEADER_BYTES + 3,
      ENCRYPTED_HEADER_BYTES + SEALED - 1,
      sealed.length - 1,
      2 * SEALED,
    ]) {
      const copy = Buffer.from(sealed);
      copy[at] = (copy[at] as number) ^ 0x01;
      await expectRejected(copy);
    }
  });

  it('detects an appended chunk, from this stream or another', async () => {
    const sealed = await sealedP;
    const parts = splitChunks(sealed);
    await expectRejected(Buffer.concat([sealed, parts[1]!]));
    const other = splitChunks(await encrypt(crypto.randomBytes(100)));
    await expectRejected(Buffer.concat([sealed, other[1]!]));
    await expectRejected(Buffer.concat([sealed, Buffer.alloc(ENCRYPTED_CHUNK_OVERHEAD)]));
  });

  it('refuses the blob under another context (a blob swapped onto another document)', async () => {
    const emitted = await expectRejected(await sealedP, key, Buffer.from('doc-2'));
    expect(emitted.length).toBe(0);
  });

  it('refuses the blob under another key', async () => {
    const emitted = await expectRejected(await sealedP, crypto.randomBytes(32));
    expect(emitted.length).toBe(0);
  });
});

describe('chunked AES-256-GCM memory', () => {
  // RSS moves with the garbage collector: V8 lets dead buffers pile up before it collects (a plateau near
  // 45 MB on Node 20 and 110 MB on Node 24, the same for 256 MB as for 1 GB). So the stream is made large
  // enough that "flat" and "proportional" cannot be confused: an implementation that held the document
  // would grow by at least its whole size, a streaming one stays far below half of it.
  it('streams 512 MB with flat memory (RSS growth reported, not timed)', async () => {
    const total = Number(process.env.AEAD_MB ?? 512) * 1024 * 1024;
    const piece = Buffer.alloc(256 * 1024, 0x41);
    let produced = 0;
    const source = new Readable({
      read() {
        if (produced >= total) return this.push(null);
        produced += piece.length;
        this.push(piece);
      },
    });
    const hash = crypto.createHash('sha256');
    let out = 0;
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    await pipeline(
      source,
      createEncryptStream(key, context),
      createDecryptStream(key, context),
      new Writable({
        write(c: Buffer, _e, cb) {
          out += c.length;
          hash.update(c);
          peak = Math.max(peak, process.memoryUsage().rss);
          cb();
        },
      }),
    );
    const growthMb = (peak - before) / 1024 / 1024;
    console.log(`chunked-aead ${total / 1024 / 1024} MB round trip: RSS growth ${growthMb.toFixed(1)} MB`);
    expect(out).toBe(total);
    const expected = crypto.createHash('sha256');
    for (let i = 0; i < total / piece.length; i++) expected.update(piece);
    expect(hash.digest('hex')).toBe(expected.digest('hex'));
    // The point is "not proportional to the size": less than half of what went through.
    expect(growthMb).toBeLessThan(total / 1024 / 1024 / 2);
  });
});
