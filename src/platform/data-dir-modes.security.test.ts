/**
 * Attack: another local account on the server reads the embedded database, blobs or
 * outbox because files were created 0666 (directories 0755) under a common umask.
 * A real start on a file-backed PGlite must leave nothing in the data directory that
 * group or others can read, and `doctor` must name a file that is.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { testDatabaseKind } from '../../test/helpers/test-db.ts';
import { boot } from '../boot.ts';
import { loadConfig } from './config.ts';
import { findLooseModes } from './data-dir.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe.skipIf(testDatabaseKind() !== 'pglite')('data directory modes', () => {
  it('should create every file and directory of a first start private to its owner, under a permissive umask', async () => {
    const dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'chambers-modes-')), 'data');
    dirs.push(path.dirname(dataDir));
    const previous = process.umask(0o000);
    try {
      const runtime = await boot(loadConfig({ CHAMBERS_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }));
      await runtime.close();
    } finally {
      process.umask(previous);
    }
    expect(fs.readdirSync(dataDir).length).toBeGreaterThan(1);
    expect(findLooseModes(dataDir)).toEqual([]);
  });

  it('should have doctor name a file that others can read', async () => {
    const dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'chambers-modes-')), 'data');
    dirs.push(path.dirname(dataDir));
    fs.mkdirSync(path.join(dataDir, 'outbox'), { recursive: true, mode: 0o700 });
    fs.writeFileSync(path.join(dataDir, 'outbox', 'leaky.eml'), 'x');
    fs.chmodSync(path.join(dataDir, 'outbox', 'leaky.eml'), 0o644);
    const cli = path.resolve(import.meta.dirname, '../../bin/chambers.js');
    const out = await promisify(execFile)(process.execPath, [cli, 'doctor'], {
      env: { ...process.env, CHAMBERS_DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
    }).catch((e: { stdout: string }) => e);
    expect(out.stdout).toMatch(
      /FAIL\s+1 file\(s\) in the data directory are readable by other users: outbox\/leaky\.eml \(644\)/,
    );
    expect(out.stdout).toContain(`chmod -R go-rwx ${dataDir}`);
  });
});
