import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../context/index.ts';
import { accountMail } from '../accounts/index.ts';
import { inAccountTenant, principalOf, requestFacts } from '../access/index.ts';
import { lookupSessionOwner, sendSignIn } from '../sessions/index.ts';
import {
  confirmTotpRoute,
  enrollTotpRoute,
  forgetTrustedDeviceRoute,
  listTrustedDevicesRoute,
  mfaStatusRoute,
  regenerateBackupCodesRoute,
  removeTotpRoute,
  stepUpRoute,
  trustedDeviceCookie,
  verifyMfaRoute,
} from './mfa.schemas.ts';
import * as mfa from './mfa.service.ts';
import * as trustedDevices from './trusted-devices.service.ts';

/** The user an enrollment route acts for: one holding an enrollmentToken, or a signed-in user. */
function enrollingUserId(request: FastifyRequest): string {
  return request.enrollment?.userId ?? principalOf(request).userId;
}

export async function mfaRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post('/api/v1/mfa/totp/enroll', enrollTotpRoute, async (request) => {
    const userId = enrollingUserId(request);
    const result = await mfa.unsafeEnrollTotp(ctx, userId);
    await ctx.audit.record({
      action: 'mfa.totp_enroll_started',
      outcome: 'success',
      orgId: request.principal?.orgId ?? request.enrollment?.orgId ?? null,
      actorId: userId,
      ...requestFacts(request),
    });
    return result;
  });

  r.post('/api/v1/mfa/totp/confirm', confirmTotpRoute, async (request, reply) => {
    const userId = enrollingUserId(request);
    const facts = requestFacts(request);
    const result = await mfa.unsafeConfirmTotp(
      ctx,
      { userId, code: request.body.code, enrollmentToken: request.enrollment?.token ?? null },
      facts,
      lookupSessionOwner,
    );
    const orgId = result.signedIn?.org?.id ?? request.principal?.orgId ?? null;
    await ctx.audit.record({ action: 'mfa.totp_enrolled', outcome: 'success', orgId, actorId: userId, ...facts });
    await mfa.unsafeNotifySecurityChange(ctx, userId, 'an authenticator app was set up');
    if (!result.signedIn) return { backupCodes: result.backupCodes };
    return { backupCodes: result.backupCodes, ...sendSignIn(ctx, request, reply, result.signedIn) };
  });

  r.post('/api/v1/auth/mfa/verify', verifyMfaRoute(ctx.config.rateLimits.authPerMinute), async (request, reply) => {
    const { mfaToken, totp, backupCode, trustDevice } = request.body;
    const s = await mfa.unsafeVerifyLoginFactor(
      ctx,
      { mfaToken, factor: { totp, backupCode }, trustDevice: trustDevice ?? false },
      requestFacts(request),
      lookupSessionOwner,
    );
    if (s.trustedDeviceCookie)
      reply.setCookie(trustedDeviceCookie.name, s.trustedDeviceCookie, trustedDeviceCookie.options);
    return sendSignIn(ctx, request, reply, s);
  });

  r.post('/api/v1/auth/step-up', stepUpRoute, async (request, reply) => {
    const p = principalOf(request);
    await mfa.unsafeStepUp(
      ctx,
      { userId: p.userId, sessionId: p.sessionId, orgId: p.orgId },
      { totp: request.body.totp, backupCode: request.body.backupCode },
      requestFacts(request),
    );
    return reply.code(204).send();
  });

  r.get('/api/v1/mfa', mfaStatusRoute, async (request) => mfa.unsafeFactorStatus(ctx, principalOf(request)));

  r.delete('/api/v1/mfa/totp', removeTotpRoute, async (request, reply) => {
    const p = principalOf(request);
    await mfa.unsafeDisableTotp(ctx, p);
    await ctx.audit.record({
      action: 'mfa.totp_removed',
      outcome: 'success',
      orgId: p.orgId,
      actorId: p.userId,
      ...requestFacts(request),
    });
    ctx.mailer.send(
      accountMail.securityChange(p.identity.email, 'the authenticator app and its backup codes were removed'),
    );
    return reply.code(204).send();
  });

  r.post('/api/v1/mfa/backup-codes/regenerate', regenerateBackupCodesRoute, async (request) => {
    const p = principalOf(request);
    const backupCodes = await mfa.unsafeRegenerateBackupCodes(ctx, p.userId);
    await ctx.audit.record({
      action: 'mfa.backup_codes_regenerated',
      outcome: 'success',
      orgId: p.orgId,
      actorId: p.userId,
      ...requestFacts(request),
    });
    ctx.mailer.send(
      accountMail.securityChange(p.identity.email, 'new backup codes were made; the old ones no longer work'),
    );
    return { backupCodes };
  });

  r.get('/api/v1/mfa/trusted-devices', listTrustedDevicesRoute, async (request) =>
    inAccountTenant(ctx.db, request, (tx, who) => trustedDevices.listTrustedDevices(tx, who.userId, ctx.clock.now())),
  );

  r.delete('/api/v1/mfa/trusted-devices/:id', forgetTrustedDeviceRoute, async (request, reply) => {
    const p = principalOf(request);
    await inAccountTenant(ctx.db, request, (tx, who) =>
      trustedDevices.revokeTrustedDevice(tx, who.userId, request.params.id, ctx.clock.now()),
    );
    await ctx.audit.record({
      action: 'mfa.trusted_device_revoked',
      outcome: 'success',
      orgId: p.orgId,
      actorId: p.userId,
      target: `device:${request.params.id}`,
      ...requestFacts(request),
    });
    return reply.code(204).send();
  });
}
