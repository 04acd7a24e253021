import { z } from 'zod';
import { tokensResponse } from '../sessions/index.ts';
import { TRUSTED_DEVICE_COOKIE, TRUSTED_DEVICE_TTL_MS } from './trusted-device.ts';

const totpCode = z.string().max(16).trim().regex(/^\d{6}$/, 'a 6-digit code');
const backupCode = z.string().trim().min(10).max(40);

export const enrollResponse = z.object({ secret: z.string(), otpauthUrl: z.string() });
export const confirmBody = z.strictObject({ code: totpCode });
export const confirmResponse = z.object({ backupCodes: z.array(z.string()) }).and(tokensResponse.partial());
export const backupCodesResponse = z.object({ backupCodes: z.array(z.string()) });

export const verifyBody = z
  .strictObject({ mfaToken: z.string().min(10).max(200), totp: totpCode.optional(), backupCode: backupCode.optional(), trustDevice: z.boolean().optional() })
  .refine((b) => (b.totp === undefined) !== (b.backupCode === undefined), { message: 'give exactly one of totp or backupCode' });

export const stepUpBody = z
  .strictObject({ totp: totpCode.optional(), backupCode: backupCode.optional() })
  .refine((b) => (b.totp === undefined) !== (b.backupCode === undefined), { message: 'give exactly one of totp or backupCode' });

export const deviceIdParams = z.strictObject({ id: z.uuid() });
export const trustedDevicesResponse = z.object({
  devices: z.array(z.object({ id: z.uuid(), createdAt: z.string(), expiresAt: z.string(), lastUsedAt: z.string().nullable(), ip: z.string().nullable(), userAgent: z.string().nullable() })),
});
export const mfaStatusResponse = z.object({ totp: z.boolean(), webauthn: z.number(), backupCodesLeft: z.number(), required: z.boolean() });

/** The cookie a second-factor sign-in sets when asked to trust the device: script cannot read it, other sites cannot send it. */
export const trustedDeviceCookie = {
  name: TRUSTED_DEVICE_COOKIE,
  options: { path: '/', secure: true, httpOnly: true, sameSite: 'strict', maxAge: TRUSTED_DEVICE_TTL_MS / 1000 },
} as const;
