import type { RouteShorthandOptions } from 'fastify';
import { z } from 'zod';

/**
 * An organization's own audit retention: read by its org_admins (and super_admins) with
 * the admin step-up; changed or cleared with a factor within 10 minutes, because a
 * shorter setting (or none) lets the purge remove events that would have been kept.
 */
const ORG_AUDIT_ADMIN = { orgOptional: true, roles: ['org_admin' as const], orSuperAdmin: true };

export const orgRetentionParams = z.strictObject({ orgId: z.uuid() });
// Up to 100 years; the service refuses anything not longer than the deployment's general period.
export const orgRetentionBody = z.strictObject({ days: z.number().int().min(1).max(36500) });
export const orgRetentionResponse = z.object({
  orgId: z.string(),
  /** The organization's own period; null: the deployment periods apply. */
  days: z.number().nullable(),
  /** What its events are kept for now, per category: the longer of the deployment period and `days`. */
  effectiveDays: z.object({ general: z.number(), judicial: z.number() }),
});

const tags = ['audit'];

/** GET /api/v1/orgs/:orgId/audit/retention */
export const getOrgRetentionRoute = {
  config: { access: ORG_AUDIT_ADMIN },
  schema: {
    tags,
    summary: "The organization's audit retention",
    params: orgRetentionParams,
    response: { 200: orgRetentionResponse },
  },
} satisfies RouteShorthandOptions;

/** PUT /api/v1/orgs/:orgId/audit/retention */
export const setOrgRetentionRoute = {
  config: { access: { ...ORG_AUDIT_ADMIN, destructive: true } },
  schema: {
    tags,
    summary: "Keep this organization's audit events longer than the deployment period (e.g. 7 years)",
    params: orgRetentionParams,
    body: orgRetentionBody,
    response: { 200: orgRetentionResponse },
  },
} satisfies RouteShorthandOptions;

/** DELETE /api/v1/orgs/:orgId/audit/retention */
export const clearOrgRetentionRoute = {
  config: { access: { ...ORG_AUDIT_ADMIN, destructive: true } },
  schema: {
    tags,
    summary: 'Back to the deployment audit retention',
    params: orgRetentionParams,
    response: { 200: orgRetentionResponse },
  },
} satisfies RouteShorthandOptions;
