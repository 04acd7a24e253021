import crypto from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { deriveKey, safeEqual } from '../platform/crypto-basics.ts';
import { AppError } from '../platform/errors.ts';
import type { KeyRing } from '../platform/keys.ts';
import type { TokenPair } from './session.service.ts';

/**
 * Browser mode: tokens travel as __Host- cookies the page's script cannot read,
 * and a CSRF token bound to the session (HMAC of its id) must accompany every
 * state-changing request that a cookie authenticates.
 */
export const COOKIE = {
  access: '__Host-chambers_at',
  refresh: '__Host-chambers_rt',
  csrf: '__Host-chambers_csrf',
} as const;
export const BROWSER_CLIENT_HEADER = 'x-chambers-client';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const isBrowserClient = (request: FastifyRequest): boolean => request.headers[BROWSER_CLIENT_HEADER] === 'web';

export function csrfTokenFor(keys: KeyRing, sessionId: string): string {
  return crypto.createHmac('sha256', deriveKey(keys.masterKey, 'csrf')).update(sessionId).digest('base64url');
}

export function setSessionCookies(
  reply: FastifyReply,
  keys: KeyRing,
  pair: TokenPair,
  refreshMaxAgeSeconds: number,
): string {
  const csrf = csrfTokenFor(keys, pair.sessionId);
  const base = { path: '/', secure: true, httpOnly: true } as const;
  reply.setCookie(COOKIE.access, pair.accessToken, { ...base, sameSite: 'lax', maxAge: pair.expiresIn });
  reply.setCookie(COOKIE.refresh, pair.refreshToken, { ...base, sameSite: 'strict', maxAge: refreshMaxAgeSeconds });
  // Readable by the page on purpose: it echoes it in the X-CSRF-Token header.
  reply.setCookie(COOKIE.csrf, csrf, {
    path: '/',
    secure: true,
    httpOnly: false,
    sameSite: 'strict',
    maxAge: refreshMaxAgeSeconds,
  });
  return csrf;
}

export function clearSessionCookies(reply: FastifyReply): void {
  for (const name of Object.values(COOKIE)) reply.clearCookie(name, { path: '/', secure: true });
}

/** Refuses a cookie-authenticated state change without the session's CSRF token. */
export function checkCsrf(request: FastifyRequest, keys: KeyRing, sessionId: string): void {
  if (SAFE_METHODS.has(request.method)) return;
  const header = request.headers[CSRF_HEADER];
  if (typeof header !== 'string' || !safeEqual(header, csrfTokenFor(keys, sessionId)))
    throw new AppError('CSRF_TOKEN_INVALID');
}
