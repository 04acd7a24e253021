import type { AppContext } from '../context/index.ts';
import type { RequestFacts } from '../access/index.ts';
import { accountMail, accountRepository as accounts, hashPassword, checkPasswordPolicy } from '../accounts/index.ts';
import { AppError, notFound } from '../platform/errors.ts';
import { randomToken, sha256Hex } from '../platform/crypto-basics.ts';
import { type MemberRole, unsafeWithOwner, type Tx } from '../platform/db/index.ts';
import { revokeMembershipSessions } from '../sessions/index.ts';
import * as repo from './orgs.repository.ts';

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

type Actor = { orgId: string; userId: string };

/** Platform act: a super_admin opens an organization and becomes its first org_admin. */
export async function unsafeCreateOrganization(
  ctx: AppContext,
  actorId: string,
  input: { name: string; kind: 'firm' | 'court' },
  facts: RequestFacts,
): Promise<string> {
  const id = await unsafeWithOwner(ctx.db, async (tx) => {
    const orgId = await repo.insertOrganizationOwner(tx, input);
    await accounts.insertMembership(tx, { orgId, userId: actorId, role: 'org_admin' });
    return orgId;
  });
  await ctx.audit.record({
    action: 'org.create',
    outcome: 'success',
    orgId: id,
    actorId,
    target: `org:${id}`,
    details: { kind: input.kind },
    ...facts,
  });
  return id;
}

/** Path ids must name the caller's own organization; any other looks missing. */
function assertOwnOrg(actor: Actor, orgId: string): void {
  if (actor.orgId !== orgId) throw notFound();
}

export async function inviteMember(
  tx: Tx,
  ctx: AppContext,
  actor: Actor,
  orgId: string,
  input: { email: string; role: MemberRole },
) {
  assertOwnOrg(actor, orgId);
  const token = randomToken(32);
  const row = await repo.insertInvitation(tx, {
    orgId,
    email: input.email,
    role: input.role,
    tokenHash: sha256Hex(token),
    invitedBy: actor.userId,
    expiresAt: new Date(ctx.clock.now().getTime() + INVITATION_TTL_MS),
  });
  const name = (await repo.orgName(tx, orgId)) ?? 'an organization';
  return {
    id: row.id,
    expiresAt: new Date(row.expires_at).toISOString(),
    mail: accountMail.invitation(input.email, name, input.role, `${ctx.config.publicUrl}/invite?token=${token}`),
  };
}

/**
 * Accepting is authorized by the token alone for a new address; an existing
 * account must also be signed in, so a leaked link cannot add someone else's account.
 */
export async function unsafeAcceptInvitation(
  ctx: AppContext,
  input: { token: string; name?: string; password?: string },
  signedInUserId: string | null,
  facts: RequestFacts,
): Promise<{ userId: string; orgId: string }> {
  const now = ctx.clock.now();
  const tokenHash = sha256Hex(input.token);
  const peek = await unsafeWithOwner(ctx.db, async (tx) => {
    const inv = await repo.lockInvitationByTokenOwner(tx, tokenHash);
    return inv ? { inv, user: await accounts.findUserByEmail(tx, inv.email) } : null;
  });
  if (!peek || !invitationOpen(peek.inv, now)) throw new AppError('INVITATION_INVALID');
  let passwordHash: string | null = null;
  if (!peek.user) {
    if (!input.name || !input.password)
      throw new AppError('VALIDATION_FAILED', 'a new account needs name and password');
    const policy = checkPasswordPolicy(input.password, peek.inv.email);
    if (!policy.ok) throw new AppError('PASSWORD_WEAK', undefined, { body: { reason: policy.reason } });
    passwordHash = await hashPassword(input.password);
  } else if (signedInUserId !== peek.user.id) {
    throw new AppError('UNAUTHENTICATED', 'sign in as the invited account to accept');
  }
  const result = await unsafeWithOwner(ctx.db, async (tx) => {
    const inv = await repo.lockInvitationByTokenOwner(tx, tokenHash);
    if (!inv || !invitationOpen(inv, now)) throw new AppError('INVITATION_INVALID');
    const existing = await accounts.findUserByEmail(tx, inv.email);
    const userId =
      existing?.id ??
      (await accounts.insertVerifiedUser(tx, {
        email: inv.email,
        name: input.name ?? inv.email,
        passwordHash: passwordHash ?? '',
      }));
    // An invitation never changes an existing membership: a role changes only through the role route and its rules.
    if (existing && (await accounts.listMemberships(tx, existing.id)).some((m) => m.id === inv.org_id)) {
      throw new AppError('CONFLICT', 'you are already a member of this organization; an administrator changes roles');
    }
    if (existing && !existing.email_verified_at) await accounts.markEmailVerified(tx, inv.email);
    await accounts.insertMembership(tx, { orgId: inv.org_id, userId, role: inv.role });
    await repo.markInvitationAcceptedOwner(tx, inv.id, userId);
    return { userId, orgId: inv.org_id, role: inv.role };
  });
  await ctx.audit.record({
    action: 'member.join',
    outcome: 'success',
    orgId: result.orgId,
    actorId: result.userId,
    target: `user:${result.userId}`,
    details: { role: result.role },
    ...facts,
  });
  return { userId: result.userId, orgId: result.orgId };
}

/** An invitation's token still opens it: not accepted, not withdrawn by an admin, not expired. */
function invitationOpen(
  inv: { accepted_at: Date | null; revoked_at: Date | null; expires_at: Date | string },
  now: Date,
): boolean {
  return !inv.accepted_at && !inv.revoked_at && new Date(inv.expires_at) > now;
}

type MemberRow = NonNullable<Awaited<ReturnType<typeof repo.findMember>>>;

function memberView(m: MemberRow) {
  return {
    userId: m.user_id,
    email: m.email,
    name: m.name,
    role: m.role,
    createdAt: new Date(m.created_at).toISOString(),
    suspendedAt: m.suspended_at ? new Date(m.suspended_at).toISOString() : null,
  };
}

export async function listMembers(tx: Tx, actor: Actor, orgId: string) {
  assertOwnOrg(actor, orgId);
  return (await repo.listMembers(tx, orgId)).map(memberView);
}

export async function changeMemberRole(tx: Tx, actor: Actor, orgId: string, userId: string, role: MemberRole) {
  assertOwnOrg(actor, orgId);
  const member = await repo.findMember(tx, orgId, userId);
  if (!member) throw notFound();
  if (member.role === 'org_admin' && role !== 'org_admin' && (await isLastActiveAdmin(tx, orgId, userId))) {
    throw new AppError('CONFLICT', 'an organization keeps at least one org_admin');
  }
  await repo.setMemberRole(tx, orgId, userId, role);
  return { ...memberView(member), role, previousRole: member.role };
}

/** Would the organization be left with no active org_admin without this member? (Locks the admins' rows.) */
async function isLastActiveAdmin(tx: Tx, orgId: string, userId: string): Promise<boolean> {
  const active = await repo.lockActiveAdmins(tx, orgId);
  return active.length === 0 || (active.length === 1 && active[0] === userId);
}

/** The member an offboarding act names, in the admin's own organization; anything else looks missing. */
async function offboardingTarget(tx: Tx, actor: Actor, orgId: string, userId: string): Promise<MemberRow> {
  assertOwnOrg(actor, orgId);
  const member = await repo.findMember(tx, orgId, userId);
  if (!member) throw notFound();
  return member;
}

/**
 * Ends a membership: every session of the member in this organization ends in the same
 * transaction, so their access and refresh tokens are refused from the next request on
 * (chambers.authenticate_session also finds no membership). Their account, their other
 * memberships and what they authored here stay.
 */
export async function removeMember(
  tx: Tx,
  ctx: AppContext,
  actor: Actor,
  orgId: string,
  userId: string,
): Promise<{ role: MemberRole; sessionsEnded: number }> {
  const member = await offboardingTarget(tx, actor, orgId, userId);
  if (member.role === 'org_admin' && !member.suspended_at && (await isLastActiveAdmin(tx, orgId, userId)))
    throw new AppError('LAST_ADMIN');
  const sessionsEnded = await revokeMembershipSessions(tx, {
    orgId,
    userId,
    reason: 'membership_removed',
    at: ctx.clock.now(),
  });
  await repo.deleteMember(tx, orgId, userId);
  return { role: member.role, sessionsEnded };
}

/**
 * Suspends a membership: it stays (role, history) but opens nothing. Its sessions end now,
 * and sign-in or switch-org into this organization answers 403 MEMBER_SUSPENDED until an
 * org_admin reactivates it. Unlike a force sign-out, the member cannot just sign in again.
 */
export async function suspendMember(
  tx: Tx,
  ctx: AppContext,
  actor: Actor,
  orgId: string,
  userId: string,
): Promise<{ role: MemberRole; sessionsEnded: number }> {
  const member = await offboardingTarget(tx, actor, orgId, userId);
  if (member.role === 'org_admin' && !member.suspended_at && (await isLastActiveAdmin(tx, orgId, userId)))
    throw new AppError('LAST_ADMIN');
  // Another administrator suspends you; leaving is removal.
  if (userId === actor.userId) throw new AppError('CONFLICT', 'you cannot suspend yourself');
  const at = ctx.clock.now();
  // Suspending twice keeps the first time and author; the sessions are ended again all the same.
  if (!member.suspended_at) await repo.setMemberSuspension(tx, orgId, userId, { at, by: actor.userId });
  const sessionsEnded = await revokeMembershipSessions(tx, { orgId, userId, reason: 'membership_suspended', at });
  return { role: member.role, sessionsEnded };
}

export async function reactivateMember(
  tx: Tx,
  actor: Actor,
  orgId: string,
  userId: string,
): Promise<{ role: MemberRole }> {
  const member = await offboardingTarget(tx, actor, orgId, userId);
  if (member.suspended_at) await repo.setMemberSuspension(tx, orgId, userId, null);
  return { role: member.role };
}

export async function listPendingInvitations(tx: Tx, ctx: AppContext, actor: Actor, orgId: string) {
  assertOwnOrg(actor, orgId);
  const rows = await repo.listPendingInvitations(tx, orgId, ctx.clock.now());
  return rows.map((i) => ({
    id: i.id,
    email: i.email,
    role: i.role,
    invitedBy: i.invited_by,
    createdAt: new Date(i.created_at).toISOString(),
    expiresAt: new Date(i.expires_at).toISOString(),
  }));
}

/**
 * Withdraws an invitation: its mailed token is refused from now on (INVITATION_INVALID).
 * Revoking one already revoked changes nothing; an accepted one is a membership now,
 * which only removal ends. Returns null when nothing changed.
 */
export async function revokeInvitation(
  tx: Tx,
  ctx: AppContext,
  actor: Actor,
  orgId: string,
  id: string,
): Promise<{ role: MemberRole } | null> {
  assertOwnOrg(actor, orgId);
  const inv = await repo.findInvitation(tx, orgId, id);
  if (!inv) throw notFound();
  if (inv.accepted_at) throw new AppError('INVITATION_ACCEPTED');
  if (inv.revoked_at) return null;
  await repo.markInvitationRevoked(tx, id, actor.userId, ctx.clock.now());
  return { role: inv.role };
}

/** The email of a member of the admin's own organization (RLS): only they can be named. */
export async function memberEmail(tx: Tx, actor: Actor, userId: string): Promise<string> {
  const member = await repo.findMember(tx, actor.orgId, userId);
  if (!member) throw notFound();
  return member.email;
}

/**
 * Lifts the sign-in lock of an address, found by memberEmail first. Owner path: the
 * failure count belongs to the address, not to one organization.
 */
export async function unsafeClearSignInLock(ctx: AppContext, email: string): Promise<void> {
  await unsafeWithOwner(ctx.db, (tx) => accounts.clearLoginFailures(tx, email));
}

/** Ends a member's sessions in this organization (RLS lets an org_admin touch only those); they may sign in again. */
export async function forceLogoutMember(tx: Tx, ctx: AppContext, actor: Actor, userId: string): Promise<number> {
  const member = await repo.findMember(tx, actor.orgId, userId);
  if (!member) throw notFound();
  return revokeMembershipSessions(tx, {
    orgId: actor.orgId,
    userId,
    reason: 'admin_force_logout',
    at: ctx.clock.now(),
  });
}

export type OrgSecuritySettings = { mfaRequiredRoles: string[]; idleTimeoutMinutes: number; singleSession: boolean };

function securitySettings(raw: Record<string, unknown> | undefined): OrgSecuritySettings {
  const roles = raw?.['mfaRequiredRoles'];
  const idle = raw?.['idleTimeoutMinutes'];
  return {
    mfaRequiredRoles: Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : [],
    idleTimeoutMinutes: typeof idle === 'number' ? idle : 30,
    singleSession: raw?.['singleSession'] === true,
  };
}

export async function getSettings(tx: Tx, actor: Actor, orgId: string): Promise<OrgSecuritySettings> {
  assertOwnOrg(actor, orgId);
  return securitySettings(await repo.readSettings(tx, orgId));
}

/** Merges the given settings into the organization's; other keys stay as they were. */
export async function updateSettings(
  tx: Tx,
  actor: Actor,
  orgId: string,
  patch: Partial<OrgSecuritySettings>,
): Promise<{ before: OrgSecuritySettings; after: OrgSecuritySettings }> {
  assertOwnOrg(actor, orgId);
  const raw = (await repo.readSettings(tx, orgId)) ?? {};
  const before = securitySettings(raw);
  const next = { ...raw, ...patch };
  await repo.writeSettings(tx, orgId, next);
  return { before, after: securitySettings(next) };
}
