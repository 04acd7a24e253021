// Documents phase of `npm run bench`: upload and download of a 200 MB file over HTTP on the local
// blob backend, MB/s each way and the server's peak RSS growth (sampled from /proc in the parent),
// next to the encryption throughput alone and `openssl speed -evp aes-256-gcm` as the ceiling.
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createEncryptStream } from '../src/crypto/chunked-aead.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const SIZE = Number(process.env.BENCH_DOCUMENT_MB ?? 200) * 1024 * 1024;
const MB = 1024 * 1024;

type Ready = { port: number; accessToken: string };

const rssOf = (pid: number): number => {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
};

/** Samples a process's RSS every 20 ms while `work` runs; returns the peak. */
async function peakRss<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; peak: number }> {
  let peak = rssOf(pid);
  const timer = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 20);
  try {
    return { result: await work(), peak };
  } finally {
    clearInterval(timer);
  }
}

/** A PDF-looking stream of `size` bytes, generated as it is read (the bench never holds the file either). */
function pdfStream(size: number): Readable {
  const head = Buffer.from('%PDF-1.7\n');
  const block = crypto.randomBytes(MB);
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= size) return this.push(null);
      const chunk = sent === 0 ? Buffer.concat([head, block.subarray(head.length)]) : block;
      const n = Math.min(chunk.length, size - sent);
      sent += n;
      this.push(chunk.subarray(0, n));
    },
  });
}

function upload(ready: Ready, matterId: string): Promise<{ status: number; body: string }> {
  const boundary = `bench${crypto.randomBytes(8).toString('hex')}`;
  const pre = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bench.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
  );
  const post = Buffer.from(`\r\n--${boundary}--\r\n`);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: ready.port,
        method: 'POST',
        path: `/api/v1/matters/${matterId}/documents`,
        headers: {
          authorization: `Bearer ${ready.accessToken}`,
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': pre.length + SIZE + post.length,
        },
      },
      (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.write(pre);
    const source = pdfStream(SIZE);
    source.pipe(req, { end: false });
    source.on('end', () => req.end(post));
  });
}

function download(ready: Ready, id: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(
        {
          host: '127.0.0.1',
          port: ready.port,
          path: `/api/v1/documents/${id}/content`,
          headers: { authorization: `Bearer ${ready.accessToken}` },
        },
        (res) => {
          let n = 0;
          res.on('data', (d: Buffer) => (n += d.length));
          res.on('end', () => resolve(n));
          res.on('error', reject);
        },
      )
      .on('error', reject);
  });
}

async function json(ready: Ready, method: string, url: string, payload: unknown): Promise<{ id: string }> {
  const res = await fetch(`http://127.0.0.1:${ready.port}${url}`, {
    method,
    headers: { authorization: `Bearer ${ready.accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(payload),
  });
  return (await res.json()) as { id: string };
}

async function encryptionAlone(): Promise<number> {
  const t0 = process.hrtime.bigint();
  await pipeline(
    pdfStream(SIZE),
    createEncryptStream(crypto.randomBytes(32), Buffer.alloc(16)),
    new Writable({ write: (_c, _e, done) => done() }),
  );
  return SIZE / MB / (Number(process.hrtime.bigint() - t0) / 1e9);
}

function opensslCeiling(): string {
  try {
    const out = execFileSync('openssl', ['speed', '-evp', 'aes-256-gcm', '-seconds', '2', '-bytes', '65536'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const line = out.trim().split('\n').pop() ?? '';
    const kbps = Number(line.trim().split(/\s+/).pop()?.replace(/k$/, ''));
    return Number.isFinite(kbps) ? `${((kbps * 1000) / MB).toFixed(0)} MB/s` : 'n/a';
  } catch {
    return 'n/a (openssl not found)';
  }
}

/** Runs the documents phase against a Chambers child process on `dbUrl`. */
export async function benchDocuments(dbUrl: string): Promise<void> {
  const child: ChildProcess = fork(path.join(here, 'servers', 'chambers.ts'), [], {
    // BENCH_CHILD_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the server under test.
    execArgv: ['--import', 'tsx', ...(process.env.BENCH_CHILD_NODE_ARGS?.split(' ').filter(Boolean) ?? [])],
    env: { ...process.env, BENCH_DATABASE_URL: dbUrl, BENCH_BODY_LIMIT: `${Math.ceil(SIZE / MB) + 16}mb` },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<Ready>((resolve, reject) => {
    child.once('message', (m) => resolve(m as Ready));
    child.once('exit', (code) => reject(new Error(`chambers.ts exited with ${code}`)));
  });
  try {
    const pid = child.pid!;
    const matter = await json(ready, 'POST', '/api/v1/matters', { title: 'Bench matter' });
    const baseRss = rssOf(pid);
    let t0 = process.hrtime.bigint();
    const up = await peakRss(pid, () => upload(ready, matter.id));
    const upSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    if (up.result.status !== 201) throw new Error(`upload failed: ${up.result.status} ${up.result.body.slice(0, 200)}`);
    const id = (JSON.parse(up.result.body) as { id: string }).id;
    const downBase = rssOf(pid);
    t0 = process.hrtime.bigint();
    const down = await peakRss(pid, () => download(ready, id));
    const downSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    if (down.result !== SIZE) throw new Error(`download returned ${down.result} of ${SIZE} bytes`);
    const enc = await encryptionAlone();
    const mb = SIZE / MB;
    console.log(`\nDocuments: ${mb} MB over HTTP, local blob store (goals ≥ 150 MB/s each way, RSS growth < 64 MB)`);
    console.log(
      `upload    ${(mb / upSeconds).toFixed(0).padStart(5)} MB/s   server peak RSS growth ${((up.peak - baseRss) / MB).toFixed(1)} MB`,
    );
    console.log(
      `download  ${(mb / downSeconds).toFixed(0).padStart(5)} MB/s   server peak RSS growth ${((down.peak - downBase) / MB).toFixed(1)} MB`,
    );
    console.log(
      `encryption alone (chunked AES-256-GCM, one core): ${enc.toFixed(0)} MB/s; openssl speed -evp aes-256-gcm (64 KiB blocks): ${opensslCeiling()}`,
    );
  } finally {
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.send('stop');
    });
  }
}
