import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from './database.ts';
import { reusableQuery } from './reusable-query.ts';

type T = { 'public.notes': { id: number; owner: string; body: string; tags: string[] } };

/**
 * A query compiled once per shape must answer exactly as one built on every call,
 * keep every value a bound parameter, and refuse at its first compile any use of a
 * value that would make the cached text or parameters wrong for the next caller.
 */
describe('reusableQuery', () => {
  let db: Database;
  let k: Kysely<T>;
  beforeAll(async () => {
    db = await openDatabase({ kind: 'pglite', dataDir: null });
    k = db.owner as unknown as Kysely<T>;
    await sql`CREATE TABLE notes (id int PRIMARY KEY, owner text NOT NULL, body text NOT NULL, tags text[] NOT NULL)`.execute(
      k,
    );
    await sql`INSERT INTO notes SELECT g, CASE WHEN g % 2 = 0 THEN 'ann' ELSE 'bob' END, 'note ' || g, ARRAY['t' || (g % 3)]
              FROM generate_series(1, 12) g`.execute(k);
  });
  afterAll(() => db.close());

  const notes = reusableQuery(
    (db: Kysely<T>, v: { owner: string; minId: number; limit: number }, shape: 'all' | 'from') => {
      let q = db.selectFrom('public.notes').select(['id', 'body']).where('owner', '=', v.owner);
      if (shape === 'from') q = q.where('id', '>=', v.minId);
      return q.orderBy('id').limit(v.limit);
    },
  );

  it('answers each shape, with each caller’s own values, as a query built on the spot would', async () => {
    for (const [owner, minId, limit] of [
      ['ann', 5, 2],
      ['bob', 1, 10],
      ['ann', 11, 10],
    ] as const) {
      for (const shape of ['all', 'from'] as const) {
        let fresh = k.selectFrom('public.notes').select(['id', 'body']).where('owner', '=', owner);
        if (shape === 'from') fresh = fresh.where('id', '>=', minId);
        expect(await notes(k, { owner, minId, limit }, shape)).toEqual(
          await fresh.orderBy('id').limit(limit).execute(),
        );
      }
    }
  });

  it('keeps a hostile value a parameter', async () => {
    expect(await notes(k, { owner: "ann' OR '1'='1", minId: 0, limit: 50 }, 'all')).toEqual([]);
  });

  it('refuses a value computed with, written into the text, or tucked inside a structured parameter', async () => {
    const computed = reusableQuery((db: Kysely<T>, v: { limit: number }) =>
      db
        .selectFrom('public.notes')
        .select('id')
        .limit(v.limit + 1),
    );
    await expect(computed(k, { limit: 1 }, 'x')).rejects.toThrow(/computed from a value/);
    const pattern = reusableQuery((db: Kysely<T>, v: { q: string }) =>
      db.selectFrom('public.notes').select('id').where('body', 'like', `%${v.q}%`),
    );
    await expect(pattern(k, { q: 'note' }, 'x')).rejects.toThrow(/computed from a value/);
    const raw = reusableQuery((db: Kysely<T>, v: { column: string }) =>
      db.selectFrom('public.notes').select(sql.raw<number>(v.column).as('c')),
    );
    await expect(raw(k, { column: 'id' }, 'x')).rejects.toThrow(/SQL text/);
    const inArray = reusableQuery((db: Kysely<T>, v: { tag: string }) =>
      db
        .selectFrom('public.notes')
        .select('id')
        .where(sql<boolean>`tags && ${[v.tag]}::text[]`),
    );
    await expect(inArray(k, { tag: 't1' }, 'x')).rejects.toThrow(/structured parameter/);
  });
});
