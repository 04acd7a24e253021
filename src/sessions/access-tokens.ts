import { SignJWT, createLocalJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { AppError } from '../platform/errors.ts';
import { activeSigningKey, type KeyRing } from '../platform/keys.ts';
import type { MemberRole } from '../platform/db/index.ts';
import type { Portal } from '../access/index.ts';

export const ACCESS_TOKEN_TTL_SECONDS = 30 * 60;
export const ACCESS_TOKEN_AUDIENCE = 'chambers-api';

export type AccessClaims = {
  sub: string;
  sid: string;
  org: string | null;
  role: MemberRole | null;
  portal: Portal | null;
  amr: string[];
  /** Present only for super admins, so a stolen lawyer token can never claim it. */
  sa?: true;
};

/** Signs an RS256 access token with the active key; `kid` names the key for the JWKS. */
export async function signAccessToken(keys: KeyRing, issuer: string, claims: AccessClaims, now: Date): Promise<string> {
  const key = activeSigningKey(keys);
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({
    sid: claims.sid,
    org: claims.org,
    role: claims.role,
    portal: claims.portal,
    amr: claims.amr,
    ...(claims.sa ? { sa: true } : {}),
  })
    .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'at+jwt' })
    .setIssuer(issuer)
    .setAudience(ACCESS_TOKEN_AUDIENCE)
    .setSubject(claims.sub)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ACCESS_TOKEN_TTL_SECONDS)
    .sign(key.privateKey);
}

/** The public half of every key that may still have signed a live token. */
export function jwks(keys: KeyRing): { keys: Array<Record<string, unknown>> } {
  return {
    keys: keys.jwtKeys.map((k) => ({
      kty: k.publicJwk.kty,
      n: k.publicJwk.n,
      e: k.publicJwk.e,
      kid: k.kid,
      alg: 'RS256',
      use: 'sig',
    })),
  };
}

// Built once per key ring: importing the keys on every request costs more than verifying the signature.
const keySets = new WeakMap<KeyRing, ReturnType<typeof createLocalJWKSet>>();
function keySetFor(keys: KeyRing): ReturnType<typeof createLocalJWKSet> {
  let set = keySets.get(keys);
  if (!set) {
    set = createLocalJWKSet(jwks(keys) as unknown as Parameters<typeof createLocalJWKSet>[0]);
    keySets.set(keys, set);
  }
  return set;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Verifies signature (RS256 only, key chosen by kid from our own ring — never from
 * the token), issuer, audience, expiry and issued-at, then the claim shapes.
 */
export async function verifyAccessToken(
  keys: KeyRing,
  issuer: string,
  token: string,
  now: Date,
): Promise<AccessClaims> {
  if (token.length > 4096) throw new AppError('TOKEN_INVALID');
  const keySet = keySetFor(keys);
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, keySet, {
      algorithms: ['RS256'],
      issuer,
      audience: ACCESS_TOKEN_AUDIENCE,
      currentDate: now,
      clockTolerance: 5,
      requiredClaims: ['sub', 'sid', 'iat', 'exp'],
    }));
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) throw new AppError('TOKEN_EXPIRED');
    throw new AppError('TOKEN_INVALID');
  }
  const nowSec = now.getTime() / 1000;
  if (typeof payload.iat !== 'number' || payload.iat > nowSec + 5) throw new AppError('TOKEN_INVALID');
  const { sub, sid, org, role, portal, amr, sa } = payload as Record<string, unknown>;
  if (typeof sub !== 'string' || !UUID.test(sub) || typeof sid !== 'string' || !UUID.test(sid))
    throw new AppError('TOKEN_INVALID');
  if (org !== null && (typeof org !== 'string' || !UUID.test(org))) throw new AppError('TOKEN_INVALID');
  return {
    sub,
    sid,
    org: org as string | null,
    role: (role ?? null) as MemberRole | null,
    portal: (portal ?? null) as Portal | null,
    amr: Array.isArray(amr) ? amr.filter((x): x is string => typeof x === 'string') : [],
    ...(sa === true ? { sa: true as const } : {}),
  };
}
