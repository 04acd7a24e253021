import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseKind } from '../../../test/helpers/test-db.ts';
import { ONE_READ_OPENING, tunePool } from './connection-pipeline.ts';
import { pglitePoolConfig } from './pglite-connection.ts';

/**
 * The batching connection hands PGlite whole exchanges, and whole corked
 * transactions, in one call; the answers must be exactly those of one message at a
 * time: in order, each to its own query, an error to the statement that caused it,
 * and the connection usable afterwards. Runs on a real PGlite in the PGlite pass.
 */
describe.skipIf(testDatabaseKind() !== 'pglite')('the batching PGlite connection', () => {
  let pglite: PGlite;
  let pool: pg.Pool;
  let calls = 0;
  let pieces = 0;
  beforeAll(async () => {
    pglite = new PGlite();
    await pglite.waitReady;
    // A spy on the real engine: counts the calls, runs each one.
    const execProtocolRawStream = pglite.execProtocolRawStream.bind(pglite);
    pglite.execProtocolRawStream = ((message: Uint8Array, opts: Parameters<typeof execProtocolRawStream>[1]) => {
      calls++;
      return execProtocolRawStream(message, {
        ...opts,
        onRawData: (bytes) => {
          pieces++; // each write of the backend
          opts.onRawData(bytes);
        },
      });
    }) as typeof pglite.execProtocolRawStream;
    pool = new pg.Pool({ ...pglitePoolConfig(pglite), max: 1, pipeline: true });
    tunePool(pool);
    await pool.query('CREATE TABLE t (id int PRIMARY KEY, v text NOT NULL)');
    await pool.query(`INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 20) g`);
  });
  afterAll(async () => {
    await pool.end();
    await pglite.close();
  });

  async function callsDuring<T>(step: () => Promise<T>): Promise<{ calls: number; out: T }> {
    const before = calls;
    const out = await step();
    return { calls: calls - before, out };
  }

  it('runs a prepared statement (bind, describe, execute, sync) in one call, with the right rows', async () => {
    await pool.query('SELECT v FROM t WHERE id = $1', [1]); // parsed once
    const { calls: n, out } = await callsDuring(() => pool.query('SELECT v FROM t WHERE id = $1', [2]));
    expect(out.rows).toEqual([{ v: 'v2' }]);
    expect(n).toBe(1);
  });

  it('runs a one-read transaction (opening, statement, COMMIT) in one call, the settings in force', async () => {
    const client = await pool.connect();
    try {
      const { calls: n, out } = await callsDuring(async () => {
        await client.query(
          `${ONE_READ_OPENING} BEGIN READ ONLY; SELECT set_config('chambers_test.v', 'alpha', true)`,
          [],
        );
        const rows = await client.query<{ v: string; n: number }>(
          `SELECT current_setting('chambers_test.v') AS v, count(*)::int AS n FROM t WHERE id <= $1`,
          [5],
        );
        await client.query('COMMIT');
        return rows.rows;
      });
      expect(out).toEqual([{ v: 'alpha', n: 5 }]);
      expect(n).toBe(1);
      // Transaction-local: gone with the COMMIT that travelled with it.
      const after = await client.query<{ v: string | null }>(`SELECT current_setting('chambers_test.v', true) AS v`);
      expect(after.rows[0]?.v ?? '').toBe('');
    } finally {
      client.release();
    }
  });

  it('answers many pipelined queries each with its own rows, in order, sent side by side in one call', async () => {
    const client = await pool.connect();
    try {
      const { calls: n, out: answers } = await callsDuring(() =>
        Promise.all(
          Array.from({ length: 40 }, (_, i) =>
            client.query<{ v: string }>('SELECT v FROM t WHERE id = $1', [(i % 20) + 1]),
          ),
        ),
      );
      expect(answers.map((a) => a.rows[0]?.v)).toEqual(Array.from({ length: 40 }, (_, i) => `v${(i % 20) + 1}`));
      expect(n).toBe(1);
    } finally {
      client.release();
    }
  });

  it('gives an error to the statement that caused it and recovers for the next', async () => {
    const [bad, good] = await Promise.allSettled([
      pool.query('INSERT INTO t (id, v) VALUES ($1, $2)', [1, 'duplicate']),
      pool.query<{ n: number }>('SELECT count(*)::int AS n FROM t WHERE id > $1', [0]),
    ]);
    expect(bad.status).toBe('rejected');
    expect((bad as PromiseRejectedResult).reason).toMatchObject({ code: '23505' });
    expect(good).toMatchObject({ status: 'fulfilled', value: { rows: [{ n: 20 }] } });
    // A parameter that cannot be encoded fails before anything is sent; the connection is still in step.
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    await expect(pool.query('SELECT $1::jsonb AS j', [circular])).rejects.toThrow();
    expect((await pool.query<{ v: string }>('SELECT v FROM t WHERE id = $1', [3])).rows).toEqual([{ v: 'v3' }]);
  });

  it("reports a failed opening's error, and its statement does not run outside the transaction", async () => {
    const client = await pool.connect();
    try {
      await client.query(`${ONE_READ_OPENING} BEGIN READ ONLY; SELECT set_config('role', 'no_such_role', true)`, []);
      await expect(client.query('DELETE FROM t WHERE id = $1', [20])).rejects.toThrow(/no_such_role/);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
    expect((await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM t WHERE id = $1', [20])).rows).toEqual([
      { n: 1 },
    ]);
  });

  it('reads answers the backend wrote in many pieces: a 3 MB row and 2,000 rows, whole and in order', async () => {
    // The backend flushes its 8 kB send buffer as it fills: these answers arrive in hundreds of writes,
    // with messages cut anywhere between them, and must come back exactly as sent, non-ASCII text included.
    const big = 'é€𝄞'.repeat(300_000);
    const before = pieces;
    const one = await pool.query<{ s: string }>('SELECT $1::text AS s', [big]);
    expect(one.rows[0]?.s).toBe(big);
    expect(pieces - before).toBeGreaterThan(1);
    const many = await pool.query<{ g: number; s: string }>(
      `SELECT g, repeat('ü', g % 50) AS s FROM generate_series(1, $1::int) g ORDER BY g`,
      [2000],
    );
    expect(many.rows.length).toBe(2000);
    expect(many.rows.every((r, i) => r.g === i + 1 && r.s === 'ü'.repeat((i + 1) % 50))).toBe(true);
  });

  it('passes the fields of an error on: its SQLSTATE, constraint and detail', async () => {
    const err = await pool.query('INSERT INTO t (id, v) VALUES ($1, $2)', [2, 'again']).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: '23505', constraint: 't_pkey', table: 't' });
    expect((err as { detail?: string }).detail).toMatch(/\(id\)=\(2\)/);
  });
});
