import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context/index.ts';
import { accountMail } from '../accounts/index.ts';
import { sendSignIn } from '../sessions/index.ts';
import { tokensResponse } from '../sessions/index.ts';
import { chooseOrganizationId, lookupSessionOwner } from '../sessions/index.ts';
import { requestFacts } from '../access/index.ts';
import { principalOf } from '../access/index.ts';
import { AppError } from '../platform/errors.ts';
import { unsafeWithOwner, withTenant } from '../platform/db/index.ts';
import { RECENT_FACTOR, mfaRequiredFor } from '../access/index.ts';
import * as repo from './mfa.repository.ts';
import { finishSignIn, liveChallenge } from './mfa.service.ts';
import { notifySecurityChange } from './mfa.routes.ts';
import { setTrustedDeviceCookie } from './trusted-device.ts';
import * as schemas from './webauthn.schemas.ts';
import * as webauthn from './webauthn.service.ts';

function actingUser(request: FastifyRequest): string {
  return request.enrollment?.userId ?? principalOf(request).userId;
}

export async function webauthnRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['passkeys'];
  const authTier = { bucket: 'auth', limit: ctx.config.rateLimits.authPerMinute, windowMs: 60_000 };
  const enrollAccess = { access: { orgOptional: true, allowEnrollment: true } };

  r.post('/api/v1/mfa/webauthn/register/options', { config: enrollAccess, schema: { tags, summary: 'Start registering a passkey', response: { 200: schemas.ceremonyResponse } } }, async (request) => {
    const userId = actingUser(request);
    const user = await unsafeWithOwner(ctx.db, (tx) => tx.selectFrom('chambers.users').select(['id', 'email', 'name']).where('id', '=', userId).executeTakeFirstOrThrow());
    return webauthn.unsafeRegistrationOptions(ctx, user);
  });

  r.post(
    '/api/v1/mfa/webauthn/register/verify',
    {
      config: enrollAccess,
      schema: { tags, summary: 'Finish registering a passkey', body: schemas.registerVerifyBody, response: { 201: z.object({ id: z.uuid(), name: z.string() }).and(tokensResponse.partial()) } },
    },
    async (request, reply) => {
      const userId = actingUser(request);
      const facts = requestFacts(request);
      const result = await unsafeWithOwner(ctx.db, async (tx) => {
        const credential = await webauthn.unsafeRegisterCredential(ctx, tx, userId, request.body);
        if (!request.enrollment) return { credential, signedIn: null };
        const challenge = await liveChallenge(ctx, tx, request.enrollment.token, 'enrollment');
        await repo.consumeChallenge(tx, challenge.id, ctx.clock.now());
        const owner = await lookupSessionOwner(tx, userId, challenge.org_id);
        if (!owner) throw new AppError('MFA_TOKEN_INVALID');
        return { credential, signedIn: await finishSignIn(ctx, tx, owner, facts, ['pwd', 'hwk'], false) };
      });
      await ctx.audit.record({ action: 'mfa.passkey_registered', outcome: 'success', orgId: result.signedIn?.org?.id ?? request.principal?.orgId ?? null, actorId: userId, target: `passkey:${result.credential.id}`, ...facts });
      await notifySecurityChange(ctx, userId, `a passkey ("${result.credential.name}") was added`);
      reply.code(201);
      if (!result.signedIn) return result.credential;
      const s = result.signedIn;
      return { ...result.credential, ...sendSignIn(ctx, request, reply, s) };
    },
  );

  r.get('/api/v1/mfa/webauthn/credentials', { config: { access: { orgOptional: true } }, schema: { tags, summary: 'Your passkeys', response: { 200: schemas.credentialsResponse } } }, async (request) => {
    const p = principalOf(request);
    const rows = await withTenant(ctx.db, p, (tx) =>
      tx.selectFrom('chambers.webauthn_credentials').select(['id', 'name', 'device_type', 'backed_up', 'created_at', 'last_used_at']).where('user_id', '=', p.userId).orderBy('created_at').execute(),
    );
    return {
      credentials: rows.map((c) => ({
        id: c.id,
        name: c.name,
        deviceType: c.device_type,
        backedUp: c.backed_up,
        createdAt: new Date(c.created_at).toISOString(),
        lastUsedAt: c.last_used_at ? new Date(c.last_used_at).toISOString() : null,
      })),
    };
  });

  r.patch(
    '/api/v1/mfa/webauthn/credentials/:id',
    { config: { access: { orgOptional: true } }, schema: { tags, summary: 'Rename a passkey', params: schemas.credentialParams, body: schemas.renameBody } },
    async (request, reply) => {
      const p = principalOf(request);
      const res = await withTenant(ctx.db, p, (tx) => tx.updateTable('chambers.webauthn_credentials').set({ name: request.body.name }).where('id', '=', request.params.id).executeTakeFirst());
      if (res.numUpdatedRows === 0n) throw new AppError('NOT_FOUND');
      return reply.code(204).send();
    },
  );

  r.delete(
    '/api/v1/mfa/webauthn/credentials/:id',
    { config: { access: { orgOptional: true, recentFactorMs: RECENT_FACTOR.sensitive } }, schema: { tags, summary: 'Remove a passkey', params: schemas.credentialParams } },
    async (request, reply) => {
      const p = principalOf(request);
      const extraRoles = p.orgId ? await unsafeWithOwner(ctx.db, (tx) => repo.orgMfaRoles(tx, p.orgId!)) : [];
      await unsafeWithOwner(ctx.db, async (tx) => {
        const summary = await repo.factorSummary(tx, p.userId);
        const own = await tx.selectFrom('chambers.webauthn_credentials').select('id').where('id', '=', request.params.id).where('user_id', '=', p.userId).executeTakeFirst();
        if (!own) throw new AppError('NOT_FOUND');
        if (mfaRequiredFor(p, p.role, extraRoles) && !summary.totp && summary.webauthn <= 1) {
          throw new AppError('CONFLICT', 'your role requires a second factor: keep at least one');
        }
        await tx.deleteFrom('chambers.webauthn_credentials').where('id', '=', own.id).execute();
      });
      await ctx.audit.record({ action: 'mfa.passkey_removed', outcome: 'success', orgId: p.orgId, actorId: p.userId, target: `passkey:${request.params.id}`, ...requestFacts(request) });
      ctx.mailer.send(accountMail.securityChange(p.identity.email, 'a passkey was removed'));
      return reply.code(204).send();
    },
  );

  r.post(
    '/api/v1/auth/mfa/webauthn/options',
    { config: { access: { public: true }, rateLimits: [authTier] }, schema: { tags, summary: 'Answer an mfaToken with a passkey: options', body: schemas.mfaTokenBody } },
    async (request) => webauthn.unsafeSecondFactorOptions(ctx, request.body.mfaToken),
  );

  r.post(
    '/api/v1/auth/mfa/webauthn/verify',
    { config: { access: { public: true }, rateLimits: [authTier] }, schema: { tags, summary: 'Answer an mfaToken with a passkey', body: schemas.secondFactorVerifyBody, response: { 200: tokensResponse } } },
    async (request, reply) => {
      const s = await webauthn.unsafeVerifySecondFactorPasskey(ctx, { ...request.body, trustDevice: request.body.trustDevice ?? false }, requestFacts(request), lookupSessionOwner);
      if (s.trustedDeviceCookie) setTrustedDeviceCookie(reply, s.trustedDeviceCookie);
      return sendSignIn(ctx, request, reply, s);
    },
  );

  r.post(
    '/api/v1/auth/step-up/webauthn/options',
    { config: { access: { orgOptional: true } }, schema: { tags, summary: 'Re-verify with a passkey: options', response: { 200: schemas.ceremonyResponse } } },
    async (request) => webauthn.unsafeStepUpOptions(ctx, principalOf(request).userId),
  );

  r.post(
    '/api/v1/auth/step-up/webauthn/verify',
    { config: { access: { orgOptional: true } }, schema: { tags, summary: 'Re-verify with a passkey in this session', body: schemas.stepUpVerifyBody } },
    async (request, reply) => {
      const p = principalOf(request);
      await webauthn.unsafeStepUpWithPasskey(ctx, { userId: p.userId, sessionId: p.sessionId, orgId: p.orgId }, request.body, requestFacts(request));
      return reply.code(204).send();
    },
  );

  r.post('/api/v1/auth/passkey/options', { config: { access: { public: true }, rateLimits: [authTier] }, schema: { tags, summary: 'Passwordless sign-in: options', response: { 200: schemas.ceremonyResponse } } }, async () =>
    webauthn.unsafePasskeyLoginOptions(ctx),
  );

  r.post(
    '/api/v1/auth/passkey/verify',
    { config: { access: { public: true }, rateLimits: [authTier] }, schema: { tags, summary: 'Passwordless sign-in with a passkey', body: schemas.passkeyVerifyBody, response: { 200: tokensResponse } } },
    async (request, reply) => {
      const s = await webauthn.unsafeVerifyPasskeyLogin(ctx, request.body, requestFacts(request), lookupSessionOwner, chooseOrganizationId);
      return sendSignIn(ctx, request, reply, s);
    },
  );
}
