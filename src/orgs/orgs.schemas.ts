import { z } from 'zod';
import { emailSchema } from '../auth/email.ts';
import { organizationInput } from '../setup/setup.schemas.ts';

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
