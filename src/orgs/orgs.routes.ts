import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context/index.ts';
import { inRequestTenant, principalOf, RECENT_FACTOR, requestFacts } from '../access/index.ts';
import * as schemas from './orgs.schemas.ts';
import * as service from './orgs.service.ts';

// Administration needs a second factor verified in this session within 12 hours.
const ADMIN = { roles: ['org_admin' as const], recentFactorMs: RECENT_FACTOR.admin };

export async function orgsRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['organizations'];

  r.post(
    '/api/v1/orgs',
    { config: { access: { superAdmin: true, orgOptional: true, recentFactorMs: RECENT_FACTOR.admin } }, schema: { tags, summary: 'Open an organization (super_admin)', body: schemas.createOrgBody, response: { 201: z.object({ id: z.uuid() }) } } },
    async (request, reply) => {
      const p = principalOf(request);
      const id = await service.unsafeCreateOrganization(ctx, p.userId, request.body, requestFacts(request));
      return reply.code(201).send({ id });
    },
  );

  r.post(
    '/api/v1/orgs/:orgId/invitations',
    {
      config: { access: ADMIN },
      schema: { tags, summary: 'Invite someone by email', params: schemas.orgIdParams, body: schemas.inviteBody, response: { 201: z.object({ id: z.uuid(), expiresAt: z.string() }) } },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const inv = await inRequestTenant(ctx.db, request, (tx, actor) => service.inviteMember(tx, ctx, actor, request.params.orgId, request.body));
      ctx.mailer.send(inv.mail);
      await ctx.audit.record({ action: 'member.invite', outcome: 'success', orgId: p.orgId, actorId: p.userId, target: `invitation:${inv.id}`, details: { role: request.body.role }, ...requestFacts(request) });
      return reply.code(201).send({ id: inv.id, expiresAt: inv.expiresAt });
    },
  );

  r.post(
    '/api/v1/invitations/accept',
    {
      config: { access: { public: true, identify: true }, rateLimits: [{ bucket: 'auth', limit: ctx.config.rateLimits.authPerMinute, windowMs: 60_000 }] },
      schema: { tags, summary: 'Accept an invitation', body: schemas.acceptInvitationBody, response: { 200: z.object({ userId: z.uuid(), orgId: z.uuid() }) } },
    },
    async (request) => service.unsafeAcceptInvitation(ctx, request.body, request.principal?.userId ?? null, requestFacts(request)),
  );

  r.get(
    '/api/v1/orgs/:orgId/members',
    { config: { access: ADMIN }, schema: { tags, summary: 'Members and roles', params: schemas.orgIdParams, response: { 200: schemas.membersResponse } } },
    async (request) => ({ members: await inRequestTenant(ctx.db, request, (tx, actor) => service.listMembers(tx, actor, request.params.orgId)) }),
  );

  r.patch(
    '/api/v1/orgs/:orgId/members/:userId',
    { config: { access: ADMIN }, schema: { tags, summary: "Change a member's role", params: schemas.memberParams, body: schemas.updateMemberBody, response: { 200: schemas.memberView } } },
    async (request) => {
      const p = principalOf(request);
      const { previousRole, ...member } = await inRequestTenant(ctx.db, request, (tx, actor) => service.changeMemberRole(tx, actor, request.params.orgId, request.params.userId, request.body.role));
      await ctx.audit.record({ action: 'member.role_change', outcome: 'success', orgId: p.orgId, actorId: p.userId, target: `user:${member.userId}`, details: { from: previousRole, to: member.role }, ...requestFacts(request) });
      return member;
    },
  );

  r.get(
    '/api/v1/orgs/:orgId/settings',
    { config: { access: ADMIN }, schema: { tags, summary: 'Security settings of the organization', params: schemas.orgIdParams, response: { 200: schemas.orgSettingsResponse } } },
    async (request) => inRequestTenant(ctx.db, request, (tx, actor) => service.getSettings(tx, actor, request.params.orgId)),
  );

  r.patch(
    '/api/v1/orgs/:orgId/settings',
    {
      config: { access: ADMIN },
      schema: { tags, summary: 'Tighten security settings: MFA for more roles, idle timeout, one session per user', params: schemas.orgIdParams, body: schemas.orgSettingsBody, response: { 200: schemas.orgSettingsResponse } },
    },
    async (request) => {
      const p = principalOf(request);
      const { before, after } = await inRequestTenant(ctx.db, request, (tx, actor) => service.updateSettings(tx, actor, request.params.orgId, request.body));
      await ctx.audit.record({
        action: 'org.settings_change',
        outcome: 'success',
        orgId: p.orgId,
        actorId: p.userId,
        target: `org:${request.params.orgId}`,
        details: { mfaRequiredRoles: after.mfaRequiredRoles.join(','), idleTimeoutMinutes: after.idleTimeoutMinutes, singleSession: after.singleSession, previousIdle: before.idleTimeoutMinutes },
        ...requestFacts(request),
      });
      return after;
    },
  );

  r.post(
    '/api/v1/admin/users/:userId/unlock',
    { config: { access: ADMIN }, schema: { tags: ['admin'], summary: "Lift a member's sign-in lock", params: schemas.userIdParams } },
    async (request, reply) => {
      const p = principalOf(request);
      // Named under RLS first, so only a member of the admin's organization can be unlocked.
      const email = await inRequestTenant(ctx.db, request, (tx, actor) => service.memberEmail(tx, actor, request.params.userId));
      await service.unsafeClearSignInLock(ctx, email);
      await ctx.audit.record({ action: 'admin.unlock', outcome: 'success', orgId: p.orgId, actorId: p.userId, target: `user:${request.params.userId}`, ...requestFacts(request) });
      return reply.code(204).send();
    },
  );

  r.post(
    '/api/v1/admin/users/:userId/logout',
    { config: { access: ADMIN }, schema: { tags: ['admin'], summary: "End a member's sessions in this organization", params: schemas.userIdParams } },
    async (request, reply) => {
      const p = principalOf(request);
      const ended = await inRequestTenant(ctx.db, request, (tx, actor) => service.forceLogoutMember(tx, ctx, actor, request.params.userId));
      await ctx.audit.record({ action: 'admin.force_logout', outcome: 'success', orgId: p.orgId, actorId: p.userId, target: `user:${request.params.userId}`, details: { sessionsEnded: ended }, ...requestFacts(request) });
      return reply.code(204).send();
    },
  );
}
