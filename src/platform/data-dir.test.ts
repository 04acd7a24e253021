import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StartupError, acquireDirectoryLock, ensureDataDir, readPrivateFile, writePrivateFile } from './data-dir.ts';

const mode = (file: string) => fs.statSync(file).mode & 0o777;

/** The pid of a process that has certainly exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  const pid = Number(child.stdout);
  expect(pid).toBeGreaterThan(0);
  return pid;
}

describe('data directory', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'chambers-data-'));
  });
  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  describe('ensureDataDir', () => {
    it('should create a missing data directory, nested, readable by its owner only', () => {
      const dir = path.join(root, 'a', 'b', 'data');
      ensureDataDir(dir);
      expect(fs.statSync(dir).isDirectory()).toBe(true);
      expect(mode(dir)).toBe(0o700);
    });

    it('should tighten an existing directory that others can read', () => {
      const dir = path.join(root, 'data');
      fs.mkdirSync(dir, { mode: 0o755 });
      fs.chmodSync(dir, 0o755);
      ensureDataDir(dir);
      expect(mode(dir)).toBe(0o700);
    });

    it('should refuse a data directory path that is a file', () => {
      const file = path.join(root, 'data');
      fs.writeFileSync(file, '');
      expect(() => ensureDataDir(file)).toThrow(StartupError);
    });
  });

  describe('private files', () => {
    it('should write a new secret file with mode 0600 and never overwrite one', () => {
      const file = path.join(root, 'keys', 'secret');
      writePrivateFile(file, 'first');
      expect(mode(file)).toBe(0o600);
      expect(mode(path.dirname(file))).toBe(0o700);
      expect(() => writePrivateFile(file, 'second')).toThrow();
      expect(readPrivateFile(file).toString()).toBe('first');
      expect(fs.readdirSync(path.dirname(file))).toEqual(['secret']);
    });

    it('should refuse to read a secret file that group or others can read', () => {
      const file = path.join(root, 'secret');
      writePrivateFile(file, 'x');
      for (const m of [0o640, 0o604, 0o644]) {
        fs.chmodSync(file, m);
        expect(() => readPrivateFile(file)).toThrow(`Run \`chmod 600 ${file}\``);
      }
    });

    it('should say which file is missing', () => {
      const file = path.join(root, 'nope');
      expect(() => readPrivateFile(file)).toThrow(new StartupError(`cannot read ${file}: ENOENT`));
    });
  });

  describe('acquireDirectoryLock', () => {
    it('should hold the lock until it is released, then let the next process take it', () => {
      const file = path.join(root, 'db.lock');
      const release = acquireDirectoryLock(file);
      expect(fs.readFileSync(file, 'utf8').trim()).toBe(String(process.pid));
      expect(mode(file)).toBe(0o600);
      release();
      expect(fs.existsSync(file)).toBe(false);
      release(); // twice is harmless
      acquireDirectoryLock(file)();
    });

    it('should refuse a second lock while the first is held, naming the holder and what to do', () => {
      const file = path.join(root, 'db.lock');
      const release = acquireDirectoryLock(file);
      try {
        let caught: unknown;
        try {
          acquireDirectoryLock(file);
        } catch (err) {
          caught = err;
        }
        expect(caught).toBeInstanceOf(StartupError);
        const message = (caught as Error).message;
        expect(message).toContain(
          `another Chambers process (pid ${process.pid}) is using the embedded database in ${root}`,
        );
        expect(message).toContain('stop it first');
        expect(message).toContain('CHAMBERS_DATA_DIR');
        // The refused attempt must not have broken the holder's lock.
        expect(fs.readFileSync(file, 'utf8').trim()).toBe(String(process.pid));
      } finally {
        release();
      }
    });

    it('should refuse a lock held by another live process', () => {
      const file = path.join(root, 'db.lock');
      // pid 1 is always alive (init); signalling it as a normal user answers EPERM, which still means alive.
      fs.writeFileSync(file, '1\n', { mode: 0o600 });
      expect(() => acquireDirectoryLock(file)).toThrow(/another Chambers process \(pid 1\)/);
      expect(fs.readFileSync(file, 'utf8')).toBe('1\n');
    });

    it('should take over the stale lock of a process that died', () => {
      const file = path.join(root, 'db.lock');
      const pid = deadPid();
      fs.writeFileSync(file, `${pid}\n`, { mode: 0o600 });
      const release = acquireDirectoryLock(file);
      expect(fs.readFileSync(file, 'utf8').trim()).toBe(String(process.pid));
      release();
      expect(fs.existsSync(file)).toBe(false);
    });

    it('should take over a lock file with garbage in it', () => {
      const file = path.join(root, 'db.lock');
      fs.writeFileSync(file, '', { mode: 0o600 });
      acquireDirectoryLock(file)();
      fs.writeFileSync(file, 'not a pid', { mode: 0o600 });
      acquireDirectoryLock(file)();
    });

    it('should not delete a lock that another process took over after ours', () => {
      const file = path.join(root, 'db.lock');
      const release = acquireDirectoryLock(file);
      fs.writeFileSync(file, '1\n');
      release();
      expect(fs.readFileSync(file, 'utf8')).toBe('1\n');
    });
  });
});
