import crypto from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { deriveKey, safeEqual } from '../platform/crypto-basics.ts';

/** Set by the second-factor routes with the attributes in mfa.schemas.ts; read back here at the next sign-in. */
export const TRUSTED_DEVICE_COOKIE = '__Host-chambers_td';
export const TRUSTED_DEVICE_TTL_MS = 7 * 24 * 60 * 60 * 1000;

const sign = (masterKey: Buffer, deviceId: string, userId: string) =>
  crypto
    .createHmac('sha256', deriveKey(masterKey, 'trusted-device'))
    .update(`${deviceId}.${userId}`)
    .digest('base64url');

/** `<deviceId>.<HMAC(deviceId, userId)>`: useless for any other user, and checked against a revocable row. */
export function trustedDeviceCookieValue(masterKey: Buffer, deviceId: string, userId: string): string {
  return `${deviceId}.${sign(masterKey, deviceId, userId)}`;
}

/** The device id in the request's cookie when its signature holds for this user; null otherwise (tampered, other user, absent). */
export function trustedDeviceFromRequest(request: FastifyRequest, masterKey: Buffer, userId: string): string | null {
  const raw = request.cookies?.[TRUSTED_DEVICE_COOKIE];
  if (!raw) return null;
  const [deviceId, mac] = raw.split('.');
  if (!deviceId || !mac || !/^[0-9a-f-]{36}$/i.test(deviceId)) return null;
  return safeEqual(mac, sign(masterKey, deviceId, userId)) ? deviceId : null;
}
