import type { RouteShorthandOptions } from 'fastify';
import { z } from 'zod';
import { emailSchema } from '../accounts/index.ts';

export const organizationInput = z.strictObject({
  name: z.string().trim().min(1).max(200),
  kind: z.enum(['firm', 'court']),
});

export const setupBody = z.strictObject({
  token: z.string().min(1).max(200),
  email: emailSchema,
  password: z.string().min(1).max(1024),
  name: z.string().trim().min(1).max(200),
  organization: organizationInput,
});
export type SetupInput = z.infer<typeof setupBody>;

export const setupResponse = z.object({ userId: z.uuid(), orgId: z.uuid() });

/** Route options of setup.routes.ts (access declaration and OpenAPI schema). */

/** POST /api/v1/setup */
export const completeSetupRoute = {
  // Takes an address like sign-up does; its refusals leave on the same time grid.
  config: { access: { public: true, accountBlind: true } },
  schema: {
    tags: ['setup'],
    summary: 'Create the first organization and its administrator',
    body: setupBody,
    response: { 201: setupResponse },
  },
} satisfies RouteShorthandOptions;
