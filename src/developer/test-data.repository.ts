import { sql } from 'kysely';
import type { Tx } from '../platform/db/index.ts';

/** Sets a matter's test-data flag under RLS (the caller's organization only); null when it sees no such matter. */
export async function setMatterTestData(
  tx: Tx,
  id: string,
  testData: boolean,
): Promise<{ id: string; test_data: boolean } | null> {
  const { rows } = await sql<{ id: string; test_data: boolean }>`
    UPDATE chambers.matters SET test_data = ${testData} WHERE id = ${id} RETURNING id, test_data`.execute(tx);
  return rows[0] ?? null;
}
