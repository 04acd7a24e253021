import type { RouteShorthandOptions } from 'fastify';
import { z } from 'zod';
import { RECENT_FACTOR } from '../access/index.ts';

/** Route options of stream.routes.ts (access declaration and OpenAPI schema); `satisfies` keeps the zod types that type request.query. */

/** GET /api/v1/audit/stream */
export const auditStreamRoute = {
  config: { access: { orgOptional: true, superAdmin: true, recentFactorMs: RECENT_FACTOR.admin } },
  schema: {
    tags: ['audit'],
    summary: 'Stream sealed events as JSON lines from a seq cursor (super_admin; SIEM export)',
    querystring: z.strictObject({ after: z.coerce.number().int().min(-1).max(Number.MAX_SAFE_INTEGER).default(-1) }),
  },
} satisfies RouteShorthandOptions;
