import pg from 'pg';
import { ensureSnapshot } from './pglite-snapshot.ts';
import { ensureTemplateDatabase, testDatabaseKind, testPostgresAdminUrl } from './test-db.ts';

/**
 * On PostgreSQL runs, fail early and clearly when the server is not there, then make the
 * migrated template; on PGlite runs, build the migrated snapshot.
 */
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
  // The migrated database every test app's scratch database is copied from (test-db.ts).
  await ensureTemplateDatabase();
}
