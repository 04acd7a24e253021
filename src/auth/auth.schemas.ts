import { z } from 'zod';
import { emailSchema } from '../accounts/index.ts';
import { orgView, tokensResponse, userView } from '../sessions/index.ts';

export { tokensResponse };

// Passwords are bounded here only against abuse; the policy (12–128) answers 422 PASSWORD_WEAK.
const password = z.string().min(1).max(1024);
const code6 = z.string().max(16).trim().regex(/^\d{6}$/, 'a 6-digit code');

export const registerBody = z.strictObject({
  email: emailSchema,
  password,
  name: z.string().trim().min(1).max(200),
  /** Honeypot: hidden in the web form, so only bots fill it. Must be absent or empty. */
  website: z.string().max(200).optional(),
  captchaToken: z.string().max(4096).optional(),
});
export const verifyEmailBody = z.strictObject({ email: emailSchema, code: code6 });
export const loginBody = z.strictObject({
  email: emailSchema,
  password,
  orgId: z.uuid().optional(),
  captchaToken: z.string().max(4096).optional(),
});
export const refreshBody = z.strictObject({ refreshToken: z.string().min(1).max(200).optional() });
export const changePasswordBody = z.strictObject({ currentPassword: password, newPassword: password });
export const forgotBody = z.strictObject({ email: emailSchema });
export const resetBody = z.strictObject({ email: emailSchema, code: code6, newPassword: password });
export const emailChangeBody = z.strictObject({ newEmail: emailSchema, currentPassword: password });
export const emailConfirmBody = z.strictObject({ newEmail: emailSchema, code: code6 });
export const switchOrgBody = z.strictObject({ orgId: z.uuid() });
export const sessionIdParams = z.strictObject({ id: z.uuid() });

export const acceptedResponse = z.object({ status: z.literal('accepted') });


export const mfaRequiredResponse = z.object({ mfaRequired: z.literal(true), mfaToken: z.string(), methods: z.array(z.enum(['totp', 'backup_code', 'webauthn'])) });
export const enrollmentRequiredResponse = z.object({ mfaEnrollmentRequired: z.literal(true), enrollmentToken: z.string() });
/** Login answers with tokens, or with the second step still to do. */
export const loginResponse = z.union([tokensResponse, mfaRequiredResponse, enrollmentRequiredResponse]);

export const sessionsResponse = z.array(
  z.object({ id: z.uuid(), createdAt: z.string(), lastSeenAt: z.string(), ip: z.string().nullable(), userAgent: z.string().nullable(), current: z.boolean() }),
);

export const meResponse = z.object({
  user: userView.extend({ mfa: z.object({ totp: z.boolean(), webauthn: z.number() }) }),
  org: orgView.nullable(),
  role: z.string().nullable(),
  portal: z.enum(['lawyer', 'judge']).nullable(),
  session: z.object({ id: z.uuid(), aal: z.number() }),
});
