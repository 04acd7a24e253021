import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, testDatabaseKind } from './helpers/test-db.ts';

/*
 * `node bin/chambers.js start` as a person runs it: real processes, real ports,
 * a real data directory. Each start boots PGlite from disk (seconds), so these
 * are few and have generous time limits.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SPAWN_TEST_TIMEOUT = 240_000;
const WAIT_MS = 150_000;

type Chambers = {
  child: ChildProcess;
  port: number;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code (or the signal's name) once the process is gone. */
  exited: Promise<number | string>;
};

const running = new Set<Chambers>();
const tmpDirs: string[] = [];
const scratchDrops: Array<() => Promise<void>> = [];

afterAll(async () => {
  for (const c of running) {
    c.child.kill('SIGKILL');
    await c.exited;
  }
  for (const drop of scratchDrops) await drop();
  for (const dir of tmpDirs) fs.rmSync(dir, { recursive: true, force: true });
});

function tmpDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chambers-start-'));
  tmpDirs.push(dir);
  return path.join(dir, 'data');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Starts `chambers start` with only the variables given (plus PATH and HOME), never the test runner's. */
async function startChambers(env: Record<string, string>): Promise<Chambers> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  let out = '';
  let err = '';
  const child = spawn(process.execPath, ['bin/chambers.js', 'start'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? os.tmpdir(),
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (err += d));
  const c: Chambers = {
    child,
    port: Number.isInteger(port) ? port : 0,
    stdout: () => out,
    stderr: () => err,
    exited: new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'))),
  };
  running.add(c);
  void c.exited.then(() => running.delete(c));
  return c;
}

const describeProcess = (c: Chambers) => `stdout:\n${c.stdout()}\nstderr:\n${c.stderr()}`;

/** Waits for stdout to match, failing early (with the output) when the process exits first. */
async function waitForOutput(c: Chambers, pattern: RegExp): Promise<RegExpExecArray> {
  const deadline = Date.now() + WAIT_MS;
  let exited: number | string | undefined;
  void c.exited.then((code) => (exited = code));
  for (;;) {
    const m = pattern.exec(c.stdout());
    if (m) return m;
    if (exited !== undefined)
      throw new Error(`chambers exited (${exited}) before printing ${pattern}\n${describeProcess(c)}`);
    if (Date.now() > deadline)
      throw new Error(`chambers did not print ${pattern} within ${WAIT_MS} ms\n${describeProcess(c)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until the server answers /healthz. */
async function waitUntilServing(c: Chambers): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  let exited: number | string | undefined;
  void c.exited.then((code) => (exited = code));
  for (;;) {
    if (exited !== undefined) throw new Error(`chambers exited (${exited}) before serving\n${describeProcess(c)}`);
    try {
      if ((await fetch(`http://127.0.0.1:${c.port}/healthz`)).status === 200) return;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`chambers did not serve within ${WAIT_MS} ms\n${describeProcess(c)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A process that must refuse to start: its exit code and what it told the person. */
async function expectRefusal(c: Chambers): Promise<string> {
  const code = await Promise.race([
    c.exited,
    new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), WAIT_MS).unref()),
  ]);
  expect(code, describeProcess(c)).not.toBe('timeout');
  expect(code, describeProcess(c)).not.toBe(0);
  expect(c.stderr()).toMatch(/^chambers: cannot start: /);
  return c.stderr();
}

async function stop(c: Chambers): Promise<void> {
  c.child.kill('SIGTERM');
  expect(await c.exited, describeProcess(c)).toBe(0);
}

const get = (c: Chambers, urlPath: string) => fetch(`http://127.0.0.1:${c.port}${urlPath}`);

const completeSetup = (c: Chambers, token: string) =>
  fetch(`http://127.0.0.1:${c.port}/api/v1/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      token,
      email: 'founder@example.com',
      password: 'granite-meadow-whistles-08',
      name: 'Founder',
      organization: { name: 'Founders LLP', kind: 'firm' },
    }),
  });

const SETUP_LINE = /Open (http:\/\/127\.0\.0\.1:\d+)\/setup\?token=([A-Za-z0-9_-]+) /;

describe('chambers start on the embedded database', () => {
  const dataDir = tmpDir();
  let first: Chambers;
  let firstToken: string;

  it(
    'should print the setup link on the first start, then answer /healthz and /readyz over HTTP',
    async () => {
      first = await startChambers({ CHAMBERS_DATA_DIR: dataDir });
      const [, base, token] = await waitForOutput(first, SETUP_LINE);
      expect(base).toBe(`http://127.0.0.1:${first.port}`);
      firstToken = token!;
      expect(first.stdout().match(/\/setup\?token=/g)).toHaveLength(1);

      const health = await get(first, '/healthz');
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });
      const ready = await get(first, '/readyz');
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ok', checks: { database: 'ok', storage: 'ok', keys: 'ok' } });

      expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700);
      expect(fs.readdirSync(path.join(dataDir, 'keys')).sort()).toEqual([
        'audit-ed25519.pem',
        'judicial-master.key',
        'jwt-signing.json',
        'master.key',
      ]);
    },
    SPAWN_TEST_TIMEOUT,
  );

  it(
    'should refuse a second process on the same data directory, and leave the first one serving',
    async () => {
      const second = await startChambers({ CHAMBERS_DATA_DIR: dataDir });
      const stderr = await expectRefusal(second);
      expect(stderr).toContain('another Chambers process');
      expect(stderr).toContain(`(pid ${first.child.pid}) is using the embedded database`);
      expect(second.stdout()).not.toContain('/setup?token=');

      expect((await get(first, '/readyz')).status).toBe(200);
      expect((await get(first, '/api/v1/no-such-route')).status).toBe(404);
    },
    SPAWN_TEST_TIMEOUT,
  );

  it(
    'should stop cleanly on SIGTERM; the next start prints a fresh token, and only that one works',
    async () => {
      await stop(first);
      expect(fs.existsSync(path.join(dataDir, 'db.lock'))).toBe(false);

      const again = await startChambers({ CHAMBERS_DATA_DIR: dataDir });
      const [, , token] = await waitForOutput(again, SETUP_LINE);
      expect(token).not.toBe(firstToken);

      const stale = await completeSetup(again, firstToken);
      expect(stale.status).toBe(403);
      expect(await stale.json()).toMatchObject({ code: 'SETUP_TOKEN_INVALID' });
      const fresh = await completeSetup(again, token!);
      expect(fresh.status).toBe(201);
      expect(await fresh.json()).toEqual({ userId: expect.any(String), orgId: expect.any(String) });
      // Single use.
      expect((await completeSetup(again, token!)).status).toBe(403);
      await stop(again);
    },
    SPAWN_TEST_TIMEOUT,
  );

  it(
    'should print no setup link once setup is done',
    async () => {
      const third = await startChambers({ CHAMBERS_DATA_DIR: dataDir });
      await waitUntilServing(third);
      expect((await get(third, '/readyz')).status).toBe(200);
      await new Promise((r) => setTimeout(r, 300));
      expect(third.stdout()).not.toContain('/setup?token=');
      await stop(third);
    },
    SPAWN_TEST_TIMEOUT,
  );
});

describe('chambers start refusing to start', () => {
  it(
    'should refuse a different master key than the one the data was created with',
    async () => {
      const dataDir = tmpDir();
      const env: Record<string, string> = { CHAMBERS_DATA_DIR: dataDir };
      if (testDatabaseKind() === 'postgres') {
        const scratch = await createScratchDatabase();
        scratchDrops.push(scratch.drop);
        env.DATABASE_URL = scratch.url;
      }
      const keyA = crypto.randomBytes(32).toString('base64');
      const keyB = crypto.randomBytes(32).toString('base64');

      const withA = await startChambers({ ...env, CHAMBERS_MASTER_KEY: keyA });
      await waitForOutput(withA, SETUP_LINE);
      await stop(withA);
      expect(fs.existsSync(path.join(dataDir, 'keys', 'master.key'))).toBe(false);

      const withB = await startChambers({ ...env, CHAMBERS_MASTER_KEY: keyB });
      const stderr = await expectRefusal(withB);
      expect(stderr).toContain('the master key does not match this database');
      expect(stderr).not.toContain(keyA);
      expect(stderr).not.toContain(keyB);
      expect(withB.stdout()).not.toContain('/setup?token=');
    },
    SPAWN_TEST_TIMEOUT,
  );

  it(
    'should refuse a PostgreSQL server it cannot reach, naming the database',
    async () => {
      const c = await startChambers({
        CHAMBERS_DATA_DIR: tmpDir(),
        DATABASE_URL: 'postgres://postgres:Sekr1t-pw@127.0.0.1:1/nope',
      });
      const stderr = await expectRefusal(c);
      expect(stderr).toContain('cannot reach the database at 127.0.0.1:1/nope');
      expect(stderr).not.toContain('Sekr1t-pw');
    },
    SPAWN_TEST_TIMEOUT,
  );

  it(
    'should refuse a PORT that is not a port, with the configuration message',
    async () => {
      const c = await startChambers({ CHAMBERS_DATA_DIR: tmpDir(), PORT: 'abc', LOG_LEVEL: 'loud' });
      const stderr = await expectRefusal(c);
      expect(await c.exited).toBe(1);
      expect(stderr).toContain('Invalid configuration:');
      expect(stderr).toContain('  - PORT must be an integer 1-65535, got "abc"');
      expect(stderr).toContain('  - LOG_LEVEL must be one of');
    },
    SPAWN_TEST_TIMEOUT,
  );
});
