import { sql } from 'kysely';
import { canonicalEventBytes, leafHashes, nextSeq, sealedRows, toFields, type EventRow } from '../audit/index.ts';
import { unsafeWithOwner, type Database } from '../platform/db/index.ts';
import { CHECKPOINT_COLUMNS, checkpointFromRow, type Checkpoint, type CheckpointRow } from './checkpoint.ts';
import { leafHash } from './merkle/index.ts';
import { verifyLiveLog, type LogVerdict } from './verify-log.ts';

/** Serializes sealers across processes: only one assigns sequence numbers at a time. */
const SEAL_LOCK = 7261005;

/**
 * The sealer's SQL. Sealing crosses every tenant by design, so each function runs as
 * the schema owner and is named unsafe…; nothing here decides policy.
 */
export async function unsafeLoadCheckpoints(db: Database): Promise<Checkpoint[]> {
  return unsafeWithOwner(db, async (tx) => {
    const { rows } =
      await sql<CheckpointRow>`SELECT ${sql.raw(CHECKPOINT_COLUMNS)} FROM audit.checkpoints ORDER BY id`.execute(tx);
    return rows.map(checkpointFromRow);
  });
}

export const unsafeFetchLeafHashes = (db: Database, from: number, to: number): Promise<Buffer[]> =>
  unsafeWithOwner(db, (tx) => leafHashes(tx, from, to));

export const unsafeFetchSealedRows = (db: Database, from: number, to: number): Promise<EventRow[]> =>
  unsafeWithOwner(db, (tx) => sealedRows(tx, from, to));

export type SealedBatch = { first: number; hashes: Buffer[]; cut: boolean };

/**
 * Gives up to `batch` unsealed events (in id order) the next gap-free sequence numbers
 * and their leaf hashes, under the advisory lock. `known` is how many events this
 * process has already seen sealed or signed: fewer in the table means a cut tail,
 * and nothing is sealed on top of it.
 */
export async function unsafeSealPendingEvents(db: Database, known: number, batch: number): Promise<SealedBatch> {
  return unsafeWithOwner(db, async (tx) => {
    await sql`SELECT pg_advisory_xact_lock(${SEAL_LOCK})`.execute(tx);
    const first = await nextSeq(tx);
    if (first < known) return { first, hashes: [], cut: true };
    const { rows } =
      await sql<EventRow>`SELECT id, NULL::bigint AS seq, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at,
        org_id, actor_id, action, target, ip, user_agent, outcome, request_id, details, NULL::bytea AS leaf_hash
      FROM audit.events WHERE seq IS NULL ORDER BY id LIMIT ${batch}`.execute(tx);
    if (rows.length === 0) return { first, hashes: [], cut: false };
    const hashes = rows.map((r, i) => leafHash(canonicalEventBytes(toFields(r, first + i))));
    await sql`UPDATE audit.events e SET seq = v.seq, leaf_hash = decode(v.h, 'hex')
      FROM unnest(${rows.map((r) => String(r.id))}::bigint[], ${rows.map((_, i) => String(first + i))}::bigint[], ${hashes.map((h) => h.toString('hex'))}::text[]) AS v(id, seq, h)
      WHERE e.id = v.id AND e.seq IS NULL`.execute(tx);
    return { first, hashes, cut: false };
  });
}

/** How many sealed rows the table holds and the highest sequence number among them (-1 when none). */
export async function unsafeSealedExtent(db: Database): Promise<{ count: number; maxSeq: number }> {
  const { rows } = await unsafeWithOwner(db, (tx) =>
    sql<{
      n: number;
      max: number | null;
    }>`SELECT count(*)::bigint AS n, max(seq) AS max FROM audit.events WHERE seq IS NOT NULL`.execute(tx),
  );
  const max = rows[0]?.max;
  return { count: Number(rows[0]?.n ?? 0), maxSeq: max === null || max === undefined ? -1 : Number(max) };
}

export async function unsafeNewestPrunedCheckpointRows(db: Database): Promise<Checkpoint[]> {
  const { rows } = await unsafeWithOwner(db, (tx) =>
    sql<CheckpointRow>`SELECT ${sql.raw(CHECKPOINT_COLUMNS)} FROM audit.checkpoints WHERE kind = 'pruned' ORDER BY tree_size DESC LIMIT 1`.execute(
      tx,
    ),
  );
  return rows.map(checkpointFromRow);
}

/** Stores a signed checkpoint; false when one of the same size and kind was already there. */
export async function unsafeStoreCheckpoint(
  db: Database,
  cp: Checkpoint,
  pruned?: { below: number; peaks: Buffer[] },
): Promise<boolean> {
  const root = Buffer.from(cp.rootHash, 'base64').toString('hex');
  const signature = Buffer.from(cp.signature, 'base64').toString('hex');
  return unsafeWithOwner(db, async (tx) => {
    const { rows } = pruned
      ? await sql<{
          id: number;
        }>`INSERT INTO audit.checkpoints (tree_size, root_hash, signed_at, signature, key_id, origin, kind, pruned_below, peaks)
          VALUES (${cp.treeSize}, decode(${root}, 'hex'), ${cp.signedAt}, decode(${signature}, 'hex'), ${cp.keyId}, ${cp.origin}, 'pruned', ${pruned.below},
            (SELECT array_agg(decode(h, 'hex') ORDER BY i) FROM unnest(${pruned.peaks.map((p) => p.toString('hex'))}::text[]) WITH ORDINALITY AS x(h, i)))
          ON CONFLICT (tree_size, kind) DO NOTHING RETURNING id`.execute(tx)
      : await sql<{
          id: number;
        }>`INSERT INTO audit.checkpoints (tree_size, root_hash, signed_at, signature, key_id, origin, kind)
          VALUES (${cp.treeSize}, decode(${root}, 'hex'), ${cp.signedAt}, decode(${signature}, 'hex'), ${cp.keyId}, ${cp.origin}, 'checkpoint')
          ON CONFLICT (tree_size, kind) DO NOTHING RETURNING id`.execute(tx);
    return rows.length > 0;
  });
}

/** Deletes the sealed events below `below` through the database's own guarded purge function. */
export async function unsafePurgeEventsBelow(db: Database, below: number): Promise<number> {
  return unsafeWithOwner(db, async (tx) => {
    const { rows } = await sql<{ n: number }>`SELECT audit.purge_before(${below}) AS n`.execute(tx);
    return Number(rows[0]?.n ?? 0);
  });
}

/** The whole-log check before serving, in one owner transaction. */
export const unsafeVerifyLiveLog = (db: Database, input: Parameters<typeof verifyLiveLog>[1]): Promise<LogVerdict> =>
  unsafeWithOwner(db, (tx) => verifyLiveLog(tx, input));
