import type { RouteShorthandOptions } from 'fastify';
import { z } from 'zod';
import { emailSchema } from '../accounts/index.ts';
import { orgView, tokensResponse, userView } from '../sessions/index.ts';
import type { RateLimitRule } from '../http/index.ts';
import type { Config } from '../platform/config.ts';

export { tokensResponse };

// Passwords are bounded here only against abuse; the policy (12–128) answers 422 PASSWORD_WEAK.
const password = z.string().min(1).max(1024);
const code6 = z
  .string()
  .max(16)
  .trim()
  .regex(/^\d{6}$/, 'a 6-digit code');

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

export const mfaRequiredResponse = z.object({
  mfaRequired: z.literal(true),
  mfaToken: z.string(),
  methods: z.array(z.enum(['totp', 'backup_code', 'webauthn'])),
});
export const enrollmentRequiredResponse = z.object({
  mfaEnrollmentRequired: z.literal(true),
  enrollmentToken: z.string(),
});
/** Login answers with tokens, or with the second step still to do. */
export const loginResponse = z.union([tokensResponse, mfaRequiredResponse, enrollmentRequiredResponse]);

export const sessionsResponse = z.array(
  z.object({
    id: z.uuid(),
    createdAt: z.string(),
    lastSeenAt: z.string(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    current: z.boolean(),
  }),
);

export const meResponse = z.object({
  user: userView.extend({ mfa: z.object({ totp: z.boolean(), webauthn: z.number() }) }),
  org: orgView.nullable(),
  role: z.string().nullable(),
  portal: z.enum(['lawyer', 'judge']).nullable(),
  session: z.object({
    id: z.uuid(),
    aal: z.number(),
    /** The organization's idle limit (the firm's setting, else the default): the web app warns before it. Absent for an API key. */
    idleTimeoutMinutes: z.number().int().positive().optional(),
  }),
});

/*
 * Route options: each route's access declaration and OpenAPI schema, named after what it does; the routes file maps paths to handlers.
 * `satisfies RouteShorthandOptions` checks the shape without widening it, so the zod types still type request.body/params/query.
 */
type RateLimitConfig = Config['rateLimits'];
const HOUR = 60 * 60_000;
const tags = ['auth'];

/** GET /.well-known/jwks.json */
export const jwksRoute = {
  config: { access: { public: true } },
  schema: { tags, summary: 'Public keys that verify access tokens' },
} satisfies RouteShorthandOptions;

/** POST /api/v1/auth/register */
export const registerRoute = (authTier: RateLimitRule, limits: RateLimitConfig) =>
  ({
    config: {
      access: { public: true, accountBlind: true },
      rateLimits: [authTier, { bucket: 'register', limit: limits.registerPerHour, windowMs: HOUR }],
    },
    schema: {
      tags,
      summary: 'Sign up; a 6-digit code is mailed',
      body: registerBody,
      response: { 202: acceptedResponse },
    },
  }) satisfies RouteShorthandOptions;

/** POST /api/v1/auth/verify-email */
export const verifyEmailRoute = (authTier: RateLimitRule, limits: RateLimitConfig) =>
  ({
    config: {
      access: { public: true, accountBlind: true },
      rateLimits: [authTier, { bucket: 'verify', limit: limits.verifyPerHour, windowMs: HOUR }],
    },
    schema: {
      tags,
      summary: 'Confirm the address with the mailed code',
      body: verifyEmailBody,
      response: { 200: z.object({ verified: z.literal(true) }) },
    },
  }) satisfies RouteShorthandOptions;

/** POST /api/v1/auth/login */
export const loginRoute = (authTier: RateLimitRule) =>
  ({
    config: { access: { public: true, accountBlind: true }, rateLimits: [authTier] },
    schema: { tags, summary: 'Sign in with email and password', body: loginBody, response: { 200: loginResponse } },
  }) satisfies RouteShorthandOptions;

/** POST /api/v1/auth/refresh */
export const refreshRoute = (authTier: RateLimitRule) =>
  ({
    config: { access: { public: true }, rateLimits: [authTier] },
    schema: {
      tags,
      summary: 'Rotate the refresh token for a new pair',
      body: refreshBody.nullish(),
      response: { 200: loginResponse },
    },
  }) satisfies RouteShorthandOptions;

/** POST /api/v1/auth/logout */
export const logoutRoute = {
  config: { access: { orgOptional: true } },
  schema: { tags, summary: 'End this session' },
} satisfies RouteShorthandOptions;

/** POST /api/v1/auth/logout-all */
export const logoutAllRoute = {
  config: { access: { orgOptional: true } },
  schema: { tags, summary: 'End every session of this user' },
} satisfies RouteShorthandOptions;

/** GET /api/v1/auth/sessions */
export const listSessionsRoute = {
  config: { access: { orgOptional: true } },
  schema: { tags, summary: 'Your active sessions', response: { 200: sessionsResponse } },
} satisfies RouteShorthandOptions;

/** DELETE /api/v1/auth/sessions/:id */
export const endSessionRoute = {
  config: { access: { orgOptional: true } },
  schema: { tags, summary: 'End one of your sessions', params: sessionIdParams },
} satisfies RouteShorthandOptions;

/** POST /api/v1/auth/password/change */
export const changePasswordRoute = (authTier: RateLimitRule) =>
  ({
    config: { access: { orgOptional: true }, rateLimits: [authTier] },
    schema: { tags, summary: 'Change your password; other sessions end', body: changePasswordBody },
  }) satisfies RouteShorthandOptions;

/** POST /api/v1/auth/password/forgot */
export const forgotPasswordRoute = (authTier: RateLimitRule, limits: RateLimitConfig) =>
  ({
    config: {
      access: { public: true, accountBlind: true },
      rateLimits: [authTier, { bucket: 'forgot', limit: limits.forgotPerHour, windowMs: HOUR }],
    },
    schema: {
      tags,
      summary: 'Mail a password reset code (always 202)',
      body: forgotBody,
      response: { 202: acceptedResponse },
    },
  }) satisfies RouteShorthandOptions;

/** POST /api/v1/auth/password/reset */
export const resetPasswordRoute = (authTier: RateLimitRule, limits: RateLimitConfig) =>
  ({
    config: {
      access: { public: true, accountBlind: true },
      rateLimits: [authTier, { bucket: 'verify', limit: limits.verifyPerHour, windowMs: HOUR }],
    },
    schema: { tags, summary: 'Set a new password with the mailed code; all sessions end', body: resetBody },
  }) satisfies RouteShorthandOptions;

/** POST /api/v1/auth/email/change */
export const changeEmailRoute = (authTier: RateLimitRule, limits: RateLimitConfig) =>
  ({
    config: {
      access: { orgOptional: true },
      rateLimits: [authTier, { bucket: 'verify', limit: limits.verifyPerHour, windowMs: HOUR }],
    },
    schema: {
      tags,
      summary: 'Move your account to another address: a code goes to the new one',
      body: emailChangeBody,
      response: { 202: acceptedResponse },
    },
  }) satisfies RouteShorthandOptions;

/** POST /api/v1/auth/email/confirm */
export const confirmEmailRoute = (authTier: RateLimitRule, limits: RateLimitConfig) =>
  ({
    config: {
      access: { orgOptional: true },
      rateLimits: [authTier, { bucket: 'verify', limit: limits.verifyPerHour, windowMs: HOUR }],
    },
    schema: {
      tags,
      summary: 'Confirm the new address with its code; other sessions end',
      body: emailConfirmBody,
      response: { 200: z.object({ email: z.string() }) },
    },
  }) satisfies RouteShorthandOptions;

/** POST /api/v1/auth/switch-org */
export const switchOrgRoute = {
  config: { access: { orgOptional: true } },
  schema: {
    tags,
    summary: 'New tokens for another of your organizations (or its second-factor step, as at login)',
    body: switchOrgBody,
    response: { 200: loginResponse },
  },
} satisfies RouteShorthandOptions;

/** GET /api/v1/me */
export const meRoute = {
  config: { access: { orgOptional: true } },
  schema: { tags, summary: 'Who am I', response: { 200: meResponse } },
} satisfies RouteShorthandOptions;
