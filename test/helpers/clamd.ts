import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createClamdScanner } from '../../src/platform/scanner/clamd-scanner.ts';

/** The EICAR anti-virus test file: harmless, and every scanner reports it. */
export const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';
const EICAR_SIGNATURE_NAME = 'Chambers.Test.EICAR';
/** What clamd reports: it marks signatures outside the official databases `.UNOFFICIAL`. */
export const EICAR_SIGNATURE = `${EICAR_SIGNATURE_NAME}.UNOFFICIAL`;

const CLAMD =
  ['/usr/sbin/clamd', '/usr/bin/clamd'].find((p) => fs.existsSync(p)) ??
  (spawnSync('sh', ['-c', 'command -v clamd']).stdout.toString().trim() || null);

/** Why clamd tests cannot run here, or null when they can (CI installs Debian clamav-daemon). */
export const clamdMissingReason = (): string | null =>
  CLAMD ? null : 'clamd is not installed (apt-get install clamav-daemon)';

export type TestClamd = { host: string; port: number; env: Record<string, string>; stop(): Promise<void> };

/**
 * A real clamd on a random TCP port with a private configuration and a signature
 * database holding only the EICAR test signature (a body signature, so it also
 * matches EICAR inside a larger file). No signature download involved.
 */
export async function startClamd(opts: { streamMaxLength?: string } = {}): Promise<TestClamd> {
  if (!CLAMD) throw new Error(clamdMissingReason() ?? 'clamd missing');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chambers-clamd-'));
  const dbDir = path.join(dir, 'db');
  fs.mkdirSync(dbDir);
  fs.writeFileSync(
    path.join(dbDir, 'chambers-test.ndb'),
    `${EICAR_SIGNATURE_NAME}:0:*:${Buffer.from(EICAR).toString('hex')}\n`,
  );
  const port = await freePort();
  const conf = path.join(dir, 'clamd.conf');
  fs.writeFileSync(
    conf,
    [
      `TCPSocket ${port}`,
      'TCPAddr 127.0.0.1',
      'Foreground yes',
      `DatabaseDirectory ${dbDir}`,
      `LogFile ${path.join(dir, 'clamd.log')}`,
      `TemporaryDirectory ${dir}`,
      `StreamMaxLength ${opts.streamMaxLength ?? '25M'}`,
      'MaxThreads 2',
      'Bytecode no',
    ].join('\n') + '\n',
  );
  const child: ChildProcess = spawn(CLAMD, ['--config-file', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const scanner = createClamdScanner({ host: '127.0.0.1', port, timeoutMs: 2_000 });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`clamd exited (${child.exitCode}): ${stderr}${readLog(dir)}`);
    try {
      await scanner.ping();
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`clamd did not answer PING within 60 s: ${stderr}${readLog(dir)}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    host: '127.0.0.1',
    port,
    env: { CLAMD_HOST: '127.0.0.1', CLAMD_PORT: String(port) },
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

function readLog(dir: string): string {
  try {
    return fs.readFileSync(path.join(dir, 'clamd.log'), 'utf8').slice(-2000);
  } catch {
    return '';
  }
}
