import type { Tx } from '../platform/db/index.ts';
import { searchAll } from './search.repository.ts';
import type { SearchQuery, SearchResult } from './search.schemas.ts';

/** At most this many words count; a longer query is a paste, not a search. */
const MAX_WORDS = 8;

/**
 * The words of a query: accents dropped (NFKD, combining marks removed), split at anything that
 * is not a letter or digit. Case and the remaining folding are left to the database's search_fold,
 * the same function that folded the stored text.
 *
 * @example wordsOf('Müller-Lüdenscheidt, v.') // → ['Muller', 'Ludenscheidt', 'v']
 */
export function wordsOf(q: string): string[] {
  return q
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0)
    .slice(0, MAX_WORDS);
}

export async function search(tx: Tx, query: SearchQuery): Promise<{ results: SearchResult[] }> {
  const words = wordsOf(query.q);
  if (words.length === 0) return { results: [] };
  const rows = await searchAll(tx, words, query.limit);
  return {
    results: rows.map((r) => ({
      type: r.type as SearchResult['type'],
      id: r.id,
      title: r.title,
      ...(r.matter_id ? { matterId: r.matter_id } : {}),
    })),
  };
}
