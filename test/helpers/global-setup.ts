import pg from 'pg';
import { ensureSnapshot } from './pglite-snapshot.ts';
import { testDatabaseKind, testPostgresAdminUrl } from './test-db.ts';

/** On PostgreSQL runs, fail early and clearly when the server is not there; on PGlite runs, build the snapshot. */
export default async function setup(): Promise<void> {
  // PGlite runs: one migrated data directory for every test app of the run (pglite-snapshot.ts).
  if (testDatabaseKind() !== 'postgres') {
    await ensureSnapshot();
    return;
  }
  const client = new pg.Client({ connectionString: testPostgresAdminUrl() });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    throw new Error(
      `CHAMBERS_TEST_DB=postgres but ${testPostgresAdminUrl()} is unreachable: ${(err as Error).message}`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}
