// Vault phase of `npm run bench`: throughput of the chunked AES-256-GCM streams over
// 512 MB streamed in memory, next to `openssl speed -evp aes-256-gcm` (16384-byte
// blocks, one core) as the ceiling. Run alone: `node --import tsx bench/vault.ts`.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { createDecryptStream, createEncryptStream } from '../src/crypto/chunked-aead.ts';

const TOTAL = Number(process.env.BENCH_VAULT_MB ?? 512) * 1024 * 1024;
const MB = 1024 * 1024;

/** openssl's AES-256-GCM rate at 16384-byte blocks, in MB/s (MiB), or null when openssl is missing. */
function opensslCeilingMBps(): number | null {
  try {
    const out = execFileSync('openssl', ['speed', '-evp', 'aes-256-gcm', '-seconds', '3'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const line = out.split('\n').find((l) => /^aes-256-gcm\s/i.test(l.trim()));
    // Columns: 16, 64, 256, 1024, 8192, 16384 bytes, in 1000s of bytes per second.
    const k = line?.trim().split(/\s+/).at(-1);
    return k ? (Number.parseFloat(k) * 1000) / MB : null;
  } catch {
    return null;
  }
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1e6;
}

function source(piece: Buffer, total: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= total) return this.push(null);
      sent += piece.length;
      this.push(piece);
    },
  });
}

export async function benchVault(): Promise<void> {
  const key = crypto.randomBytes(32);
  const context = Buffer.from('bench-document');
  const piece = crypto.randomBytes(MB);

  // Encryption: plaintext streamed from a reused 1 MiB buffer; the ciphertext is kept for the decryption run.
  const sealed: Buffer[] = [];
  const rssBefore = process.memoryUsage().rss;
  let t0 = process.hrtime.bigint();
  let cpu0 = process.cpuUsage();
  await pipeline(
    source(piece, TOTAL),
    createEncryptStream(key, context),
    new Writable({
      write(c: Buffer, _e, cb) {
        sealed.push(c);
        cb();
      },
    }),
  );
  const encSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const encCpu = cpuSeconds(cpu0);

  let out = 0;
  let peakRss = 0;
  t0 = process.hrtime.bigint();
  cpu0 = process.cpuUsage();
  await pipeline(
    Readable.from(sealed),
    createDecryptStream(key, context),
    new Writable({
      write(c: Buffer, _e, cb) {
        out += c.length;
        if ((out & (64 * MB - 1)) < c.length) peakRss = Math.max(peakRss, process.memoryUsage().rss);
        cb();
      },
    }),
  );
  const decSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const decCpu = cpuSeconds(cpu0);
  if (out !== TOTAL) throw new Error(`decrypted ${out} bytes, expected ${TOTAL}`);
  sealed.length = 0;

  // openssl speed divides by CPU (user) time, so the comparable figure of ours is MB per CPU-second (all threads, GC included).
  const mb = TOTAL / MB;
  const [enc, dec, encPerCpu, decPerCpu] = [mb / encSeconds, mb / decSeconds, mb / encCpu, mb / decCpu];
  const ceiling = opensslCeilingMBps();
  console.log(`\nvault: chunked AES-256-GCM (64 KiB chunks) over ${mb} MB streamed in memory`);
  console.log(
    `encrypt stream  ${enc.toFixed(0).padStart(6)} MB/s wall clock  ${encPerCpu.toFixed(0).padStart(6)} MB per CPU-second`,
  );
  console.log(
    `decrypt stream  ${dec.toFixed(0).padStart(6)} MB/s wall clock  ${decPerCpu.toFixed(0).padStart(6)} MB per CPU-second   (RSS growth while decrypting, beyond the held ciphertext: ${((peakRss - rssBefore) / MB - mb).toFixed(0)} MB)`,
  );
  if (ceiling) {
    console.log(
      `openssl speed -evp aes-256-gcm, 16384-byte blocks (ceiling, per CPU-second)  ${ceiling.toFixed(0)} MB/s`,
    );
    console.log(
      `ratio to the ceiling (CPU time): encrypt ${(encPerCpu / ceiling).toFixed(2)}x, decrypt ${(decPerCpu / ceiling).toFixed(2)}x`,
    );
  } else {
    console.log('openssl not found: no ceiling measured');
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await benchVault();
