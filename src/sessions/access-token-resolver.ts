import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context/index.ts';
import type { PrincipalResolver } from '../access/index.ts';
import { AppError } from '../platform/errors.ts';
import { verifyAccessToken } from './access-tokens.ts';
import { COOKIE, checkCsrf } from './browser-session.ts';
import { principalForSession } from './session.service.ts';

/** Bearer header first; the access cookie only for browser clients (and then CSRF applies). */
function presentedToken(request: FastifyRequest): { token: string; viaCookie: boolean } | null {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const m = /^Bearer ([A-Za-z0-9_\-.]+)$/.exec(header);
    if (!m?.[1]) throw new AppError('TOKEN_INVALID', 'the Authorization header must be "Bearer <token>"');
    return { token: m[1], viaCookie: false };
  }
  const cookie = request.cookies?.[COOKIE.access];
  return cookie ? { token: cookie, viaCookie: true } : null;
}

/** The production PrincipalResolver: RS256 access token → live session → membership. */
export function createAccessTokenResolver(ctx: AppContext): PrincipalResolver {
  return async (request) => {
    const presented = presentedToken(request);
    if (!presented) return null;
    const claims = await verifyAccessToken(ctx.keys, ctx.config.publicUrl, presented.token, ctx.clock.now());
    const principal = await principalForSession(ctx, claims);
    if (presented.viaCookie) checkCsrf(request, ctx.keys, principal.sessionId);
    return principal;
  };
}
