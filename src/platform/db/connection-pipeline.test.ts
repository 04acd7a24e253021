import type { Duplex } from 'node:stream';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, testDatabaseKind } from '../../../test/helpers/test-db.ts';
import { DEFERRED_OPENING, ONE_READ_OPENING, tunePool } from './connection-pipeline.ts';

/**
 * A transaction's opening travels with its first statement (one write, one round
 * trip) against the real server, and nothing about what the server runs changes:
 * the settings are in force for the statement, the opening's failure is the error
 * reported, and a borrowed connection never carries another transaction's opening.
 */
describe.skipIf(testDatabaseKind() !== 'postgres')('deferred transaction openings on PostgreSQL', () => {
  let scratch: { url: string; drop: () => Promise<void> };
  let pool: pg.Pool;
  beforeAll(async () => {
    scratch = await createScratchDatabase();
    pool = new pg.Pool({ connectionString: scratch.url, max: 1, pipeline: true });
    tunePool(pool);
  });
  afterAll(async () => {
    await pool.end();
    await scratch.drop();
  });

  const opening = (value: string) =>
    `${DEFERRED_OPENING} BEGIN; SELECT set_config('chambers_test.v', '${value}', true)`;

  /** Counts the socket writes a step makes: corked messages leave in one. */
  async function writesDuring<T>(client: pg.PoolClient, step: () => Promise<T>): Promise<{ writes: number; out: T }> {
    const socket = client.connection.stream as Duplex & {
      _write: (...a: unknown[]) => void;
      _writev?: (...a: unknown[]) => void;
    };
    let writes = 0;
    const write = socket._write;
    const writev = socket._writev;
    socket._write = (...a) => {
      writes += 1;
      write.apply(socket, a);
    };
    if (writev)
      socket._writev = (...a) => {
        writes += 1;
        writev.apply(socket, a);
      };
    try {
      const out = await step();
      return { writes, out };
    } finally {
      socket._write = write;
      if (writev) socket._writev = writev;
    }
  }

  it('writes the opening and the first statement at once, and the statement sees the settings', async () => {
    const client = await pool.connect();
    try {
      const { writes, out } = await writesDuring(client, async () => {
        await client.query(opening('alpha'), []);
        return client.query<{ v: string; n: number }>(
          `SELECT current_setting('chambers_test.v') AS v, $1::int AS n`,
          [7],
        );
      });
      expect(out.rows).toEqual([{ v: 'alpha', n: 7 }]);
      expect(writes).toBe(1);
      const second = await client.query<{ v: string }>(`SELECT current_setting('chambers_test.v') AS v`);
      expect(second.rows).toEqual([{ v: 'alpha' }]);
      await client.query('COMMIT');
      // Transaction-local: gone with the COMMIT.
      const after = await client.query<{ v: string | null }>(`SELECT current_setting('chambers_test.v', true) AS v`);
      expect(after.rows[0]?.v ?? '').toBe('');
    } finally {
      client.release();
    }
  });

  it("reports the opening's own error, not the aborted statement's, and the connection recovers", async () => {
    const client = await pool.connect();
    try {
      await client.query(`${DEFERRED_OPENING} BEGIN; SELECT 1 / 0`, []);
      await expect(client.query('SELECT $1::int AS n', [1])).rejects.toThrow(/division by zero/);
      await client.query('ROLLBACK');
      expect((await client.query('SELECT $1::int AS n', [2])).rows).toEqual([{ n: 2 }]);
    } finally {
      client.release();
    }
  });

  it('sends nothing for a transaction that ran no statement', async () => {
    const client = await pool.connect();
    try {
      const { writes } = await writesDuring(client, async () => {
        await client.query(opening('beta'), []);
        await client.query('COMMIT');
      });
      expect(writes).toBe(0);
    } finally {
      client.release();
    }
  });

  it('never lends a held opening to the next borrower of the connection', async () => {
    const first = await pool.connect();
    await first.query(opening('gamma'), []);
    first.release();
    const next = await pool.connect();
    try {
      expect(next).toBe(first);
      const r = await next.query<{ v: string | null }>(`SELECT current_setting('chambers_test.v', true) AS v`);
      expect(r.rows[0]?.v ?? '').toBe('');
    } finally {
      next.release();
    }
  });

  it('sends a one-read transaction whole in one write and ends it with the answer', async () => {
    const client = await pool.connect();
    try {
      const { writes, out } = await writesDuring(client, async () => {
        await client.query(
          `${ONE_READ_OPENING} BEGIN READ ONLY; SELECT set_config('chambers_test.v', 'zeta', true)`,
          [],
        );
        const r = await client.query<{ v: string }>(
          `SELECT current_setting('chambers_test.v') AS v, $1::int AS n`,
          [3],
        );
        await client.query('COMMIT');
        return r;
      });
      expect(out.rows).toEqual([{ v: 'zeta', n: 3 }]);
      expect(writes).toBe(1);
      // Committed: nothing of it is left on the connection.
      const after = await client.query<{ v: string | null }>(`SELECT current_setting('chambers_test.v', true) AS v`);
      expect(after.rows[0]?.v ?? '').toBe('');
    } finally {
      client.release();
    }
  });

  it('sends a parameterized opening as BEGIN and a prepared settings statement, still in one write', async () => {
    const client = await pool.connect();
    try {
      const settings = `SELECT set_config('chambers_test.v', $1, true), set_config('chambers_test.w', $2, true)`;
      for (const [v, w] of [
        ['theta', "iota'; SELECT 1; --"],
        ['kappa', 'lambda'],
      ] as const) {
        const { writes, out } = await writesDuring(client, async () => {
          await client.query(`${ONE_READ_OPENING} BEGIN READ ONLY; ${settings}`, [v, w]);
          const r = await client.query<{ v: string; w: string }>(
            `SELECT current_setting('chambers_test.v') AS v, current_setting('chambers_test.w') AS w, $1::int AS n`,
            [5],
          );
          await client.query('COMMIT');
          return r;
        });
        // The values arrive as they were given: parameters, never text.
        expect(out.rows).toEqual([{ v, w, n: 5 }]);
        expect(writes).toBe(1);
      }
      // The settings statement is a prepared statement of the connection, parsed once for both transactions.
      const prepared = await client.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement = $1',
        [settings],
      );
      expect(prepared.rows).toEqual([{ n: 1 }]);
    } finally {
      client.release();
    }
  });

  it('refuses a second statement in a one-read transaction instead of running it outside', async () => {
    const client = await pool.connect();
    try {
      await client.query(`${ONE_READ_OPENING} BEGIN READ ONLY; SELECT set_config('chambers_test.v', 'eta', true)`, []);
      await client.query('SELECT $1::int AS n', [1]);
      await expect(client.query('SELECT $1::int AS n', [2])).rejects.toThrow(/second statement/);
      await client.query('ROLLBACK');
      expect((await client.query('SELECT $1::int AS n', [4])).rows).toEqual([{ n: 4 }]);
    } finally {
      client.release();
    }
  });

  it('refuses to open a second transaction inside one that is held', async () => {
    const client = await pool.connect();
    try {
      await client.query(opening('delta'), []);
      expect(() => client.query(opening('epsilon'), [])).toThrow(/opened twice/);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
  });
});
