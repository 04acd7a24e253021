import fs from 'node:fs';
import { sql } from 'kysely';
import { safeEqual } from '../platform/crypto-basics.ts';
import { StartupError } from '../platform/data-dir.ts';
import { unsafeWithOwner, type Database, type Tx } from '../platform/db/index.ts';
import {
  judicialKeyCheck,
  judicialKeyFile,
  loadJudicialKek,
  rewrapDataKey,
  type JudicialKek,
  type SealedKind,
} from './judicial-keys.ts';

export type JudicialKeyRotation = { notes: number; orders: number; documents: number };

export class JudicialKeyMismatchError extends Error {
  constructor() {
    super(
      'the current judicial key does not match the judicial store; rotation needs the key the store is sealed with',
    );
    this.name = 'JudicialKeyMismatchError';
  }
}

/**
 * The judicial key the store is sealed with now, for `keys rotate-judicial`: from
 * CHAMBERS_JUDICIAL_MASTER_KEY or its file. Unlike a server start, never creates the file.
 */
export function currentJudicialKek(dataDir: string, fromEnv: Buffer | undefined): JudicialKek {
  if (!fromEnv && !fs.existsSync(judicialKeyFile(dataDir)))
    throw new StartupError(`no judicial key yet (${judicialKeyFile(dataDir)}): start Chambers once first`);
  return loadJudicialKek(dataDir, fromEnv);
}

/** Every table whose rows carry a data key wrapped by the judicial key, and the kind each key is bound to. */
const WRAPPED: ReadonlyArray<{ table: 'notes' | 'orders' | 'documents'; kind: SealedKind }> = [
  { table: 'notes', kind: 'note' },
  { table: 'orders', kind: 'order' },
  { table: 'documents', kind: 'document' },
];

/**
 * Re-wraps the data key of every note, order and case document under `newKek` and records
 * the new key's check value, in one owner transaction: the store is entirely under one key
 * or the other. Contents and blobs are untouched (their data keys do not change). Issued
 * orders are re-wrapped too: their trigger admits an update that changes the wrapped key alone.
 * Returns null when the store is already under `newKek` (a rotation being finished).
 */
export async function unsafeRotateJudicialKey(
  db: Database,
  oldKek: Buffer,
  newKek: Buffer,
): Promise<JudicialKeyRotation | null> {
  if (oldKek.length !== 32 || newKek.length !== 32) throw new RangeError('judicial keys are 32 bytes');
  if (safeEqual(oldKek, newKek)) throw new Error('the new judicial key is the current one');
  return unsafeWithOwner(db, async (tx) => {
    const { rows } = await sql<{
      check_value: string;
    }>`SELECT check_value FROM judicial.key_check FOR UPDATE`.execute(tx);
    const check = rows[0]?.check_value;
    if (check && safeEqual(check, judicialKeyCheck(newKek))) return null;
    if (!check || !safeEqual(check, judicialKeyCheck(oldKek))) throw new JudicialKeyMismatchError();

    const done: JudicialKeyRotation = { notes: 0, orders: 0, documents: 0 };
    for (const { table, kind } of WRAPPED) done[table] = await rewrapTable(tx, table, kind, oldKek, newKek);
    await sql`UPDATE judicial.key_check SET check_value = ${judicialKeyCheck(newKek)}, rotated_at = now()`.execute(tx);
    return done;
  });
}

async function rewrapTable(
  tx: Tx,
  table: 'notes' | 'orders' | 'documents',
  kind: SealedKind,
  oldKek: Buffer,
  newKek: Buffer,
): Promise<number> {
  const name = sql.table(`judicial.${table}`);
  const { rows } = await sql<{ id: string; wrapped_key: Buffer }>`SELECT id, wrapped_key FROM ${name}`.execute(tx);
  for (const row of rows) {
    const wrapped = rewrapDataKey(oldKek, newKek, kind, row.id, Buffer.from(row.wrapped_key));
    await sql`UPDATE ${name} SET wrapped_key = ${wrapped} WHERE id = ${row.id}`.execute(tx);
  }
  return rows.length;
}
