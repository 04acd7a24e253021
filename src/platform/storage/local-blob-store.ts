import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BlobNotFoundError, assertBlobKey, assertBlobPrefix, type BlobStore } from './blob-store.ts';

/** Temp files live under the root (same filesystem, so rename is atomic) and are never listed. */
const TEMP_DIR = '.tmp';
/** A temp file this old was left by a crashed process (no upload takes a day), not by an upload in flight. */
const STALE_TEMP_MS = 24 * 60 * 60 * 1000;
/** Bytes a blob write may buffer before back-pressure (bounded memory, few large writes). */
const WRITE_BUFFER_BYTES = 1024 * 1024;
/** Read size for blobs: large reads, fewer syscalls and stream hops per MB. */
const READ_CHUNK_BYTES = 1024 * 1024;

/**
 * Blobs as files under `root` (normally `<data>/blobs`): directories 0700, files
 * 0600. A blob is written to a temp file, fsynced, renamed to its final name and
 * the directory fsynced, so `put` resolves only once the blob is durable and a
 * half-written blob never carries the final name.
 */
export function createLocalBlobStore(root: string, opts: { staleTempMs?: number } = {}): BlobStore {
  fs.mkdirSync(path.join(root, TEMP_DIR), { recursive: true, mode: 0o700 });
  removeStaleTempFiles(path.join(root, TEMP_DIR), opts.staleTempMs ?? STALE_TEMP_MS);
  const fileOf = (key: string) => {
    assertBlobKey(key);
    return path.join(root, ...key.split('/'));
  };

  return {
    kind: 'local',

    async put(key, body) {
      const file = fileOf(key);
      const tmp = path.join(root, TEMP_DIR, `${crypto.randomBytes(12).toString('hex')}.part`);
      const handle = await fs.promises.open(tmp, 'wx', 0o600);
      let bytes = 0;
      try {
        // Our own sink over the handle: the handle stays open for the fsync below. A large
        // buffer and writev gather the encryptor's small pieces (ciphertext, tag) into few syscalls.
        const sink = new Writable({
          highWaterMark: WRITE_BUFFER_BYTES,
          writev(chunks, done) {
            const buffers = chunks.map((c) => c.chunk as Buffer);
            writeAll(handle, buffers).then((n) => {
              bytes += n;
              done();
            }, done);
          },
        });
        await pipeline(body, sink);
        await handle.sync();
        await handle.close();
        const created = await fs.promises.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
        await fs.promises.rename(tmp, file);
        await fsyncDirectory(path.dirname(file));
        // A directory made for this blob must itself be durable in its parent.
        if (created) await fsyncDirectory(path.dirname(created));
        return { bytes };
      } catch (err) {
        await handle.close().catch(() => undefined);
        await fs.promises.rm(tmp, { force: true });
        throw err;
      }
    },

    async get(key) {
      const file = fileOf(key);
      try {
        const handle = await fs.promises.open(file, 'r');
        return handle.createReadStream({ highWaterMark: READ_CHUNK_BYTES });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new BlobNotFoundError(key);
        throw err;
      }
    },

    async delete(key) {
      await fs.promises.rm(fileOf(key), { force: true });
    },

    async *list(prefix) {
      assertBlobPrefix(prefix);
      // Start at the deepest directory the prefix names completely; filter the rest by string.
      const dirPart = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
      yield* walk(root, dirPart, prefix);
    },

    async ping() {
      await fs.promises.access(root, fs.constants.R_OK | fs.constants.W_OK | fs.constants.X_OK);
    },
  };
}

async function* walk(root: string, relDir: string, prefix: string): AsyncIterable<{ key: string; lastModified: Date }> {
  let entries: fs.Dirent[];
  try {
    entries = await fs.promises.readdir(path.join(root, ...relDir.split('/').filter(Boolean)), { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (relDir === '' && entry.name === TEMP_DIR) continue;
    const key = relDir ? `${relDir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (prefix.startsWith(`${key}/`) || `${key}/`.startsWith(prefix)) yield* walk(root, key, prefix);
    } else if (entry.isFile() && key.startsWith(prefix)) {
      const st = await fs.promises.stat(path.join(root, ...key.split('/'))).catch(() => null);
      if (st) yield { key, lastModified: st.mtime };
    }
  }
}

function removeStaleTempFiles(dir: string, olderThanMs: number): void {
  const cutoff = Date.now() - olderThanMs;
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name);
    try {
      if (fs.statSync(file).mtimeMs < cutoff) fs.rmSync(file, { force: true });
    } catch {
      // Raced with another process cleaning up: nothing to do.
    }
  }
}

/** Writes every buffer in order with as few writev calls as the kernel allows; returns the byte count. */
async function writeAll(handle: fs.promises.FileHandle, buffers: Buffer[]): Promise<number> {
  let total = 0;
  let pending = buffers;
  while (pending.length > 0) {
    const { bytesWritten } = await handle.writev(pending);
    total += bytesWritten;
    // A short write: drop what was written and retry with the rest.
    let skip = bytesWritten;
    const rest: Buffer[] = [];
    for (const b of pending) {
      if (skip >= b.length) {
        skip -= b.length;
        continue;
      }
      rest.push(skip > 0 ? b.subarray(skip) : b);
      skip = 0;
    }
    pending = rest;
  }
  return total;
}

async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await fs.promises.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
