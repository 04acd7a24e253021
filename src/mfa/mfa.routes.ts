import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../context/index.ts';
import { accountMail } from '../accounts/index.ts';
import { sendSignIn } from '../sessions/index.ts';
import { tokensResponse } from '../sessions/index.ts';
import { lookupSessionOwner } from '../sessions/index.ts';
import { requestFacts } from '../access/index.ts';
import { principalOf } from '../access/index.ts';
import { AppError } from '../platform/errors.ts';
import { unsafeWithOwner, withTenant } from '../platform/db/index.ts';
import * as repo from './mfa.repository.ts';
import * as schemas from './mfa.schemas.ts';
import * as mfa from './mfa.service.ts';
import { RECENT_FACTOR, mfaRequiredFor } from '../access/index.ts';
import { setTrustedDeviceCookie } from './trusted-device.ts';

/** Mails the account owner about a change to their sign-in factors. */
export async function notifySecurityChange(ctx: AppContext, userId: string, what: string): Promise<void> {
  const user = await unsafeWithOwner(ctx.db, (tx) => tx.selectFrom('chambers.users').select('email').where('id', '=', userId).executeTakeFirst());
  if (user) ctx.mailer.send(accountMail.securityChange(user.email, what));
}

/** The user an enrollment route acts for: a signed-in user, or one holding an enrollmentToken. */
function enrollingUser(request: FastifyRequest): { userId: string; viaEnrollment: boolean } {
  if (request.enrollment) return { userId: request.enrollment.userId, viaEnrollment: true };
  return { userId: principalOf(request).userId, viaEnrollment: false };
}

export async function mfaRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['mfa'];
  const enrollAccess = { access: { orgOptional: true, allowEnrollment: true } };

  r.post('/api/v1/mfa/totp/enroll', { config: enrollAccess, schema: { tags, summary: 'Start setting up an authenticator app', response: { 200: schemas.enrollResponse } } }, async (request) => {
    const { userId } = enrollingUser(request);
    const user = await unsafeWithOwner(ctx.db, (tx) => tx.selectFrom('chambers.users').select(['id', 'email']).where('id', '=', userId).executeTakeFirstOrThrow());
    const result = await mfa.unsafeEnrollTotp(ctx, user);
    await ctx.audit.record({ action: 'mfa.totp_enroll_started', outcome: 'success', orgId: request.principal?.orgId ?? request.enrollment?.orgId ?? null, actorId: userId, ...requestFacts(request) });
    return result;
  });

  r.post(
    '/api/v1/mfa/totp/confirm',
    { config: enrollAccess, schema: { tags, summary: 'Confirm the authenticator with one code; returns backup codes', body: schemas.confirmBody, response: { 200: schemas.confirmResponse } } },
    async (request, reply) => {
      const { userId, viaEnrollment } = enrollingUser(request);
      const facts = requestFacts(request);
      const result = await unsafeWithOwner(ctx.db, async (tx) => {
        const backupCodes = await mfa.unsafeConfirmTotp(ctx, tx, userId, request.body.code);
        if (!viaEnrollment || !request.enrollment) return { backupCodes, signedIn: null };
        // Enrolling was the last step of a sign-in: finish it.
        const challenge = await mfa.liveChallenge(ctx, tx, request.enrollment.token, 'enrollment');
        await repo.consumeChallenge(tx, challenge.id, ctx.clock.now());
        const owner = await lookupSessionOwner(tx, userId, challenge.org_id);
        if (!owner) throw new AppError('MFA_TOKEN_INVALID');
        return { backupCodes, signedIn: await mfa.finishSignIn(ctx, tx, owner, facts, ['pwd', 'otp'], false) };
      });
      const orgId = result.signedIn?.org?.id ?? request.principal?.orgId ?? null;
      await ctx.audit.record({ action: 'mfa.totp_enrolled', outcome: 'success', orgId, actorId: userId, ...facts });
      await notifySecurityChange(ctx, userId, 'an authenticator app was set up');
      if (!result.signedIn) return { backupCodes: result.backupCodes };
      const s = result.signedIn;
      const tokens = sendSignIn(ctx, request, reply, s);
      return { backupCodes: result.backupCodes, ...tokens };
    },
  );

  r.post(
    '/api/v1/auth/mfa/verify',
    {
      config: { access: { public: true }, rateLimits: [{ bucket: 'auth', limit: ctx.config.rateLimits.authPerMinute, windowMs: 60_000 }] },
      schema: { tags, summary: 'Second step of sign-in: a TOTP or backup code', body: schemas.verifyBody, response: { 200: tokensResponse } },
    },
    async (request, reply) => {
      const { mfaToken, totp, backupCode, trustDevice } = request.body;
      const s = await mfa.unsafeVerifyLoginFactor(ctx, { mfaToken, factor: { totp, backupCode }, trustDevice: trustDevice ?? false }, requestFacts(request), lookupSessionOwner);
      if (s.trustedDeviceCookie) setTrustedDeviceCookie(reply, s.trustedDeviceCookie);
      return sendSignIn(ctx, request, reply, s);
    },
  );

  r.post(
    '/api/v1/auth/step-up',
    { config: { access: { orgOptional: true } }, schema: { tags, summary: 'Re-verify a second factor in this session', body: schemas.stepUpBody } },
    async (request, reply) => {
      const p = principalOf(request);
      await mfa.unsafeStepUp(ctx, { userId: p.userId, sessionId: p.sessionId, orgId: p.orgId }, { totp: request.body.totp, backupCode: request.body.backupCode }, requestFacts(request));
      return reply.code(204).send();
    },
  );

  r.get('/api/v1/mfa', { config: { access: { orgOptional: true } }, schema: { tags, summary: 'Your second factors', response: { 200: schemas.mfaStatusResponse } } }, async (request) => {
    const p = principalOf(request);
    const summary = await unsafeWithOwner(ctx.db, async (tx) => ({
      ...(await repo.factorSummary(tx, p.userId)),
      extraRoles: p.orgId ? await repo.orgMfaRoles(tx, p.orgId) : [],
    }));
    return { totp: summary.totp, webauthn: summary.webauthn, backupCodesLeft: summary.backupCodesLeft, required: mfaRequiredFor(p, p.role, summary.extraRoles) };
  });

  r.delete(
    '/api/v1/mfa/totp',
    { config: { access: { orgOptional: true, recentFactorMs: RECENT_FACTOR.sensitive } }, schema: { tags, summary: 'Remove the authenticator app (and its backup codes)' } },
    async (request, reply) => {
      const p = principalOf(request);
      const extraRoles = p.orgId ? await unsafeWithOwner(ctx.db, (tx) => repo.orgMfaRoles(tx, p.orgId!)) : [];
      await mfa.unsafeDisableTotp(ctx, p.userId, mfaRequiredFor(p, p.role, extraRoles));
      await ctx.audit.record({ action: 'mfa.totp_removed', outcome: 'success', orgId: p.orgId, actorId: p.userId, ...requestFacts(request) });
      ctx.mailer.send(accountMail.securityChange(p.identity.email, 'the authenticator app and its backup codes were removed'));
      return reply.code(204).send();
    },
  );

  r.post(
    '/api/v1/mfa/backup-codes/regenerate',
    { config: { access: { orgOptional: true, recentFactorMs: RECENT_FACTOR.sensitive } }, schema: { tags, summary: 'Ten new backup codes; the old ones stop working', response: { 200: schemas.backupCodesResponse } } },
    async (request) => {
      const p = principalOf(request);
      const backupCodes = await mfa.unsafeRegenerateBackupCodes(ctx, p.userId);
      await ctx.audit.record({ action: 'mfa.backup_codes_regenerated', outcome: 'success', orgId: p.orgId, actorId: p.userId, ...requestFacts(request) });
      ctx.mailer.send(accountMail.securityChange(p.identity.email, 'new backup codes were made; the old ones no longer work'));
      return { backupCodes };
    },
  );

  r.get(
    '/api/v1/mfa/trusted-devices',
    { config: { access: { orgOptional: true } }, schema: { tags, summary: 'Devices that skip the second factor', response: { 200: schemas.trustedDevicesResponse } } },
    async (request) => {
      const p = principalOf(request);
      const rows = await withTenant(ctx.db, p, (tx) => repo.listTrustedDevices(tx, p.userId, ctx.clock.now()));
      return {
        devices: rows.map((d) => ({
          id: d.id,
          createdAt: new Date(d.created_at).toISOString(),
          expiresAt: new Date(d.expires_at).toISOString(),
          lastUsedAt: d.last_used_at ? new Date(d.last_used_at).toISOString() : null,
          ip: d.ip,
          userAgent: d.user_agent,
        })),
      };
    },
  );

  r.delete(
    '/api/v1/mfa/trusted-devices/:id',
    { config: { access: { orgOptional: true } }, schema: { tags, summary: 'Stop trusting a device', params: schemas.deviceIdParams } },
    async (request, reply) => {
      const p = principalOf(request);
      const n = await withTenant(ctx.db, p, (tx) => repo.revokeTrustedDevices(tx, p.userId, ctx.clock.now(), request.params.id));
      if (n === 0) throw new AppError('NOT_FOUND');
      await ctx.audit.record({ action: 'mfa.trusted_device_revoked', outcome: 'success', orgId: p.orgId, actorId: p.userId, target: `device:${request.params.id}`, ...requestFacts(request) });
      return reply.code(204).send();
    },
  );
}
