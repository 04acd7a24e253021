import type { RouteShorthandOptions } from 'fastify';
import { z } from 'zod';
import { emailSchema } from '../accounts/index.ts';
import { organizationInput } from '../setup/index.ts';
import { RECENT_FACTOR } from '../access/index.ts';

// Every role a membership can hold (platform/db MemberRole; the CHECK of 0013 and 0015 widened it).
export const memberRole = z.enum(['org_admin', 'lawyer', 'judge', 'clerk', 'reviewer', 'api_admin']);
export const createOrgBody = organizationInput;
export const orgIdParams = z.strictObject({ orgId: z.uuid() });
export const memberParams = z.strictObject({ orgId: z.uuid(), userId: z.uuid() });
export const userIdParams = z.strictObject({ userId: z.uuid() });
export const invitationParams = z.strictObject({ orgId: z.uuid(), id: z.uuid() });
export const inviteBody = z.strictObject({ email: emailSchema, role: memberRole });
export const acceptInvitationBody = z.strictObject({
  token: z.string().min(20).max(200),
  name: z.string().trim().min(1).max(200).optional(),
  password: z.string().min(1).max(1024).optional(),
});
export const updateMemberBody = z.strictObject({ role: memberRole });

export const memberView = z.object({
  userId: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: memberRole,
  createdAt: z.string(),
  /** Set while the membership is suspended: it opens nothing until an org_admin reactivates it. */
  suspendedAt: z.string().nullable(),
});
export const membersResponse = z.object({ members: z.array(memberView) });

export const invitationView = z.object({
  id: z.uuid(),
  email: z.string(),
  role: memberRole,
  invitedBy: z.uuid(),
  createdAt: z.string(),
  expiresAt: z.string(),
});
export const invitationsResponse = z.object({ invitations: z.array(invitationView) });

/** Security settings an org_admin may tighten; unset keys keep the platform defaults. */
export const orgSettingsBody = z
  .strictObject({
    /** Roles that must enroll a second factor in addition to judge and org_admin. */
    mfaRequiredRoles: z
      .array(z.enum(['lawyer', 'reviewer']))
      .max(2)
      .optional(),
    /** Idle minutes before a session ends (default 30). */
    idleTimeoutMinutes: z.number().int().min(5).max(480).optional(),
    /** A new sign-in ends the member's other sessions. */
    singleSession: z.boolean().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'give at least one setting' });
export const orgSettingsResponse = z.object({
  mfaRequiredRoles: z.array(z.string()),
  idleTimeoutMinutes: z.number(),
  singleSession: z.boolean(),
});

/*
 * Route options: each route's access declaration and OpenAPI schema, named after what it does; the routes file maps paths to handlers.
 * `satisfies RouteShorthandOptions` checks the shape without widening it, so the zod types still type request.body/params/query.
 */
// Administration needs a second factor verified in this session within 12 hours.
const ADMIN = { roles: ['org_admin' as const], recentFactorMs: RECENT_FACTOR.admin };
const tags = ['organizations'];

/** POST /api/v1/orgs */
export const createOrgRoute = {
  config: { access: { superAdmin: true, orgOptional: true, recentFactorMs: RECENT_FACTOR.admin } },
  schema: {
    tags,
    summary: 'Open an organization (super_admin)',
    body: createOrgBody,
    response: { 201: z.object({ id: z.uuid() }) },
  },
} satisfies RouteShorthandOptions;

/** POST /api/v1/orgs/:orgId/invitations */
export const inviteRoute = {
  config: { access: ADMIN },
  schema: {
    tags,
    summary: 'Invite someone by email',
    params: orgIdParams,
    body: inviteBody,
    response: { 201: z.object({ id: z.uuid(), expiresAt: z.string() }) },
  },
} satisfies RouteShorthandOptions;

/** POST /api/v1/invitations/accept */
export const acceptInvitationRoute = (authPerMinute: number) =>
  ({
    config: {
      access: { public: true, identify: true },
      rateLimits: [{ bucket: 'auth', limit: authPerMinute, windowMs: 60_000 }],
    },
    schema: {
      tags,
      summary: 'Accept an invitation',
      body: acceptInvitationBody,
      response: { 200: z.object({ userId: z.uuid(), orgId: z.uuid() }) },
    },
  }) satisfies RouteShorthandOptions;

/** GET /api/v1/orgs/:orgId/members */
export const listMembersRoute = {
  config: { access: ADMIN },
  schema: { tags, summary: 'Members and roles', params: orgIdParams, response: { 200: membersResponse } },
} satisfies RouteShorthandOptions;

/** PATCH /api/v1/orgs/:orgId/members/:userId */
export const updateMemberRoute = {
  config: { access: ADMIN },
  schema: {
    tags,
    summary: "Change a member's role",
    params: memberParams,
    body: updateMemberBody,
    response: { 200: memberView },
  },
} satisfies RouteShorthandOptions;

/** GET /api/v1/orgs/:orgId/settings */
export const getOrgSettingsRoute = {
  config: { access: ADMIN },
  schema: {
    tags,
    summary: 'Security settings of the organization',
    params: orgIdParams,
    response: { 200: orgSettingsResponse },
  },
} satisfies RouteShorthandOptions;

/** PATCH /api/v1/orgs/:orgId/settings */
export const updateOrgSettingsRoute = {
  config: { access: ADMIN },
  schema: {
    tags,
    summary: 'Tighten security settings: MFA for more roles, idle timeout, one session per user',
    params: orgIdParams,
    body: orgSettingsBody,
    response: { 200: orgSettingsResponse },
  },
} satisfies RouteShorthandOptions;

/** POST /api/v1/admin/users/:userId/unlock */
export const unlockUserRoute = {
  config: { access: ADMIN },
  schema: { tags: ['admin'], summary: "Lift a member's sign-in lock", params: userIdParams },
} satisfies RouteShorthandOptions;

/** POST /api/v1/admin/users/:userId/logout */
export const logoutUserRoute = {
  config: { access: ADMIN },
  schema: { tags: ['admin'], summary: "End a member's sessions in this organization", params: userIdParams },
} satisfies RouteShorthandOptions;

/** DELETE /api/v1/orgs/:orgId/members/:userId */
export const removeMemberRoute = {
  // Cannot be taken back: the person must be invited again, and lands with a new membership.
  config: { access: { ...ADMIN, destructive: true } },
  schema: {
    tags,
    summary: 'Remove a member: the membership ends and all their sessions in this organization end at once',
    params: memberParams,
  },
} satisfies RouteShorthandOptions;

/** POST /api/v1/orgs/:orgId/members/:userId/suspend */
export const suspendMemberRoute = {
  config: { access: ADMIN },
  schema: {
    tags,
    summary:
      'Suspend a member: their sessions here end and sign-in to this organization is refused (403 MEMBER_SUSPENDED)',
    params: memberParams,
  },
} satisfies RouteShorthandOptions;

/** POST /api/v1/orgs/:orgId/members/:userId/reactivate */
export const reactivateMemberRoute = {
  config: { access: ADMIN },
  schema: {
    tags,
    summary: 'Lift a suspension: the member may sign in to this organization again',
    params: memberParams,
  },
} satisfies RouteShorthandOptions;

/** GET /api/v1/orgs/:orgId/invitations */
export const listInvitationsRoute = {
  config: { access: ADMIN },
  schema: {
    tags,
    summary: 'Pending invitations (neither accepted, revoked nor expired)',
    params: orgIdParams,
    response: { 200: invitationsResponse },
  },
} satisfies RouteShorthandOptions;

/** DELETE /api/v1/orgs/:orgId/invitations/:id */
export const revokeInvitationRoute = {
  config: { access: ADMIN },
  schema: {
    tags,
    summary: 'Revoke an invitation: its mailed link is refused from now on',
    params: invitationParams,
  },
} satisfies RouteShorthandOptions;
