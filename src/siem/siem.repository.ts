import { sql } from 'kysely';
import { sealedRows, type EventRow } from '../audit/index.ts';
import { unsafeWithOwner, type Database } from '../platform/db/index.ts';

/** SQL of the SIEM export. Owner path throughout: the stream and the forwarder read the whole deployment's log. */

/** Sealed events with from <= seq < to, in seq order. */
export async function unsafeSealedEvents(db: Database, from: number, to: number): Promise<EventRow[]> {
  return unsafeWithOwner(db, (tx) => sealedRows(tx, from, to));
}

/** The last seq a forwarder delivered, or -1 before its first batch. */
export async function unsafeLoadCursor(db: Database, name: string): Promise<number> {
  const { rows } = await unsafeWithOwner(db, (tx) =>
    sql<{ after_seq: number }>`SELECT after_seq FROM audit.siem_cursors WHERE name = ${name}`.execute(tx),
  );
  return rows[0] ? Number(rows[0].after_seq) : -1;
}

export async function unsafeSaveCursor(db: Database, name: string, afterSeq: number): Promise<void> {
  await unsafeWithOwner(db, (tx) =>
    sql`INSERT INTO audit.siem_cursors (name, after_seq, updated_at) VALUES (${name}, ${afterSeq}, now())
      ON CONFLICT (name) DO UPDATE SET after_seq = EXCLUDED.after_seq, updated_at = now()`.execute(tx),
  );
}
