import crypto from 'node:crypto';
import { deriveKey, safeEqual } from '../platform/crypto-basics.ts';

/** A hand-off code lives 30 seconds: long enough for a redirect, too short to be worth stealing. */
export const HANDOFF_TTL_MS = 30_000;

export type HandoffClaims = {
  jti: string;
  sub: string;
  /** The issuing session: the redeemed one is its child, and a code whose session has ended is void. */
  sid: string;
  org: string | null;
  aud: string;
  exp: number;
};

const key = (masterKey: Buffer) => deriveKey(masterKey, 'portal-handoff');

/** `<payload>.<HMAC-SHA256(payload)>`, both base64url. */
export function signHandoff(masterKey: Buffer, claims: HandoffClaims): string {
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${payload}.${crypto.createHmac('sha256', key(masterKey)).update(payload).digest('base64url')}`;
}

/** The claims when the signature holds, the audience is ours and the code is fresh; null otherwise. */
export function openHandoff(masterKey: Buffer, code: string, audience: string, now: Date): HandoffClaims | null {
  const [payload, mac] = code.split('.');
  if (!payload || !mac || code.length > 2048) return null;
  if (!safeEqual(mac, crypto.createHmac('sha256', key(masterKey)).update(payload).digest('base64url'))) return null;
  let claims: HandoffClaims;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as HandoffClaims;
  } catch {
    return null;
  }
  if (
    claims.aud !== audience ||
    typeof claims.exp !== 'number' ||
    claims.exp <= now.getTime() ||
    claims.exp > now.getTime() + HANDOFF_TTL_MS
  )
    return null;
  if (typeof claims.jti !== 'string' || !/^[0-9a-f-]{36}$/.test(claims.jti) || typeof claims.sub !== 'string')
    return null;
  if (typeof claims.sid !== 'string' || !/^[0-9a-f-]{36}$/.test(claims.sid)) return null;
  return claims;
}
