import type { RouteShorthandOptions } from 'fastify';
import { z } from 'zod';

export const searchQuery = z.strictObject({
  q: z.string().trim().min(1).max(200),
  limit: z.coerce.number().int().min(1).max(100).default(30),
});
export type SearchQuery = z.infer<typeof searchQuery>;

export const searchResult = z.object({
  type: z.enum(['matter', 'client', 'document']),
  id: z.uuid(),
  title: z.string(),
  /** The matter a document belongs to. */
  matterId: z.uuid().optional(),
});
export type SearchResult = z.infer<typeof searchResult>;

export const searchResponse = z.object({ results: z.array(searchResult) });

/** GET /api/v1/search: any member of a firm; what each finds is what row-level security lets them read. */
export const searchRoute = {
  config: { access: { portal: 'lawyer' } },
  schema: {
    tags: ['search'],
    summary: 'Search matters, clients and document names and tags together (accent- and case-insensitive)',
    querystring: searchQuery,
    response: { 200: searchResponse },
  },
} satisfies RouteShorthandOptions;
