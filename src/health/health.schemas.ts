import type { RouteShorthandOptions } from 'fastify';
import { z } from 'zod';

export const readyResponse = z.object({
  status: z.enum(['ok', 'unavailable']),
  checks: z.record(z.string(), z.enum(['ok', 'unavailable', 'alarm'])),
});

/** Route options of health.routes.ts (access declaration and OpenAPI schema). */

/** GET /healthz */
export const healthzRoute = {
  config: { access: { public: true } },
  schema: { tags: ['health'], response: { 200: z.object({ status: z.literal('ok') }) } },
} satisfies RouteShorthandOptions;

/** GET /readyz */
export const readyzRoute = {
  config: { access: { public: true } },
  schema: {
    tags: ['health'],
    response: { 200: readyResponse, 503: readyResponse },
  },
} satisfies RouteShorthandOptions;
