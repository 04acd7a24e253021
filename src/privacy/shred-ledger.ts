import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import type { Tx } from '../platform/db/index.ts';

/**
 * The shred ledger: the ids of what erasure and crypto-shredding destroyed, never the
 * data. It is kept twice: in chambers.shred_ledger and as an append-only file
 * `<data>/privacy/shred-ledger.jsonl`, which operators keep outside database backups
 * (docs/operations.md). After an older backup is restored, the server re-applies every
 * entry at start (`unsafeReapplyShredLedger`), so nothing erased comes back.
 */
export type ShredKind = 'person' | 'person_key' | 'export';
export type ShredEntry = { id: string; kind: ShredKind; subjectId: string; shreddedAt: string };

export const ledgerPath = (dataDir: string): string => path.join(dataDir, 'privacy', 'shred-ledger.jsonl');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const KINDS: readonly string[] = ['person', 'person_key', 'export'];

const newId = (): string => crypto.randomUUID();

/** Appends to the file (synced) first, then to the table: a ledger that says more than the database errs towards erasure. */
export async function recordShred(
  tx: Tx,
  dataDir: string,
  kind: ShredKind,
  subjectId: string,
  now: Date,
): Promise<ShredEntry> {
  const entry: ShredEntry = { id: newId(), kind, subjectId, shreddedAt: now.toISOString() };
  const file = ledgerPath(dataDir);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const fd = fs.openSync(file, 'a', 0o600);
  try {
    fs.writeSync(fd, `${JSON.stringify(entry)}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  await sql`INSERT INTO chambers.shred_ledger (id, kind, subject_id, shredded_at)
    VALUES (${entry.id}, ${kind}, ${subjectId}, ${now}) ON CONFLICT (kind, subject_id) DO NOTHING`.execute(tx);
  return entry;
}

/** Every entry of the file and of the table, one per (kind, subject); malformed file lines are skipped. */
export async function readLedger(
  tx: Tx,
  dataDir: string,
): Promise<{ entries: ShredEntry[]; missingInDb: ShredEntry[] }> {
  const fromFile = new Map<string, ShredEntry>();
  const file = ledgerPath(dataDir);
  if (fs.existsSync(file)) {
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        const e = JSON.parse(line) as Partial<ShredEntry>;
        if (typeof e.subjectId === 'string' && UUID.test(e.subjectId) && KINDS.includes(String(e.kind)))
          fromFile.set(`${e.kind}:${e.subjectId}`, {
            id: typeof e.id === 'string' && UUID.test(e.id) ? e.id : newId(),
            kind: e.kind as ShredKind,
            subjectId: e.subjectId,
            shreddedAt: typeof e.shreddedAt === 'string' ? e.shreddedAt : new Date(0).toISOString(),
          });
      } catch {
        // A torn last line (crash mid-write) is ignored; the table still has the entry if it committed.
      }
    }
  }
  const { rows } = await sql<{ id: string; kind: ShredKind; subject_id: string; shredded_at: Date }>`
    SELECT id, kind, subject_id, shredded_at FROM chambers.shred_ledger`.execute(tx);
  const all = new Map(fromFile);
  for (const r of rows)
    all.set(`${r.kind}:${r.subject_id}`, {
      id: r.id,
      kind: r.kind,
      subjectId: r.subject_id,
      shreddedAt: new Date(r.shredded_at).toISOString(),
    });
  const inDb = new Set(rows.map((r) => `${r.kind}:${r.subject_id}`));
  return {
    entries: [...all.values()],
    missingInDb: [...fromFile.entries()].filter(([k]) => !inDb.has(k)).map(([, e]) => e),
  };
}

export async function insertLedgerRow(tx: Tx, e: ShredEntry): Promise<void> {
  await sql`INSERT INTO chambers.shred_ledger (id, kind, subject_id, shredded_at)
    VALUES (${e.id}, ${e.kind}, ${e.subjectId}, ${e.shreddedAt}) ON CONFLICT DO NOTHING`.execute(tx);
}
