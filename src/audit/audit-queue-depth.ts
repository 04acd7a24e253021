import { sql } from 'kysely';
import { type Database, unsafeWithOwner } from '../platform/db/index.ts';

/** Events recorded but not yet given a sequence number by the sealer (its backlog), for /metrics. Crosses tenants, hence owner. */
export async function unsafeCountUnsealedEvents(db: Database): Promise<number> {
  return unsafeWithOwner(db, async (tx) => {
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit.events WHERE seq IS NULL`.execute(
      tx,
    );
    return rows[0]?.n ?? 0;
  });
}
