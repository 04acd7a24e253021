import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context/index.ts';
import { requestFacts } from '../access/index.ts';
import { principalOf } from '../access/index.ts';
import { withTenant } from '../platform/db/index.ts';
import * as schemas from './orgs.schemas.ts';
import * as service from './orgs.service.ts';
import { RECENT_FACTOR } from '../access/index.ts';

// Administration needs a second factor verified in this session within 12 hours.
const ADMIN = { roles: ['org_admin' as const], recentFactorMs: RECENT_FACTOR.admin };

export async function orgsRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['organizations'];
  const actorOf = (p: { orgId: string | null; userId: string }) => ({ orgId: p.orgId ?? '', userId: p.userId });

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
      const inv = await withTenant(ctx.db, p, (tx) => service.inviteMember(ctx, tx, actorOf(p), request.params.orgId, request.body));
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
    async (request) => {
      const p = principalOf(request);
      return { members: await withTenant(ctx.db, p, (tx) => service.listMembers(tx, actorOf(p), request.params.orgId)) };
    },
  );

  r.patch(
    '/api/v1/orgs/:orgId/members/:userId',
    { config: { access: ADMIN }, schema: { tags, summary: "Change a member's role", params: schemas.memberParams, body: schemas.updateMemberBody, response: { 200: schemas.memberView } } },
    async (request) => {
      const p = principalOf(request);
      const { previousRole, ...member } = await withTenant(ctx.db, p, (tx) => service.changeMemberRole(tx, actorOf(p), request.params.orgId, request.params.userId, request.body.role));
      await ctx.audit.record({ action: 'member.role_change', outcome: 'success', orgId: p.orgId, actorId: p.userId, target: `user:${member.userId}`, details: { from: previousRole, to: member.role }, ...requestFacts(request) });
      return member;
    },
  );

  r.get(
    '/api/v1/orgs/:orgId/settings',
    { config: { access: ADMIN }, schema: { tags, summary: 'Security settings of the organization', params: schemas.orgIdParams, response: { 200: schemas.orgSettingsResponse } } },
    async (request) => {
      const p = principalOf(request);
      return withTenant(ctx.db, p, (tx) => service.getSettings(tx, actorOf(p), request.params.orgId));
    },
  );

  r.patch(
    '/api/v1/orgs/:orgId/settings',
    {
      config: { access: ADMIN },
      schema: { tags, summary: 'Tighten security settings: MFA for more roles, idle timeout, one session per user', params: schemas.orgIdParams, body: schemas.orgSettingsBody, response: { 200: schemas.orgSettingsResponse } },
    },
    async (request) => {
      const p = principalOf(request);
      const { before, after } = await withTenant(ctx.db, p, (tx) => service.updateSettings(tx, actorOf(p), request.params.orgId, request.body));
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
      await service.unlockMember(ctx, actorOf(p), request.params.userId);
      await ctx.audit.record({ action: 'admin.unlock', outcome: 'success', orgId: p.orgId, actorId: p.userId, target: `user:${request.params.userId}`, ...requestFacts(request) });
      return reply.code(204).send();
    },
  );

  r.post(
    '/api/v1/admin/users/:userId/logout',
    { config: { access: ADMIN }, schema: { tags: ['admin'], summary: "End a member's sessions in this organization", params: schemas.userIdParams } },
    async (request, reply) => {
      const p = principalOf(request);
      const ended = await withTenant(ctx.db, p, (tx) => service.forceLogoutMember(ctx, tx, actorOf(p), request.params.userId));
      await ctx.audit.record({ action: 'admin.force_logout', outcome: 'success', orgId: p.orgId, actorId: p.userId, target: `user:${request.params.userId}`, details: { sessionsEnded: ended }, ...requestFacts(request) });
      return reply.code(204).send();
    },
  );
}
