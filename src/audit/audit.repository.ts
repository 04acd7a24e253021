import { sql, type Kysely } from 'kysely';
import type { DB } from '../platform/db/index.ts';
import type { SealedEventFields } from './canonical-event.ts';

/** `at` exactly as stored (microseconds, UTC): the form the leaf commits to. */
export const AT_ISO = sql<string>`to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export type EventRow = {
  id: number;
  seq: number | null;
  at: string;
  org_id: string | null;
  actor_id: string | null;
  action: string;
  target: string | null;
  ip: string | null;
  user_agent: string | null;
  outcome: string;
  request_id: string | null;
  details: unknown;
  leaf_hash: Uint8Array | null;
};

export const eventColumns = sql`id, seq, ${AT_ISO} AS at, org_id, actor_id, action, target, ip, user_agent, outcome, request_id, details, leaf_hash`;

export function toFields(r: EventRow, seq: number): SealedEventFields {
  return {
    seq,
    at: r.at,
    orgId: r.org_id,
    actorId: r.actor_id,
    action: r.action,
    target: r.target,
    ip: r.ip,
    userAgent: r.user_agent,
    outcome: r.outcome,
    requestId: r.request_id,
    details: typeof r.details === 'string' ? (JSON.parse(r.details) as unknown) : (r.details ?? {}),
  };
}

/** Sealed events with from <= seq < to, in order (as the owner: the whole deployment). */
export async function sealedRows(db: Kysely<DB>, from: number, to: number): Promise<EventRow[]> {
  const { rows } = await sql<EventRow>`SELECT ${eventColumns} FROM audit.events
    WHERE seq >= ${from} AND seq < ${to} ORDER BY seq`.execute(db);
  return rows;
}

/** Stored (seq, leaf hash) of [from, to), in seq order, gaps included as they are: the structural check at start. */
export async function sealedLeafRows(
  db: Kysely<DB>,
  from: number,
  to: number,
): Promise<{ seq: number; leaf_hash: Uint8Array | null }[]> {
  const { rows } = await sql<{ seq: number; leaf_hash: Uint8Array | null }>`SELECT seq, leaf_hash FROM audit.events
    WHERE seq >= ${from} AND seq < ${to} ORDER BY seq`.execute(db);
  return rows;
}

/** Stored leaf hashes of [from, to), in order. */
export async function leafHashes(db: Kysely<DB>, from: number, to: number): Promise<Buffer[]> {
  const { rows } = await sql<{ seq: number; leaf_hash: Uint8Array }>`SELECT seq, leaf_hash FROM audit.events
    WHERE seq >= ${from} AND seq < ${to} ORDER BY seq`.execute(db);
  const out: Buffer[] = [];
  for (const r of rows) {
    if (r.seq !== from + out.length) break;
    out.push(Buffer.from(r.leaf_hash));
  }
  return out;
}

/** The next sequence number to assign (max + 1; after a purge of everything, the pruned size; or 0). */
export async function nextSeq(db: Kysely<DB>): Promise<number> {
  const { rows } = await sql<{ next: number }>`SELECT greatest(
      (SELECT coalesce(max(seq) + 1, 0) FROM audit.events),
      (SELECT coalesce(max(pruned_below), 0) FROM audit.checkpoints WHERE kind = 'pruned'))::bigint AS next`.execute(
    db,
  );
  return Number(rows[0]?.next ?? 0);
}
