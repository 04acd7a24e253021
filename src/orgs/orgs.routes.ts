import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../context/index.ts';
import { inRequestTenant, principalOf, requestFacts } from '../access/index.ts';
import {
  acceptInvitationRoute,
  createOrgRoute,
  getOrgSettingsRoute,
  inviteRoute,
  listInvitationsRoute,
  listMembersRoute,
  logoutUserRoute,
  reactivateMemberRoute,
  removeMemberRoute,
  revokeInvitationRoute,
  suspendMemberRoute,
  unlockUserRoute,
  updateMemberRoute,
  updateOrgSettingsRoute,
} from './orgs.schemas.ts';
import * as service from './orgs.service.ts';

export async function orgsRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post('/api/v1/orgs', createOrgRoute, async (request, reply) => {
    const p = principalOf(request);
    const id = await service.unsafeCreateOrganization(ctx, p.userId, request.body, requestFacts(request));
    return reply.code(201).send({ id });
  });

  r.post('/api/v1/orgs/:orgId/invitations', inviteRoute, async (request, reply) => {
    const p = principalOf(request);
    const inv = await inRequestTenant(ctx.db, request, (tx, actor) =>
      service.inviteMember(tx, ctx, actor, request.params.orgId, request.body),
    );
    ctx.mailer.send(inv.mail);
    await ctx.audit.record({
      action: 'member.invite',
      outcome: 'success',
      orgId: p.orgId,
      actorId: p.userId,
      target: `invitation:${inv.id}`,
      details: { role: request.body.role },
      ...requestFacts(request),
    });
    return reply.code(201).send({ id: inv.id, expiresAt: inv.expiresAt });
  });

  r.post('/api/v1/invitations/accept', acceptInvitationRoute(ctx.config.rateLimits.authPerMinute), async (request) =>
    service.unsafeAcceptInvitation(ctx, request.body, request.principal?.userId ?? null, requestFacts(request)),
  );

  r.get('/api/v1/orgs/:orgId/members', listMembersRoute, async (request) => ({
    members: await inRequestTenant(ctx.db, request, (tx, actor) =>
      service.listMembers(tx, actor, request.params.orgId),
    ),
  }));

  r.patch('/api/v1/orgs/:orgId/members/:userId', updateMemberRoute, async (request) => {
    const p = principalOf(request);
    const { previousRole, ...member } = await inRequestTenant(ctx.db, request, (tx, actor) =>
      service.changeMemberRole(tx, actor, request.params.orgId, request.params.userId, request.body.role),
    );
    await ctx.audit.record({
      action: 'member.role_change',
      outcome: 'success',
      orgId: p.orgId,
      actorId: p.userId,
      target: `user:${member.userId}`,
      details: { from: previousRole, to: member.role },
      ...requestFacts(request),
    });
    return member;
  });

  // --- offboarding: every act is audited after its transaction committed ---

  r.delete('/api/v1/orgs/:orgId/members/:userId', removeMemberRoute, async (request, reply) => {
    const { orgId, userId } = request.params;
    const removed = await inRequestTenant(ctx.db, request, (tx, actor) =>
      service.removeMember(tx, ctx, actor, orgId, userId),
    );
    await ctx.audit.record({
      action: 'member.remove',
      outcome: 'success',
      orgId,
      actorId: principalOf(request).userId,
      target: `user:${userId}`,
      details: removed,
      ...requestFacts(request),
    });
    return reply.code(204).send();
  });

  r.post('/api/v1/orgs/:orgId/members/:userId/suspend', suspendMemberRoute, async (request, reply) => {
    const { orgId, userId } = request.params;
    const suspended = await inRequestTenant(ctx.db, request, (tx, actor) =>
      service.suspendMember(tx, ctx, actor, orgId, userId),
    );
    await ctx.audit.record({
      action: 'member.suspend',
      outcome: 'success',
      orgId,
      actorId: principalOf(request).userId,
      target: `user:${userId}`,
      details: suspended,
      ...requestFacts(request),
    });
    return reply.code(204).send();
  });

  r.post('/api/v1/orgs/:orgId/members/:userId/reactivate', reactivateMemberRoute, async (request, reply) => {
    const { orgId, userId } = request.params;
    const reactivated = await inRequestTenant(ctx.db, request, (tx, actor) =>
      service.reactivateMember(tx, actor, orgId, userId),
    );
    await ctx.audit.record({
      action: 'member.reactivate',
      outcome: 'success',
      orgId,
      actorId: principalOf(request).userId,
      target: `user:${userId}`,
      details: reactivated,
      ...requestFacts(request),
    });
    return reply.code(204).send();
  });

  r.get('/api/v1/orgs/:orgId/invitations', listInvitationsRoute, async (request) => ({
    invitations: await inRequestTenant(ctx.db, request, (tx, actor) =>
      service.listPendingInvitations(tx, ctx, actor, request.params.orgId),
    ),
  }));

  r.delete('/api/v1/orgs/:orgId/invitations/:id', revokeInvitationRoute, async (request, reply) => {
    const { orgId, id } = request.params;
    const revoked = await inRequestTenant(ctx.db, request, (tx, actor) =>
      service.revokeInvitation(tx, ctx, actor, orgId, id),
    );
    // A second revoke of the same invitation answers 204 too, but is not an event.
    if (revoked)
      await ctx.audit.record({
        action: 'invitation.revoke',
        outcome: 'success',
        orgId,
        actorId: principalOf(request).userId,
        target: `invitation:${id}`,
        details: revoked,
        ...requestFacts(request),
      });
    return reply.code(204).send();
  });

  r.get('/api/v1/orgs/:orgId/settings', getOrgSettingsRoute, async (request) =>
    inRequestTenant(ctx.db, request, (tx, actor) => service.getSettings(tx, actor, request.params.orgId)),
  );

  r.patch('/api/v1/orgs/:orgId/settings', updateOrgSettingsRoute, async (request) => {
    const p = principalOf(request);
    const { before, after } = await inRequestTenant(ctx.db, request, (tx, actor) =>
      service.updateSettings(tx, actor, request.params.orgId, request.body),
    );
    await ctx.audit.record({
      action: 'org.settings_change',
      outcome: 'success',
      orgId: p.orgId,
      actorId: p.userId,
      target: `org:${request.params.orgId}`,
      details: {
        mfaRequiredRoles: after.mfaRequiredRoles.join(','),
        idleTimeoutMinutes: after.idleTimeoutMinutes,
        singleSession: after.singleSession,
        previousIdle: before.idleTimeoutMinutes,
      },
      ...requestFacts(request),
    });
    return after;
  });

  r.post('/api/v1/admin/users/:userId/unlock', unlockUserRoute, async (request, reply) => {
    const p = principalOf(request);
    // Named under RLS first, so only a member of the admin's organization can be unlocked.
    const email = await inRequestTenant(ctx.db, request, (tx, actor) =>
      service.memberEmail(tx, actor, request.params.userId),
    );
    await service.unsafeClearSignInLock(ctx, email);
    await ctx.audit.record({
      action: 'admin.unlock',
      outcome: 'success',
      orgId: p.orgId,
      actorId: p.userId,
      target: `user:${request.params.userId}`,
      ...requestFacts(request),
    });
    return reply.code(204).send();
  });

  r.post('/api/v1/admin/users/:userId/logout', logoutUserRoute, async (request, reply) => {
    const p = principalOf(request);
    const ended = await inRequestTenant(ctx.db, request, (tx, actor) =>
      service.forceLogoutMember(tx, ctx, actor, request.params.userId),
    );
    await ctx.audit.record({
      action: 'admin.force_logout',
      outcome: 'success',
      orgId: p.orgId,
      actorId: p.userId,
      target: `user:${request.params.userId}`,
      details: { sessionsEnded: ended },
      ...requestFacts(request),
    });
    return reply.code(204).send();
  });
}
