import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Server, type TestS3Server } from '../../../test/helpers/s3-server.ts';
import { loadConfig } from '../config.ts';
import { BlobNotFoundError, InvalidBlobKeyError } from './blob-store.ts';
import { createS3BlobStore } from './s3-blob-store.ts';

let s3: TestS3Server;
let store: ReturnType<typeof createS3BlobStore>;

beforeAll(async () => {
  s3 = await startS3Server();
  const config = loadConfig({ ...s3.env, S3_PREFIX: 'tenants/' });
  if (config.storage.backend !== 's3') throw new Error('expected s3 config');
  store = createS3BlobStore(config.storage);
});
afterAll(async () => {
  store?.close();
  await s3?.close();
});

const readAll = async (r: Readable) => {
  const parts: Buffer[] = [];
  for await (const c of r) parts.push(c as Buffer);
  return Buffer.concat(parts);
};
const listKeys = async (prefix: string) => {
  const keys: string[] = [];
  for await (const item of store.list(prefix)) keys.push(item.key);
  return keys;
};

describe('S3 blob store (against s3rver)', () => {
  it('puts, gets, lists and deletes objects under a prefix per organization', async () => {
    await store.ping();
    const body = crypto.randomBytes(100_000);
    expect(await store.put('org-a/doc-1', Readable.from([body]))).toEqual({ bytes: body.length });
    await store.put('org-a/doc-2', Readable.from([Buffer.from('two')]));
    await store.put('org-b/doc-1', Readable.from([Buffer.from('other org')]));
    expect((await readAll(await store.get('org-a/doc-1'))).equals(body)).toBe(true);
    expect(await listKeys('org-a/')).toEqual(['org-a/doc-1', 'org-a/doc-2']);
    expect((await listKeys('')).sort()).toEqual(['org-a/doc-1', 'org-a/doc-2', 'org-b/doc-1']);
    for await (const item of store.list('org-b/')) expect(item.lastModified).toBeInstanceOf(Date);
    await store.delete('org-a/doc-1');
    await store.delete('org-a/doc-1');
    await expect(store.get('org-a/doc-1')).rejects.toBeInstanceOf(BlobNotFoundError);
    await expect(store.get('../org-b/doc-1')).rejects.toBeInstanceOf(InvalidBlobKeyError);
  });

  it('streams a ~20 MB blob as a multipart upload and reads it back intact', async () => {
    const size = 20 * 1024 * 1024 + 12_345;
    const hash = crypto.createHash('sha256');
    let sent = 0;
    const source = new Readable({
      read() {
        if (sent >= size) return this.push(null);
        const piece = crypto.randomBytes(Math.min(256 * 1024, size - sent));
        sent += piece.length;
        hash.update(piece);
        this.push(piece);
      },
    });
    expect(await store.put('org-big/doc', source)).toEqual({ bytes: size });
    const back = crypto.createHash('sha256');
    let got = 0;
    for await (const c of await store.get('org-big/doc')) {
      back.update(c as Buffer);
      got += (c as Buffer).length;
    }
    expect(got).toBe(size);
    expect(back.digest('hex')).toBe(hash.digest('hex'));
  });

  it.each([
    ['a small body (single PUT)', 3],
    ['a multipart body', 24],
  ])('leaves no object when %s fails mid-stream', async (_what, megabytes) => {
    let sent = 0;
    const failing = new Readable({
      read() {
        if (sent >= megabytes * 1024 * 1024) return this.destroy(new Error('client went away'));
        sent += 512 * 1024;
        this.push(crypto.randomBytes(512 * 1024));
      },
    });
    const key = `org-x/aborted-${megabytes}`;
    await expect(store.put(key, failing)).rejects.toThrow();
    await expect(store.get(key)).rejects.toBeInstanceOf(BlobNotFoundError);
    expect(await listKeys('org-x/')).toEqual([]);
  });

  it('reports an unreachable bucket through ping', async () => {
    const config = loadConfig({ ...s3.env, S3_BUCKET: 'no-such-bucket' });
    if (config.storage.backend !== 's3') throw new Error('expected s3 config');
    const missing = createS3BlobStore(config.storage);
    await expect(missing.ping()).rejects.toThrow();
    missing.close();
  });
});
