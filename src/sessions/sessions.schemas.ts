import type { FastifyReply, FastifyRequest, RouteShorthandOptions } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context/index.ts';
import { isBrowserClient, setSessionCookies } from './browser-session.ts';
import { refreshMaxAge, type LoginResult } from './session-owner.ts';

/** The answer of every route that opens a session: tokens in the body for API clients, cookies for the web app. */
export const orgView = z.object({ id: z.uuid(), name: z.string(), kind: z.enum(['firm', 'court']), role: z.string() });
export const userView = z.object({ id: z.uuid(), email: z.string(), name: z.string() });

export const tokensResponse = z.object({
  accessToken: z.string().optional(),
  refreshToken: z.string().optional(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number(),
  csrfToken: z.string().optional(),
  user: userView,
  org: orgView.nullable(),
});

// The reply that fills tokensResponse lives beside it: it is HTTP (cookies), so it
// cannot live in a service, and every route that opens a session sends it.

/** sendTokens for a fresh sign-in: the refresh cookie lives as long as the session may. */
export function sendSignIn(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  s: { pair: LoginResult['pair']; user: LoginResult['user']; org: LoginResult['org'] },
) {
  return sendTokens(ctx, request, reply, { ...s, refreshMaxAgeSeconds: refreshMaxAge(s.user, s.org) });
}

/** Sends a new token pair: in the body for API clients, as cookies (never in the body) for the web app. */
export function sendTokens(ctx: AppContext, request: FastifyRequest, reply: FastifyReply, result: LoginResult) {
  const base = {
    tokenType: 'Bearer' as const,
    expiresIn: result.pair.expiresIn,
    user: { id: result.user.id, email: result.user.email, name: result.user.name },
    org: result.org,
  };
  if (isBrowserClient(request)) {
    const csrfToken = setSessionCookies(reply, ctx.keys, result.pair, result.refreshMaxAgeSeconds);
    return { ...base, csrfToken };
  }
  return { ...base, accessToken: result.pair.accessToken, refreshToken: result.pair.refreshToken };
}

/*
 * Route options: each route's access declaration and OpenAPI schema, named after what it does; the routes file maps paths to handlers.
 * `satisfies RouteShorthandOptions` checks the shape without widening it, so the zod types still type request.body/params/query.
 */
const tags = ['auth'];

/** POST /api/v1/auth/handoff */
export const issueHandoffRoute = {
  config: { access: { orgOptional: true } },
  schema: {
    tags,
    summary: 'A 30-second code that signs you in on another portal',
    body: z.strictObject({ audience: z.url().max(300) }),
    response: { 201: z.object({ code: z.string(), expiresAt: z.string() }) },
  },
} satisfies RouteShorthandOptions;

/** POST /api/v1/auth/handoff/redeem */
export const redeemHandoffRoute = (authPerMinute: number) =>
  ({
    config: { access: { public: true }, rateLimits: [{ bucket: 'auth', limit: authPerMinute, windowMs: 60_000 }] },
    schema: {
      tags,
      summary: 'Redeem a hand-off code on this portal',
      body: z.strictObject({ code: z.string().min(10).max(2048) }),
      response: { 200: tokensResponse },
    },
  }) satisfies RouteShorthandOptions;
