import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../context/index.ts';
import type { RateLimitRule } from '../http/index.ts';
import { inAccountTenant, principalOf, requestFacts } from '../access/index.ts';
import { AppError } from '../platform/errors.ts';
import { trustedDeviceFromRequest, type PendingSignIn } from '../mfa/index.ts';
import {
  clearSessionCookies,
  COOKIE,
  isBrowserClient,
  jwks,
  lookupSessionOwner,
  sendSignIn,
  sendTokens,
  unsafeRotateRefreshToken,
} from '../sessions/index.ts';
import {
  changeEmailRoute,
  changePasswordRoute,
  confirmEmailRoute,
  endSessionRoute,
  forgotPasswordRoute,
  jwksRoute,
  listSessionsRoute,
  loginRoute,
  logoutAllRoute,
  logoutRoute,
  meRoute,
  refreshRoute,
  registerRoute,
  resetPasswordRoute,
  switchOrgRoute,
  verifyEmailRoute,
} from './auth.schemas.ts';
import * as auth from './auth.service.ts';
import * as emailChange from './email-change.service.ts';
import * as ownSessions from './own-sessions.service.ts';

const MINUTE = 60_000;

/** The body of a sign-in (login, switch-org) that stops at the second factor: a challenge or forced enrollment. */
function pendingBody(p: PendingSignIn) {
  return p.kind === 'mfa'
    ? {
        mfaRequired: true as const,
        mfaToken: p.mfaToken,
        methods: p.methods as Array<'totp' | 'backup_code' | 'webauthn'>,
      }
    : { mfaEnrollmentRequired: true as const, enrollmentToken: p.enrollmentToken };
}

export async function authRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const limits = ctx.config.rateLimits;
  const authTier: RateLimitRule = { bucket: 'auth', limit: limits.authPerMinute, windowMs: MINUTE };

  r.get('/.well-known/jwks.json', jwksRoute, async (_req, reply) => {
    reply.header('cache-control', 'public, max-age=300');
    return jwks(ctx.keys);
  });

  r.post('/api/v1/auth/register', registerRoute(authTier, limits), async (request, reply) => {
    // Invite-only (the default) refuses before any work: whether an address exists is not the question.
    if (ctx.config.registration !== 'open') throw new AppError('REGISTRATION_CLOSED');
    await auth.unsafeRegister(ctx, request.body, requestFacts(request));
    return reply.code(202).send({ status: 'accepted' as const });
  });

  r.post('/api/v1/auth/verify-email', verifyEmailRoute(authTier, limits), async (request) => {
    await auth.unsafeVerifyEmail(ctx, request.body, requestFacts(request));
    return { verified: true as const };
  });

  r.post('/api/v1/auth/login', loginRoute(authTier), async (request, reply) => {
    const result = await auth.unsafeLogin(ctx, request.body, requestFacts(request), (userId) =>
      trustedDeviceFromRequest(request, ctx.keys.masterKey, userId),
    );
    if (result.kind === 'session') return sendTokens(ctx, request, reply, result);
    return pendingBody(result.pending);
  });

  r.post('/api/v1/auth/refresh', refreshRoute(authTier), async (request, reply) => {
    // The cookie is accepted only with the web app's header: a custom header cannot be sent cross-site without CORS approval.
    const fromCookie = isBrowserClient(request) ? request.cookies[COOKIE.refresh] : undefined;
    const presented = request.body?.refreshToken ?? fromCookie;
    if (!presented) throw new AppError('REFRESH_TOKEN_INVALID');
    const facts = requestFacts(request);
    const outcome = await unsafeRotateRefreshToken(ctx, presented, lookupSessionOwner);
    if (!outcome.ok) {
      await ctx.audit.record({
        action: outcome.code === 'REFRESH_TOKEN_REUSED' ? 'auth.refresh_reuse_detected' : 'auth.refresh',
        outcome: 'failure',
        orgId: outcome.orgId,
        actorId: outcome.userId,
        target: outcome.sessionId ? `session:${outcome.sessionId}` : null,
        details: { reason: outcome.code },
        ...facts,
      });
      if (isBrowserClient(request)) clearSessionCookies(reply);
      throw new AppError(outcome.code);
    }
    await ctx.audit.record({
      action: 'auth.refresh',
      outcome: 'success',
      orgId: outcome.orgId,
      actorId: outcome.userId,
      target: `session:${outcome.pair.sessionId}`,
      ...facts,
    });
    return sendSignIn(ctx, request, reply, outcome);
  });

  r.post('/api/v1/auth/logout', logoutRoute, async (request, reply) => {
    const p = principalOf(request);
    await inAccountTenant(ctx.db, request, (tx) => ownSessions.signOut(tx, p.sessionId, ctx.clock.now()));
    await ctx.audit.record({
      action: 'auth.logout',
      outcome: 'success',
      orgId: p.orgId,
      actorId: p.userId,
      target: `session:${p.sessionId}`,
      ...requestFacts(request),
    });
    clearSessionCookies(reply);
    return reply.code(204).send();
  });

  r.post('/api/v1/auth/logout-all', logoutAllRoute, async (request, reply) => {
    const p = principalOf(request);
    const ended = await inAccountTenant(ctx.db, request, (tx, who) =>
      ownSessions.signOutEverywhere(tx, who.userId, ctx.clock.now()),
    );
    await ctx.audit.record({
      action: 'auth.logout_all',
      outcome: 'success',
      orgId: p.orgId,
      actorId: p.userId,
      details: { sessionsEnded: ended },
      ...requestFacts(request),
    });
    clearSessionCookies(reply);
    return reply.code(204).send();
  });

  r.get('/api/v1/auth/sessions', listSessionsRoute, async (request) => {
    const p = principalOf(request);
    return inAccountTenant(ctx.db, request, (tx, who) =>
      ownSessions.listOwnSessions(tx, who.userId, p.sessionId, ctx.clock.now()),
    );
  });

  r.delete('/api/v1/auth/sessions/:id', endSessionRoute, async (request, reply) => {
    const p = principalOf(request);
    await inAccountTenant(ctx.db, request, (tx, who) =>
      ownSessions.revokeOwnSession(tx, who.userId, request.params.id, ctx.clock.now()),
    );
    await ctx.audit.record({
      action: 'auth.session_revoked',
      outcome: 'success',
      orgId: p.orgId,
      actorId: p.userId,
      target: `session:${request.params.id}`,
      ...requestFacts(request),
    });
    return reply.code(204).send();
  });

  r.post('/api/v1/auth/password/change', changePasswordRoute(authTier), async (request, reply) => {
    const p = principalOf(request);
    await auth.unsafeChangePassword(
      ctx,
      { userId: p.userId, sessionId: p.sessionId, orgId: p.orgId },
      request.body,
      requestFacts(request),
    );
    return reply.code(204).send();
  });

  r.post('/api/v1/auth/password/forgot', forgotPasswordRoute(authTier, limits), async (request, reply) => {
    await auth.unsafeForgotPassword(ctx, request.body.email, requestFacts(request));
    return reply.code(202).send({ status: 'accepted' as const });
  });

  r.post('/api/v1/auth/password/reset', resetPasswordRoute(authTier, limits), async (request, reply) => {
    await auth.unsafeResetPassword(ctx, request.body, requestFacts(request));
    return reply.code(204).send();
  });

  r.post('/api/v1/auth/email/change', changeEmailRoute(authTier, limits), async (request, reply) => {
    await emailChange.unsafeRequestEmailChange(ctx, principalOf(request), request.body, requestFacts(request));
    return reply.code(202).send({ status: 'accepted' as const });
  });

  r.post('/api/v1/auth/email/confirm', confirmEmailRoute(authTier, limits), async (request) => ({
    email: await emailChange.unsafeConfirmEmailChange(ctx, principalOf(request), request.body, requestFacts(request)),
  }));

  r.post('/api/v1/auth/switch-org', switchOrgRoute, async (request, reply) => {
    const p = principalOf(request);
    const result = await auth.unsafeSwitchOrganization(
      ctx,
      { userId: p.userId, sessionId: p.sessionId },
      request.body.orgId,
      requestFacts(request),
    );
    if (result.kind === 'session') return sendTokens(ctx, request, reply, result);
    // The session that asked has ended; the target organization's factor step comes first, as at login.
    clearSessionCookies(reply);
    return pendingBody(result.pending);
  });

  r.get('/api/v1/me', meRoute, async (request) => {
    const p = principalOf(request);
    const { identity } = p;
    return {
      user: { id: p.userId, email: identity.email, name: identity.name, mfa: identity.mfa },
      org:
        p.orgId && p.role && identity.orgName && identity.orgKind
          ? { id: p.orgId, name: identity.orgName, kind: identity.orgKind, role: p.role }
          : null,
      role: p.isSuperAdmin && !p.role ? 'super_admin' : p.role,
      portal: p.portal,
      session: {
        id: p.sessionId,
        aal: p.aal,
        ...(p.idleTimeoutMinutes ? { idleTimeoutMinutes: p.idleTimeoutMinutes } : {}),
      },
    };
  });
}
