import { sql, type RawBuilder } from 'kysely';

/**
 * What one search looks through. Each source is one entry: the kind of result, and a SQL
 * select giving `id`, `title`, `matter_id` (or null), `at` (for ties) and `folded`, the row's
 * text folded by chambers.search_fold (db/migrations/0019_matter_lifecycle.sql). Every source
 * is read in the request's tenant transaction: row-level security decides what a caller finds
 * (organization, ethical walls, test-mode keys), not this list. Document contents are never a
 * source: only names and tags.
 */
export type SearchSource = { type: 'matter' | 'client' | 'document'; select: RawBuilder<unknown> };

export const SEARCH_SOURCES: readonly SearchSource[] = [
  {
    type: 'matter',
    select: sql`SELECT id, title, NULL::uuid AS matter_id, created_at AS at, search_folded AS folded
                  FROM chambers.matters`,
  },
  {
    // name_normalized is folded by the clients module (normalize.ts): the same letters as search_fold.
    type: 'client',
    select: sql`SELECT id, name AS title, NULL::uuid AS matter_id, created_at AS at, name_normalized AS folded
                  FROM chambers.clients`,
  },
  {
    type: 'document',
    select: sql`SELECT id, name AS title, matter_id, created_at AS at, name_folded AS folded
                  FROM chambers.documents WHERE deleted_at IS NULL AND name_folded IS NOT NULL`,
  },
];
