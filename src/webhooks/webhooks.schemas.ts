import { z } from 'zod';

export const orgParams = z.strictObject({ orgId: z.uuid() });
export const integrationParams = z.strictObject({ orgId: z.uuid(), integrationId: z.uuid() });
export const inboundParams = z.strictObject({ integrationId: z.uuid() });

export const createIntegrationBody = z.strictObject({ name: z.string().trim().min(1).max(100) });

export const integrationView = z.object({ id: z.uuid(), name: z.string(), createdAt: z.string(), rotatedAt: z.string().nullable() });
export const integrationListResponse = z.object({ integrations: z.array(integrationView) });
/** The only responses that ever carry a secret: creation and rotation, once. */
export const createdIntegrationResponse = integrationView.extend({ secret: z.string() });
export const rotatedSecretResponse = z.object({ id: z.uuid(), secret: z.string(), previousSecretValidUntil: z.string().nullable() });
export const inboundAcceptedResponse = z.object({ status: z.literal('accepted'), eventId: z.string() });
