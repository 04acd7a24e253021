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
 * Tokens whose signature, issuer and audience already verified, per key ring: the
 * same bytes verify the same way again, so a repeat skips the RSA operation (the
 * largest CPU cost of an authenticated request) but never the expiry and
 * issued-at checks, which depend on the time. A new key ring (a restart after a
 * key rotation) starts empty.
 */
type VerifiedToken = { issuer: string; claims: AccessClaims; iat: number; exp: number };
const MAX_VERIFIED_TOKENS = 10_000;
const verifiedTokens = new WeakMap<KeyRing, Map<string, VerifiedToken>>();
const CLOCK_TOLERANCE_S = 5;

function verifiedTokenCache(keys: KeyRing): Map<string, VerifiedToken> {
  let cache = verifiedTokens.get(keys);
  if (!cache) {
    cache = new Map();
    verifiedTokens.set(keys, cache);
  }
  return cache;
}

function stillValid(v: VerifiedToken, issuer: string, now: Date): AccessClaims {
  const nowSec = now.getTime() / 1000;
  if (v.issuer !== issuer) throw new AppError('TOKEN_INVALID');
  if (v.exp <= nowSec - CLOCK_TOLERANCE_S) throw new AppError('TOKEN_EXPIRED');
  if (v.iat > nowSec + CLOCK_TOLERANCE_S) throw new AppError('TOKEN_INVALID');
  return v.claims;
}

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
  const cache = verifiedTokenCache(keys);
  const known = cache.get(token);
  if (known) return stillValid(known, issuer, now);
  const keySet = keySetFor(keys);
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, keySet, {
      algorithms: ['RS256'],
      issuer,
      audience: ACCESS_TOKEN_AUDIENCE,
      currentDate: now,
      clockTolerance: CLOCK_TOLERANCE_S,
      requiredClaims: ['sub', 'sid', 'iat', 'exp'],
    }));
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) throw new AppError('TOKEN_EXPIRED');
    throw new AppError('TOKEN_INVALID');
  }
  const nowSec = now.getTime() / 1000;
  if (typeof payload.iat !== 'number' || payload.iat > nowSec + CLOCK_TOLERANCE_S) throw new AppError('TOKEN_INVALID');
  const { sub, sid, org, role, portal, amr, sa } = payload as Record<string, unknown>;
  if (typeof sub !== 'string' || !UUID.test(sub) || typeof sid !== 'string' || !UUID.test(sid))
    throw new AppError('TOKEN_INVALID');
  if (org !== null && (typeof org !== 'string' || !UUID.test(org))) throw new AppError('TOKEN_INVALID');
  const claims: AccessClaims = {
    sub,
    sid,
    org: org as string | null,
    role: (role ?? null) as MemberRole | null,
    portal: (portal ?? null) as Portal | null,
    amr: Array.isArray(amr) ? amr.filter((x): x is string => typeof x === 'string') : [],
    ...(sa === true ? { sa: true as const } : {}),
  };
  if (cache.size >= MAX_VERIFIED_TOKENS) {
    const oldest = cache.keys().next();
    if (!oldest.done) cache.delete(oldest.value);
  }
  // Shared by every later request that presents the same token: nobody may change it.
  Object.freeze(claims.amr);
  cache.set(token, { issuer, claims: Object.freeze(claims), iat: payload.iat, exp: payload.exp ?? 0 });
  return claims;
}
