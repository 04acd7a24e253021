import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Server, type TestS3Server } from '../../test/helpers/s3-server.ts';
import { loadConfig } from '../platform/config.ts';
import type { BlobStore } from '../platform/storage/blob-store.ts';
import { createLocalBlobStore } from '../platform/storage/local-blob-store.ts';
import { createS3BlobStore } from '../platform/storage/s3-blob-store.ts';
import { sweepOrphanBlobs } from './orphan-sweep.ts';

let s3: TestS3Server;
let root: string;
const stores: Array<[string, () => BlobStore]> = [
  ['local', () => createLocalBlobStore(path.join(root, `blobs-${Math.random()}`))],
  [
    's3',
    () => {
      const config = loadConfig(s3.env);
      if (config.storage.backend !== 's3') throw new Error('expected s3');
      return createS3BlobStore(config.storage);
    },
  ],
];

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'chambers-sweep-'));
  s3 = await startS3Server();
});
afterAll(async () => {
  fs.rmSync(root, { recursive: true, force: true });
  await s3?.close();
});

describe.each(stores)('orphan sweep on the %s store', (_kind, makeStore) => {
  it('deletes old blobs without a row, keeps known ones and recent ones', async () => {
    const store = makeStore();
    for (const key of ['org-1/known', 'org-1/orphan', 'org-2/orphan'])
      await store.put(key, Readable.from([Buffer.from(key)]));
    const known = new Set(['org-1/known']);
    // Everything was just written: inside the grace period, nothing goes.
    const early = await sweepOrphanBlobs(store, async (k) => known.has(k), new Date(Date.now() - 60_000));
    expect(early.deleted).toEqual([]);
    const later = await sweepOrphanBlobs(store, async (k) => known.has(k), new Date(Date.now() + 60_000));
    expect(later.deleted.sort()).toEqual(['org-1/orphan', 'org-2/orphan']);
    const left: string[] = [];
    for await (const b of store.list('')) left.push(b.key);
    expect(left).toEqual(['org-1/known']);
  });
});
