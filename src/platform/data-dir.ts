import fs from 'node:fs';
import path from 'node:path';

export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}

/**
 * Every file and directory this process creates from now on is private to its user:
 * PGlite, blob stores and key files would otherwise be created 0666/0755 under a
 * common umask. Called before anything writes to the data directory.
 */
export function restrictFileCreation(): void {
  process.umask(0o077);
}

/** Files and directories under `dir` that others may read or enter (at most `limit` are listed; the walk stops there). */
export function findLooseModes(dir: string, limit = 20): Array<{ path: string; mode: string }> {
  const loose: Array<{ path: string; mode: string }> = [];
  const walk = (at: string): void => {
    for (const entry of fs.readdirSync(at, { withFileTypes: true })) {
      if (loose.length >= limit) return;
      const full = path.join(at, entry.name);
      if (entry.isSymbolicLink()) continue;
      const mode = fs.statSync(full).mode & 0o777;
      if (mode & 0o077) loose.push({ path: full, mode: mode.toString(8) });
      if (entry.isDirectory()) walk(full);
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return loose;
}

/**
 * Removes group and other permissions from everything under `dir`. PGlite's
 * WebAssembly file system sets file modes itself (0666, directories 0777), past the
 * umask, so its directory is tightened when it opens and when it closes.
 */
export function tightenModes(dir: string): void {
  if (!fs.existsSync(dir)) return;
  const tighten = (at: string): void => {
    const st = fs.lstatSync(at);
    if (st.isSymbolicLink()) return;
    if (st.mode & 0o077) fs.chmodSync(at, st.mode & 0o700);
    if (st.isDirectory()) for (const name of fs.readdirSync(at)) tighten(path.join(at, name));
  };
  tighten(dir);
}

/** Creates the data directory (0700) or checks that an existing one is private enough. */
export function ensureDataDir(dir: string): void {
  restrictFileCreation();
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new StartupError(`cannot create the data directory ${dir}: ${(err as Error).message}`);
  }
  const st = fs.statSync(dir);
  if (!st.isDirectory()) throw new StartupError(`${dir} is not a directory (CHAMBERS_DATA_DIR)`);
  if ((st.mode & 0o077) !== 0) {
    // Tighten rather than refuse: the directory holds no secret itself, the files inside are checked one by one.
    fs.chmodSync(dir, 0o700);
  }
  try {
    fs.accessSync(dir, fs.constants.R_OK | fs.constants.W_OK | fs.constants.X_OK);
  } catch {
    throw new StartupError(
      `the data directory ${dir} is not readable and writable by this user; fix its owner or permissions`,
    );
  }
}

/** Reads a secret file only when nobody but its owner can read it. */
export function readPrivateFile(file: string): Buffer {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (err) {
    throw new StartupError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if ((st.mode & 0o077) !== 0) {
    const mode = (st.mode & 0o777).toString(8);
    throw new StartupError(
      `${file} is readable by other users (mode ${mode}); it holds key material. Run \`chmod 600 ${file}\` and start again`,
    );
  }
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new StartupError(
      `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}; check its owner`,
    );
  }
}

/** Writes a new secret file atomically with mode 0600; never overwrites an existing one. */
export function writePrivateFile(file: string, content: string | Buffer): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, content, { mode: 0o600, flag: 'wx' });
  try {
    fs.linkSync(tmp, file); // fails if the file appeared meanwhile: never clobber a key
  } finally {
    fs.unlinkSync(tmp);
  }
}

/** Replaces a secret file atomically (used by key rotation, which keeps the old keys inside). */
export function replacePrivateFile(file: string, content: string | Buffer): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, content, { mode: 0o600, flag: 'w' });
  fs.renameSync(tmp, file);
}

/**
 * An exclusive lock on the embedded database: a second process on the same data
 * directory would corrupt PGlite's files, so it must refuse to start instead.
 */
export function acquireDirectoryLock(file: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx', 0o600);
      fs.writeSync(fd, `${process.pid}\n`);
      fs.closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        try {
          if (fs.readFileSync(file, 'utf8').trim() === String(process.pid)) fs.unlinkSync(file);
        } catch {
          /* already gone */
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
        throw new StartupError(
          `another Chambers process (pid ${pid}) is using the embedded database in ${path.dirname(file)}; ` +
            'stop it first, or give this one its own CHAMBERS_DATA_DIR (or a shared PostgreSQL via DATABASE_URL)',
        );
      }
      fs.unlinkSync(file); // stale lock of a process that died
    }
  }
  throw new StartupError(`could not lock ${file}`);
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
