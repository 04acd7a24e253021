import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrate, openDatabase } from '../../src/platform/db/index.ts';
import { migrationsHash } from './test-db.ts';

// PGlite's initdb costs ~1.3 s and the migrations ~0.4 s of every test app's boot. The
// run makes one migrated data directory and each app loads it (~0.4 s); boot still
// runs the migrator over it, which checks every file's checksum.

let pathOfSnapshot: string | undefined;
/** Where this run's snapshot lives: named after PGlite's version and the migrations' text (worked out once). */
export function snapshotPath(): string {
  if (pathOfSnapshot === undefined) {
    const pkg = JSON.parse(
      fs.readFileSync(path.join(process.cwd(), 'node_modules/@electric-sql/pglite/package.json'), 'utf8'),
    ) as { version: string };
    const hash = crypto.createHash('sha256').update(pkg.version).update(migrationsHash());
    pathOfSnapshot = path.join(os.tmpdir(), `chambers-pglite-${hash.digest('hex').slice(0, 16)}.tar`);
  }
  return pathOfSnapshot;
}

/** Builds the snapshot unless it exists (written to a temporary name, then renamed: readers never see half a file). */
export async function ensureSnapshot(): Promise<string> {
  const file = snapshotPath();
  if (fs.existsSync(file)) return file;
  const db = await openDatabase({ kind: 'pglite', dataDir: null });
  try {
    await migrate(db);
    if (!db.dumpDataDir) throw new Error('an embedded database can dump its data directory');
    const blob = await db.dumpDataDir();
    const partial = `${file}.${process.pid}.partial`;
    fs.writeFileSync(partial, Buffer.from(await blob.arrayBuffer()));
    fs.renameSync(partial, file);
  } finally {
    await db.close();
  }
  return file;
}

let snapshot: Blob | undefined;
/**
 * The snapshot as PGlite loads it, or undefined when the run has none (a fresh initdb then).
 * Read once per process: a Blob is immutable, so every test app of a file can load the same one.
 */
export function loadSnapshot(): Blob | undefined {
  if (snapshot) return snapshot;
  const file = snapshotPath();
  if (!fs.existsSync(file)) return undefined;
  return (snapshot = new Blob([fs.readFileSync(file)]));
}
