/*
 * Attack: someone with a copy of the disk or read access to the bucket (a stolen
 * backup, a misconfigured bucket policy, a cloud operator) looks for document
 * content. Everything the vault writes must be ciphertext: we push a known
 * marker through encrypt → store on both backends, then grep every file under the
 * blobs directory and every object file s3rver keeps on disk for the marker, and
 * for the data key itself.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Server, type TestS3Server } from '../../test/helpers/s3-server.ts';
import { createMember, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { loadConfig } from '../platform/config.ts';
import { withTenant } from '../platform/db/tenant.ts';
import type { BlobStore } from '../platform/storage/blob-store.ts';
import { createBlobStore, localBlobDirectory } from '../platform/storage/index.ts';
import { createDecryptStream, createEncryptStream } from '../crypto/chunked-aead.ts';

const MARKER = 'PRIVILEGED-MARKER-7f3a9c-attorney-client';
/** ~6 MB of plaintext made of the marker: several chunks, and a multipart upload on S3 with small parts. */
const plaintext = Buffer.from(`${MARKER}\n`.repeat(150_000));

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

let t: TestApp;
let s3: TestS3Server;
beforeAll(async () => {
  t = await startTestApp();
  s3 = await startS3Server();
});
afterAll(async () => {
  await t?.close();
  await s3?.close();
});

describe('the disk and the bucket never hold plaintext', () => {
  const backends: Array<[string, () => { store: BlobStore & { close(): void }; rawDir: string }]> = [
    [
      'local disk',
      () => ({ store: t.ctx.blobStore as BlobStore & { close(): void }, rawDir: localBlobDirectory(t.config.dataDir) }),
    ],
    [
      'S3 bucket',
      () => {
        const config = loadConfig({ ...s3.env, CHAMBERS_DATA_DIR: t.config.dataDir });
        return { store: createBlobStore(config), rawDir: s3.directory };
      },
    ],
  ];

  it.each(backends)('stores only ciphertext on the %s, which still decrypts', async (_name, open) => {
    const { store, rawDir } = open();
    const m = await createMember(t);
    const issued = await withTenant(t.ctx.db, { orgId: m.orgId, userId: m.userId }, (tx) =>
      t.ctx.orgKeyring.newDataKey(tx, m.orgId),
    );
    const docId = crypto.randomUUID();
    const key = `${m.orgId}/${docId}`;
    const pieces = Array.from({ length: Math.ceil(plaintext.length / 100_000) }, (_, i) =>
      plaintext.subarray(i * 100_000, (i + 1) * 100_000),
    );
    const sealed = Readable.from(pieces).pipe(createEncryptStream(issued.dataKey, Buffer.from(docId)));
    await store.put(key, sealed);

    // An upload that dies halfway leaves nothing readable either.
    const dying = new Readable({
      read() {
        this.push(plaintext.subarray(0, 200_000));
        setImmediate(() => this.destroy(new Error('connection reset')));
      },
    });
    const sealing = createEncryptStream(issued.dataKey, Buffer.from('x'));
    const feeding = pipeline(dying, sealing).catch(() => undefined); // pipeline carries the source's error into the store's put
    await expect(store.put(`${m.orgId}/${crypto.randomUUID()}`, sealing)).rejects.toThrow();
    await feeding;

    const files = filesUnder(rawDir);
    // The control that keeps the search honest: the sealed blob itself is among the files searched.
    expect(files.some((f) => fs.statSync(f).size >= plaintext.length)).toBe(true);
    const needles = [
      Buffer.from(MARKER),
      Buffer.from(MARKER, 'utf16le'),
      Buffer.from(MARKER.slice(0, 16)),
      issued.dataKey,
    ];
    for (const file of files) {
      const bytes = fs.readFileSync(file);
      for (const needle of needles)
        expect(bytes.includes(needle), `${file} holds plaintext or key material`).toBe(false);
    }

    // The control: the same blob decrypts back to the marker text.
    const out: Buffer[] = [];
    await pipeline(
      await store.get(key),
      createDecryptStream(issued.dataKey, Buffer.from(docId)),
      async (src: AsyncIterable<Buffer>) => {
        for await (const c of src) out.push(c);
      },
    );
    expect(Buffer.concat(out).equals(plaintext)).toBe(true);
    if (store !== t.ctx.blobStore) store.close();
  });
});
