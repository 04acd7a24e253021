import type { RouteShorthandOptions } from 'fastify';
import { z } from 'zod';
import { RECENT_FACTOR } from '../access/index.ts';
import { AUDIT_ADMIN } from './audit-trail.schemas.ts';

export const LEGAL_HOLD_ACCESS = { ...AUDIT_ADMIN, recentFactorMs: RECENT_FACTOR.admin };
export const legalHoldParams = z.strictObject({ orgId: z.uuid() });
export const legalHoldBody = z.strictObject({ reason: z.string().trim().min(1).max(500) });
export const legalHoldResponse = z.object({
  orgId: z.string(),
  reason: z.string(),
  setBy: z.string(),
  setAt: z.string(),
});

/*
 * Route options: each route's access declaration and OpenAPI schema, named after what it does; the routes file maps paths to handlers.
 * `satisfies RouteShorthandOptions` checks the shape without widening it, so the zod types still type request.body/params/query.
 */
const tags = ['audit'];

/** GET /api/v1/orgs/:orgId/audit/legal-hold */
export const getLegalHoldRoute = {
  config: { access: LEGAL_HOLD_ACCESS },
  schema: {
    tags,
    summary: 'The legal hold of an organization',
    params: legalHoldParams,
    response: { 200: legalHoldResponse },
  },
} satisfies RouteShorthandOptions;

/** PUT /api/v1/orgs/:orgId/audit/legal-hold */
export const setLegalHoldRoute = {
  config: { access: LEGAL_HOLD_ACCESS },
  schema: {
    tags,
    summary: 'Set a legal hold (blocks the retention purge of this organization)',
    params: legalHoldParams,
    body: legalHoldBody,
    response: { 200: legalHoldResponse },
  },
} satisfies RouteShorthandOptions;

/** DELETE /api/v1/orgs/:orgId/audit/legal-hold */
export const liftLegalHoldRoute = {
  config: { access: LEGAL_HOLD_ACCESS },
  schema: { tags, summary: 'Lift the legal hold', params: legalHoldParams },
} satisfies RouteShorthandOptions;
