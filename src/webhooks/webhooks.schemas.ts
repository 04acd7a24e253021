import type { RouteShorthandOptions } from 'fastify';
import { z } from 'zod';
import { RECENT_FACTOR } from '../access/index.ts';

export const orgParams = z.strictObject({ orgId: z.uuid() });
export const integrationParams = z.strictObject({ orgId: z.uuid(), integrationId: z.uuid() });
export const inboundParams = z.strictObject({ integrationId: z.uuid() });

export const createIntegrationBody = z.strictObject({ name: z.string().trim().min(1).max(100) });

export const integrationView = z.object({
  id: z.uuid(),
  name: z.string(),
  createdAt: z.string(),
  rotatedAt: z.string().nullable(),
});
export const integrationListResponse = z.object({ integrations: z.array(integrationView) });
/** The only responses that ever carry a secret: creation and rotation, once. */
export const createdIntegrationResponse = integrationView.extend({ secret: z.string() });
export const rotatedSecretResponse = z.object({
  id: z.uuid(),
  secret: z.string(),
  previousSecretValidUntil: z.string().nullable(),
});
export const inboundAcceptedResponse = z.object({ status: z.literal('accepted'), eventId: z.string() });

/*
 * Route options: each route's access declaration and OpenAPI schema, named after what it does; the routes file maps paths to handlers.
 * `satisfies RouteShorthandOptions` checks the shape without widening it, so the zod types still type request.body/params/query.
 */
const ADMIN = { roles: ['org_admin' as const], recentFactorMs: RECENT_FACTOR.admin };
const tags = ['webhooks'];

/** POST /api/v1/orgs/:orgId/webhooks/integrations */
export const createIntegrationRoute = {
  config: { access: ADMIN },
  schema: {
    tags,
    summary: 'Create an inbound integration; its secret is shown once',
    params: orgParams,
    body: createIntegrationBody,
    response: { 201: createdIntegrationResponse },
  },
} satisfies RouteShorthandOptions;

/** GET /api/v1/orgs/:orgId/webhooks/integrations */
export const listIntegrationsRoute = {
  config: { access: ADMIN },
  schema: {
    tags,
    summary: 'Inbound integrations (never their secrets)',
    params: orgParams,
    response: { 200: integrationListResponse },
  },
} satisfies RouteShorthandOptions;

/** POST /api/v1/orgs/:orgId/webhooks/integrations/:integrationId/rotate */
export const rotateSecretRoute = {
  config: { access: ADMIN },
  schema: {
    tags,
    summary: 'New secret; the previous one verifies for one more hour',
    params: integrationParams,
    response: { 200: rotatedSecretResponse },
  },
} satisfies RouteShorthandOptions;

/** DELETE /api/v1/orgs/:orgId/webhooks/integrations/:integrationId */
export const deleteIntegrationRoute = {
  config: { access: ADMIN },
  schema: { tags, summary: 'Delete an integration and its secrets', params: integrationParams },
} satisfies RouteShorthandOptions;

/** POST /api/v1/webhooks/inbound/:integrationId */
export const inboundDeliveryRoute = {
  config: { access: { public: true } },
  schema: {
    tags,
    summary: 'Receive a signed event (X-Chambers-Timestamp, X-Chambers-Event-Id, X-Chambers-Signature)',
    params: inboundParams,
    response: { 202: inboundAcceptedResponse },
  },
} satisfies RouteShorthandOptions;
