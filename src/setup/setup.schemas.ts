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
