import type { RouteShorthandOptions } from 'fastify';
import { z } from 'zod';
import { tokensResponse } from '../sessions/index.ts';
import { TRUSTED_DEVICE_COOKIE, TRUSTED_DEVICE_TTL_MS } from './trusted-device.ts';
import { RECENT_FACTOR } from '../access/index.ts';

const totpCode = z
  .string()
  .max(16)
  .trim()
  .regex(/^\d{6}$/, 'a 6-digit code');
const backupCode = z.string().trim().min(10).max(40);

export const enrollResponse = z.object({ secret: z.string(), otpauthUrl: z.string() });
export const confirmBody = z.strictObject({ code: totpCode });
export const confirmResponse = z.object({ backupCodes: z.array(z.string()) }).and(tokensResponse.partial());
export const backupCodesResponse = z.object({ backupCodes: z.array(z.string()) });

export const verifyBody = z
  .strictObject({
    mfaToken: z.string().min(10).max(200),
    totp: totpCode.optional(),
    backupCode: backupCode.optional(),
    trustDevice: z.boolean().optional(),
  })
  .refine((b) => (b.totp === undefined) !== (b.backupCode === undefined), {
    message: 'give exactly one of totp or backupCode',
  });

export const stepUpBody = z
  .strictObject({ totp: totpCode.optional(), backupCode: backupCode.optional() })
  .refine((b) => (b.totp === undefined) !== (b.backupCode === undefined), {
    message: 'give exactly one of totp or backupCode',
  });

export const deviceIdParams = z.strictObject({ id: z.uuid() });
export const trustedDevicesResponse = z.object({
  devices: z.array(
    z.object({
      id: z.uuid(),
      createdAt: z.string(),
      expiresAt: z.string(),
      lastUsedAt: z.string().nullable(),
      ip: z.string().nullable(),
      userAgent: z.string().nullable(),
    }),
  ),
});
export const mfaStatusResponse = z.object({
  totp: z.boolean(),
  webauthn: z.number(),
  backupCodesLeft: z.number(),
  required: z.boolean(),
});

/** The cookie a second-factor sign-in sets when asked to trust the device: script cannot read it, other sites cannot send it. */
export const trustedDeviceCookie = {
  name: TRUSTED_DEVICE_COOKIE,
  options: { path: '/', secure: true, httpOnly: true, sameSite: 'strict', maxAge: TRUSTED_DEVICE_TTL_MS / 1000 },
} as const;

/*
 * Route options: each route's access declaration and OpenAPI schema, named after what it does; the routes file maps paths to handlers.
 * `satisfies RouteShorthandOptions` checks the shape without widening it, so the zod types still type request.body/params/query.
 */
const tags = ['mfa'];
const enrollAccess = { access: { orgOptional: true, allowEnrollment: true } };

/** POST /api/v1/mfa/totp/enroll */
export const enrollTotpRoute = {
  config: enrollAccess,
  schema: { tags, summary: 'Start setting up an authenticator app', response: { 200: enrollResponse } },
} satisfies RouteShorthandOptions;

/** POST /api/v1/mfa/totp/confirm */
export const confirmTotpRoute = {
  config: enrollAccess,
  schema: {
    tags,
    summary: 'Confirm the authenticator with one code; returns backup codes',
    body: confirmBody,
    response: { 200: confirmResponse },
  },
} satisfies RouteShorthandOptions;

/** POST /api/v1/auth/mfa/verify */
export const verifyMfaRoute = (authPerMinute: number) =>
  ({
    config: { access: { public: true }, rateLimits: [{ bucket: 'auth', limit: authPerMinute, windowMs: 60_000 }] },
    schema: {
      tags,
      summary: 'Second step of sign-in: a TOTP or backup code',
      body: verifyBody,
      response: { 200: tokensResponse },
    },
  }) satisfies RouteShorthandOptions;

/** POST /api/v1/auth/step-up */
export const stepUpRoute = {
  config: { access: { orgOptional: true } },
  schema: { tags, summary: 'Re-verify a second factor in this session', body: stepUpBody },
} satisfies RouteShorthandOptions;

/** GET /api/v1/mfa */
export const mfaStatusRoute = {
  config: { access: { orgOptional: true } },
  schema: { tags, summary: 'Your second factors', response: { 200: mfaStatusResponse } },
} satisfies RouteShorthandOptions;

/** DELETE /api/v1/mfa/totp */
export const removeTotpRoute = {
  config: { access: { orgOptional: true, recentFactorMs: RECENT_FACTOR.sensitive } },
  schema: { tags, summary: 'Remove the authenticator app (and its backup codes)' },
} satisfies RouteShorthandOptions;

/** POST /api/v1/mfa/backup-codes/regenerate */
export const regenerateBackupCodesRoute = {
  config: { access: { orgOptional: true, recentFactorMs: RECENT_FACTOR.sensitive } },
  schema: { tags, summary: 'Ten new backup codes; the old ones stop working', response: { 200: backupCodesResponse } },
} satisfies RouteShorthandOptions;

/** GET /api/v1/mfa/trusted-devices */
export const listTrustedDevicesRoute = {
  config: { access: { orgOptional: true } },
  schema: { tags, summary: 'Devices that skip the second factor', response: { 200: trustedDevicesResponse } },
} satisfies RouteShorthandOptions;

/** DELETE /api/v1/mfa/trusted-devices/:id */
export const forgetTrustedDeviceRoute = {
  config: { access: { orgOptional: true } },
  schema: { tags, summary: 'Stop trusting a device', params: deviceIdParams },
} satisfies RouteShorthandOptions;
