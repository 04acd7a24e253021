import pg from 'pg';
import { testDatabaseKind, testPostgresAdminUrl } from './test-db.ts';

/** On PostgreSQL runs, fail early and clearly when the server is not there. */
export default async function setup(): Promise<void> {
  if (testDatabaseKind() !== 'postgres') return;
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
