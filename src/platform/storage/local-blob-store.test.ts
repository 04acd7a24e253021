import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobNotFoundError, InvalidBlobKeyError, type BlobStore } from './blob-store.ts';
import { createLocalBlobStore } from './local-blob-store.ts';

let root: string;
let store: BlobStore;

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'chambers-blobs-'));
  store = createLocalBlobStore(path.join(root, 'blobs'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const readAll = async (r: Readable) => {
  const parts: Buffer[] = [];
  for await (const c of r) parts.push(c as Buffer);
  return Buffer.concat(parts);
};

/** Every regular file under the blobs directory, temp area included. */
function allFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

describe('local blob store', () => {
  it('puts, gets, lists and deletes a blob', async () => {
    const body = crypto.randomBytes(300_000);
    expect(await store.put('org-a/doc-1', Readable.from([body]))).toEqual({ bytes: body.length });
    await store.put('org-a/doc-2', Readable.from([Buffer.from('x')]));
    await store.put('org-b/doc-1', Readable.from([Buffer.from('y')]));
    expect((await readAll(await store.get('org-a/doc-1'))).equals(body)).toBe(true);
    const listed = [];
    for await (const item of store.list('org-a/')) listed.push(item);
    expect(listed.map((i) => i.key)).toEqual(['org-a/doc-1', 'org-a/doc-2']);
    expect(listed[0]?.lastModified).toBeInstanceOf(Date);
    const everything = [];
    for await (const item of store.list('')) everything.push(item.key);
    expect(everything).toEqual(['org-a/doc-1', 'org-a/doc-2', 'org-b/doc-1']);
    await store.delete('org-a/doc-1');
    await store.delete('org-a/doc-1');
    await expect(store.get('org-a/doc-1')).rejects.toBeInstanceOf(BlobNotFoundError);
    await store.ping();
  });

  it('creates files 0600 and directories 0700', async () => {
    await store.put('org-m/doc-m', Readable.from([Buffer.from('secret-ish')]));
    expect(fs.statSync(path.join(root, 'blobs', 'org-m', 'doc-m')).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(root, 'blobs', 'org-m')).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(root, 'blobs')).mode & 0o777).toBe(0o700);
  });

  it('leaves no final file and no temp file when the body fails mid-stream', async () => {
    const before = allFiles(path.join(root, 'blobs')).length;
    const failing = new Readable({
      read() {
        this.push(crypto.randomBytes(64 * 1024));
        if (this.readableLength > 0) setImmediate(() => this.destroy(new Error('client went away')));
      },
    });
    await expect(store.put('org-x/aborted', failing)).rejects.toThrow('client went away');
    expect(fs.existsSync(path.join(root, 'blobs', 'org-x', 'aborted'))).toBe(false);
    expect(allFiles(path.join(root, 'blobs')).length).toBe(before);
  });

  it('leaves no final file when the upload is aborted (stream destroyed without error)', async () => {
    const before = allFiles(path.join(root, 'blobs')).length;
    let sent = 0;
    const stalled = new Readable({
      read() {
        if (sent++ < 3) this.push(Buffer.alloc(1024, 1));
        else setImmediate(() => this.destroy());
      },
    });
    await expect(store.put('org-x/aborted-2', stalled)).rejects.toThrow();
    expect(fs.existsSync(path.join(root, 'blobs', 'org-x', 'aborted-2'))).toBe(false);
    expect(allFiles(path.join(root, 'blobs')).length).toBe(before);
  });

  it('removes temp files a crashed process left behind, when the store is opened', async () => {
    const dir = path.join(root, 'crashed');
    createLocalBlobStore(dir);
    const left = path.join(dir, '.tmp', 'abc.part');
    fs.writeFileSync(left, 'half a blob', { mode: 0o600 });
    createLocalBlobStore(dir);
    expect(fs.existsSync(left)).toBe(true); // could be an upload in flight
    createLocalBlobStore(dir, { staleTempMs: -1 });
    expect(fs.existsSync(left)).toBe(false);
  });

  it('refuses keys that could leave the root or cross an organization', async () => {
    for (const key of [
      '../etc/passwd',
      '/abs/path',
      'org/../other/doc',
      'org//doc',
      'org/./doc',
      'org\\doc',
      '',
      'org/doc/',
      '.tmp/x/..',
    ]) {
      await expect(store.put(key, Readable.from([Buffer.from('z')]))).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(store.get(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(store.delete(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
    }
    await expect(store.list('../')[Symbol.asyncIterator]().next()).rejects.toBeInstanceOf(InvalidBlobKeyError);
  });
});
