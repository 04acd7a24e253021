import { sql } from 'kysely';
import type { Tx } from '../platform/db/index.ts';
import { SEARCH_SOURCES } from './search.sources.ts';

export type SearchRow = { type: string; id: string; title: string; matter_id: string | null; score: number };

/**
 * Rows of every source whose folded text holds every word, best first. A word scores 2 where a
 * word of the row starts with it and 1 where it is only inside one; an exact title scores 10 more.
 * Each query word is folded by the same SQL function as the stored text, so "muller" and "Müller"
 * meet on PGlite and PostgreSQL alike.
 */
export async function searchAll(tx: Tx, words: string[], limit: number): Promise<SearchRow[]> {
  const union = sql.join(
    SEARCH_SOURCES.map((s) => sql`SELECT ${s.type}::text AS type, src.* FROM (${s.select}) src`),
    sql` UNION ALL `,
  );
  const folded = words.map((w) => sql`chambers.search_fold(${w})`);
  const contains = folded.map((f) => sql`position(${f} IN folded) > 0`);
  const score = folded.map(
    (f) => sql`CASE WHEN starts_with(folded, ${f}) OR position(' ' || ${f} IN folded) > 0 THEN 2 ELSE 1 END`,
  );
  const phrase = sql`chambers.search_fold(${words.join(' ')})`;
  const { rows } = await sql<SearchRow>`
    SELECT type, id, title, matter_id,
           (${sql.join(score, sql` + `)}) + CASE WHEN chambers.search_fold(title) = ${phrase} THEN 10 ELSE 0 END AS score
      FROM (${union}) hits
     WHERE ${sql.join(contains, sql` AND `)}
     ORDER BY score DESC, at DESC, id
     LIMIT ${limit}`.execute(tx);
  return rows.map((r) => ({ ...r, score: Number(r.score) }));
}
