import { sql } from 'kysely';
import type { Database, Tx } from '../platform/db/index.ts';

/**
 * Court oversight: an administrator's read-only view of the whole court (metadata and
 * counts). It runs as chambers_judicial_oversight, a role that holds SELECT on metadata
 * columns only (no note, no order body, no draft) and nothing else, so even a bug here
 * cannot write or read content. The runtime login is not a member of that role: the
 * transaction is opened on the owner connection and drops to the oversight role as its
 * first statement, hence the `unsafe` name a reviewer searches for.
 */
export async function unsafeReadAsOversight<T>(db: Database, orgId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.owner.transaction().execute(async (tx) => {
    await sql`SELECT set_config('role', 'chambers_judicial_oversight', true),
                     set_config('chambers.org_id', ${orgId}, true),
                     set_config('chambers.user_id', '', true)`.execute(tx);
    return fn(tx);
  });
}

export type OversightRow = {
  id: string;
  case_number: string;
  title: string;
  case_type: string | null;
  status: 'open' | 'reserved' | 'disposed' | 'closed';
  judge_id: string;
  created_at: Date;
  hearings: number;
  issued_orders: number;
  documents: number;
  next_hearing_at: Date | null;
};

/** Every case of the court with its counts; the oversight role's policies keep it to the current court. */
export async function courtCases(tx: Tx, now: Date): Promise<OversightRow[]> {
  const { rows } = await sql<OversightRow>`
    SELECT c.id, c.case_number, c.title, c.case_type, c.status, c.judge_id, c.created_at,
           (SELECT count(h.id)::int FROM judicial.hearings h WHERE h.case_id = c.id) AS hearings,
           (SELECT count(o.id)::int FROM judicial.orders o WHERE o.case_id = c.id) AS issued_orders,
           (SELECT count(d.id)::int FROM judicial.documents d WHERE d.case_id = c.id) AS documents,
           (SELECT min(h.at) FROM judicial.hearings h WHERE h.case_id = c.id AND h.at >= ${now}) AS next_hearing_at
      FROM judicial.cases c
     ORDER BY c.created_at DESC
     LIMIT 1000`.execute(tx);
  return rows;
}
