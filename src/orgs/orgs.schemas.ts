import { z } from 'zod';
import { emailSchema } from '../accounts/index.ts';
import { organizationInput } from '../setup/index.ts';

export const memberRole = z.enum(['org_admin', 'lawyer', 'judge', 'reviewer']);
export const createOrgBody = organizationInput;
export const orgIdParams = z.strictObject({ orgId: z.uuid() });
export const memberParams = z.strictObject({ orgId: z.uuid(), userId: z.uuid() });
export const userIdParams = z.strictObject({ userId: z.uuid() });
export const inviteBody = z.strictObject({ email: emailSchema, role: memberRole });
export const acceptInvitationBody = z.strictObject({
  token: z.string().min(20).max(200),
  name: z.string().trim().min(1).max(200).optional(),
  password: z.string().min(1).max(1024).optional(),
});
export const updateMemberBody = z.strictObject({ role: memberRole });

export const memberView = z.object({ userId: z.uuid(), email: z.string(), name: z.string(), role: memberRole, createdAt: z.string() });
export const membersResponse = z.object({ members: z.array(memberView) });

/** Security settings an org_admin may tighten; unset keys keep the platform defaults. */
export const orgSettingsBody = z
  .strictObject({
    /** Roles that must enroll a second factor in addition to judge and org_admin. */
    mfaRequiredRoles: z.array(z.enum(['lawyer', 'reviewer'])).max(2).optional(),
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
