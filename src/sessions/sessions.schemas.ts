import { z } from 'zod';

/** The answer of every route that opens a session: tokens in the body for API clients, cookies for the web app. */
export const orgView = z.object({ id: z.uuid(), name: z.string(), kind: z.enum(['firm', 'court']), role: z.string() });
export const userView = z.object({ id: z.uuid(), email: z.string(), name: z.string() });

export const tokensResponse = z.object({
  accessToken: z.string().optional(),
  refreshToken: z.string().optional(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number(),
  csrfToken: z.string().optional(),
  user: userView,
  org: orgView.nullable(),
});
