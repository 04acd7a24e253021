import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../context/index.ts';
import { accountMail } from '../accounts/index.ts';
import { inAccountTenant, principalOf, requestFacts } from '../access/index.ts';
import { chooseOrganizationId, lookupSessionOwner, sendSignIn } from '../sessions/index.ts';
import { trustedDeviceCookie } from './mfa.schemas.ts';
import { unsafeNotifySecurityChange } from './mfa.service.ts';
import * as passkeys from './passkeys.service.ts';
import {
  listPasskeysRoute,
  mfaOptionsRoute,
  mfaVerifyRoute,
  passkeyOptionsRoute,
  passkeyVerifyRoute,
  registerOptionsRoute,
  registerVerifyRoute,
  removePasskeyRoute,
  renamePasskeyRoute,
  stepUpOptionsRoute,
  stepUpVerifyRoute,
} from './webauthn.schemas.ts';
import * as webauthn from './webauthn.service.ts';

function actingUser(request: FastifyRequest): string {
  return request.enrollment?.userId ?? principalOf(request).userId;
}

export async function webauthnRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const authTier = { bucket: 'auth', limit: ctx.config.rateLimits.authPerMinute, windowMs: 60_000 };

  r.post('/api/v1/mfa/webauthn/register/options', registerOptionsRoute, async (request) =>
    webauthn.unsafeRegistrationOptions(ctx, actingUser(request)),
  );

  r.post('/api/v1/mfa/webauthn/register/verify', registerVerifyRoute, async (request, reply) => {
    const userId = actingUser(request);
    const facts = requestFacts(request);
    const result = await webauthn.unsafeRegisterPasskey(
      ctx,
      { userId, enrollmentToken: request.enrollment?.token ?? null, registration: request.body },
      facts,
      lookupSessionOwner,
    );
    await ctx.audit.record({
      action: 'mfa.passkey_registered',
      outcome: 'success',
      orgId: result.signedIn?.org?.id ?? request.principal?.orgId ?? null,
      actorId: userId,
      target: `passkey:${result.credential.id}`,
      ...facts,
    });
    await unsafeNotifySecurityChange(ctx, userId, `a passkey ("${result.credential.name}") was added`);
    reply.code(201);
    if (!result.signedIn) return result.credential;
    return { ...result.credential, ...sendSignIn(ctx, request, reply, result.signedIn) };
  });

  r.get('/api/v1/mfa/webauthn/credentials', listPasskeysRoute, async (request) =>
    inAccountTenant(ctx.db, request, (tx, who) => passkeys.listPasskeys(tx, who.userId)),
  );

  r.patch('/api/v1/mfa/webauthn/credentials/:id', renamePasskeyRoute, async (request, reply) => {
    await inAccountTenant(ctx.db, request, (tx) => passkeys.renamePasskey(tx, request.params.id, request.body.name));
    return reply.code(204).send();
  });

  r.delete('/api/v1/mfa/webauthn/credentials/:id', removePasskeyRoute, async (request, reply) => {
    const p = principalOf(request);
    await passkeys.unsafeRemovePasskey(ctx, p, request.params.id);
    await ctx.audit.record({
      action: 'mfa.passkey_removed',
      outcome: 'success',
      orgId: p.orgId,
      actorId: p.userId,
      target: `passkey:${request.params.id}`,
      ...requestFacts(request),
    });
    ctx.mailer.send(accountMail.securityChange(p.identity.email, 'a passkey was removed'));
    return reply.code(204).send();
  });

  r.post('/api/v1/auth/mfa/webauthn/options', mfaOptionsRoute(authTier), async (request) =>
    webauthn.unsafeSecondFactorOptions(ctx, request.body.mfaToken),
  );

  r.post('/api/v1/auth/mfa/webauthn/verify', mfaVerifyRoute(authTier), async (request, reply) => {
    const s = await webauthn.unsafeVerifySecondFactorPasskey(
      ctx,
      { ...request.body, trustDevice: request.body.trustDevice ?? false },
      requestFacts(request),
      lookupSessionOwner,
    );
    if (s.trustedDeviceCookie)
      reply.setCookie(trustedDeviceCookie.name, s.trustedDeviceCookie, trustedDeviceCookie.options);
    return sendSignIn(ctx, request, reply, s);
  });

  r.post('/api/v1/auth/step-up/webauthn/options', stepUpOptionsRoute, async (request) =>
    webauthn.unsafeStepUpOptions(ctx, principalOf(request).userId),
  );

  r.post('/api/v1/auth/step-up/webauthn/verify', stepUpVerifyRoute, async (request, reply) => {
    const p = principalOf(request);
    await webauthn.unsafeStepUpWithPasskey(
      ctx,
      { userId: p.userId, sessionId: p.sessionId, orgId: p.orgId },
      request.body,
      requestFacts(request),
    );
    return reply.code(204).send();
  });

  r.post('/api/v1/auth/passkey/options', passkeyOptionsRoute(authTier), async () =>
    webauthn.unsafePasskeyLoginOptions(ctx),
  );

  r.post('/api/v1/auth/passkey/verify', passkeyVerifyRoute(authTier), async (request, reply) => {
    const s = await webauthn.unsafeVerifyPasskeyLogin(
      ctx,
      request.body,
      requestFacts(request),
      lookupSessionOwner,
      chooseOrganizationId,
    );
    return sendSignIn(ctx, request, reply, s);
  });
}
