import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context/index.ts';
import { isBrowserClient, setSessionCookies } from './browser-session.ts';
import { refreshMaxAge, type LoginResult } from './session-owner.ts';

/** Sends a new token pair: in the body for API clients, as cookies (never in the body) for the web app. */
/** sendTokens for a fresh sign-in: the refresh cookie lives as long as the session may. */
export function sendSignIn(ctx: AppContext, request: FastifyRequest, reply: FastifyReply, s: { pair: LoginResult['pair']; user: LoginResult['user']; org: LoginResult['org'] }) {
  return sendTokens(ctx, request, reply, { ...s, refreshMaxAgeSeconds: refreshMaxAge(s.user, s.org) });
}

export function sendTokens(ctx: AppContext, request: FastifyRequest, reply: FastifyReply, result: LoginResult) {
  const base = { tokenType: 'Bearer' as const, expiresIn: result.pair.expiresIn, user: { id: result.user.id, email: result.user.email, name: result.user.name }, org: result.org };
  if (isBrowserClient(request)) {
    const csrfToken = setSessionCookies(reply, ctx.keys, result.pair, result.refreshMaxAgeSeconds);
    return { ...base, csrfToken };
  }
  return { ...base, accessToken: result.pair.accessToken, refreshToken: result.pair.refreshToken };
}
