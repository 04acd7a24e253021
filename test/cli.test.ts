import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, testDatabaseKind } from './helpers/test-db.ts';

/* `npx chambers migrate | doctor | keys rotate-signing`, run as a person runs them. */

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dirs: string[] = [];
const drops: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const d of drops) await d();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

async function chambers(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [path.join(ROOT, 'bin/chambers.js'), ...args], {
      env: { ...process.env, LOG_LEVEL: 'silent', ...env },
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

async function freshEnv(): Promise<Record<string, string>> {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'chambers-cli-'));
  dirs.push(base);
  const env: Record<string, string> = { CHAMBERS_DATA_DIR: path.join(base, 'data') };
  if (testDatabaseKind() === 'postgres') {
    const db = await createScratchDatabase();
    drops.push(db.drop);
    env.DATABASE_URL = db.url;
  }
  return env;
}

describe('chambers CLI', () => {
  it('should migrate a new database, then report it up to date', async () => {
    const env = await freshEnv();
    const first = await chambers(['migrate'], env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/applied: 0001_foundation\.sql, 0002_auth\.sql/);
    const second = await chambers(['migrate'], env);
    expect(second.stdout).toMatch(/up to date/);
  }, 240_000);

  it('should have doctor say what is missing on a fresh machine and pass once keys and schema exist', async () => {
    const env = await freshEnv();
    const before = await chambers(['doctor'], env);
    expect(before.code).toBe(1);
    expect(before.stdout).toMatch(/FAIL\s+data directory .* does not exist/);
    expect(before.stdout).toMatch(/fix: /);

    const bad = await chambers(['doctor'], { ...env, PORT: 'abc' });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('PORT must be an integer 1-65535, got "abc"');

    // Create keys the way a first start does, then the schema.
    fs.mkdirSync(env.CHAMBERS_DATA_DIR!, { recursive: true, mode: 0o700 });
    const { loadOrCreateKeys } = await import('../src/platform/keys.ts');
    loadOrCreateKeys(env.CHAMBERS_DATA_DIR!, { hasExistingData: false });
    expect((await chambers(['migrate'], env)).code).toBe(0);
    const after = await chambers(['doctor'], env);
    expect(after.stdout).toMatch(/all checks passed/);
    expect(after.code).toBe(0);

    fs.chmodSync(path.join(env.CHAMBERS_DATA_DIR!, 'keys', 'master.key'), 0o644);
    const loose = await chambers(['doctor'], env);
    expect(loose.code).toBe(1);
    expect(loose.stdout).toMatch(/master key.*readable by other users[\s\S]*chmod 600/);
  }, 240_000);

  it('should rotate the signing key, keeping the old one listed as retired', async () => {
    const env = await freshEnv();
    fs.mkdirSync(env.CHAMBERS_DATA_DIR!, { recursive: true, mode: 0o700 });
    const none = await chambers(['keys', 'rotate-signing'], env);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/start Chambers once first/);
    const { loadOrCreateKeys } = await import('../src/platform/keys.ts');
    const before = loadOrCreateKeys(env.CHAMBERS_DATA_DIR!, { hasExistingData: false });
    const res = await chambers(['keys', 'rotate-signing'], env);
    expect(res.code, res.stderr).toBe(0);
    const after = loadOrCreateKeys(env.CHAMBERS_DATA_DIR!, { hasExistingData: true });
    expect(after.jwtKeys.map((k) => k.kid)).toContain(before.jwtKeys[0]!.kid);
    expect(after.jwtKeys.filter((k) => k.retiredAt === null)).toHaveLength(1);
    expect(after.jwtKeys.find((k) => k.retiredAt === null)!.kid).not.toBe(before.jwtKeys[0]!.kid);
    expect(res.stdout).toContain(after.jwtKeys.find((k) => k.retiredAt === null)!.kid);
  }, 240_000);

  it('should print usage and exit 2 for an unknown command', async () => {
    const res = await chambers(['frobnicate'], {});
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/usage: chambers/);
  });
});
