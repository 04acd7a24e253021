import type { RouteShorthandOptions } from 'fastify';
import { z } from 'zod';
import { ONBOARDING_STEPS } from './onboarding.service.ts';

/**
 * The checklist a new organization's administrator follows after setup: invite the team,
 * require two-step verification for lawyers, choose a retention period. Each step's `done`
 * is read from the data it is about; only `dismissed` is stored.
 */
export const onboardingResponse = z.object({
  steps: z.array(z.object({ id: z.enum(ONBOARDING_STEPS), done: z.boolean() })),
  /** An org_admin hid the checklist for the organization. */
  dismissed: z.boolean(),
});

// Administration: org_admins of the caller's current organization, with the admin step-up.
const ADMIN = { roles: ['org_admin' as const] };
const tags = ['organizations'];

/** GET /api/v1/orgs/current/onboarding */
export const getOnboardingRoute = {
  config: { access: ADMIN },
  schema: {
    tags,
    summary: 'Onboarding checklist of the current organization: which first steps are done',
    response: { 200: onboardingResponse },
  },
} satisfies RouteShorthandOptions;

/** POST /api/v1/orgs/current/onboarding/dismiss */
export const dismissOnboardingRoute = {
  config: { access: ADMIN },
  schema: { tags, summary: 'Hide the onboarding checklist for every administrator of the organization' },
} satisfies RouteShorthandOptions;
