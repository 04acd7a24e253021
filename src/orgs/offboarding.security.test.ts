/**
 * Attack (review finding 6): a lawyer leaves the firm on bad terms. Their laptop still
 * holds an access token and a refresh token; their password still works; an invitation
 * sent to the wrong address is still in someone's inbox. Offboarding must close each
 * door at once: removal and suspension end every session of the member in the
 * organization on the very next request, a suspended member cannot sign in (or switch)
 * back into it, a revoked invitation's token opens nothing, the last active org_admin
 * cannot be removed or suspended, and another organization's ids look missing.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createMember,
  login,
  signedInMember,
  startTestApp,
  TEST_PASSWORD,
  type TestApp,
  type Tokens,
} from '../../test/helpers/test-app.ts';
import { unsafeWithOwner } from '../platform/db/index.ts';

type Admin = Awaited<ReturnType<typeof signedInMember>>;

describe('offboarding: removal, suspension, invitation revocation', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, headers: Record<string, string>, payload?: object) =>
    t.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  const codeOf = (res: { json(): unknown }) => (res.json() as { code?: string }).code;
  const me = (tokens: Tokens) => call('GET', '/api/v1/me', bearer(tokens.accessToken));
  const refresh = (tokens: Tokens) =>
    t.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: tokens.refreshToken } });
  const signIn = (email: string, orgId?: string) =>
    t.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password: TEST_PASSWORD, ...(orgId ? { orgId } : {}) },
    });
  const events = async (orgId: string, action: string) =>
    (
      await unsafeWithOwner(t.ctx.db, (tx) =>
        sql<{
          actor_id: string;
          target: string;
          details: Record<string, unknown>;
        }>`SELECT actor_id, target, details FROM audit.events WHERE org_id = ${orgId} AND action = ${action} ORDER BY id`.execute(
          tx,
        ),
      )
    ).rows;
  const membershipOf = async (orgId: string, userId: string) =>
    (
      await unsafeWithOwner(t.ctx.db, (tx) =>
        sql<{
          role: string;
          suspended_at: Date | null;
        }>`SELECT role, suspended_at FROM chambers.memberships WHERE org_id = ${orgId} AND user_id = ${userId}`.execute(
          tx,
        ),
      )
    ).rows[0];

  /** Invites an address and returns the invitation id and the token from the mailed link. */
  async function invite(admin: Admin, email: string, role = 'lawyer'): Promise<{ id: string; token: string }> {
    const res = await call('POST', `/api/v1/orgs/${admin.orgId}/invitations`, admin.headers, { email, role });
    expect(res.statusCode, res.body).toBe(201);
    const mail = (await t.mail()).filter((m) => m.to === email).at(-1);
    const text = (mail?.text ?? '').replace(/=([0-9A-F]{2})/g, (_, hex: string) =>
      String.fromCharCode(parseInt(hex, 16)),
    );
    return { id: (res.json() as { id: string }).id, token: /\/invite\?token=([A-Za-z0-9_-]+)/.exec(text)![1]! };
  }

  it("should refuse a removed member's access token and refresh token on the very next request", async () => {
    const admin = await signedInMember(t, { role: 'org_admin', orgName: 'Removal LLP' });
    const lawyer = await createMember(t, { role: 'lawyer', orgId: admin.orgId });
    const laptop = await login(t, lawyer.email);
    const phone = await login(t, lawyer.email);
    expect((await me(laptop)).statusCode).toBe(200);

    const res = await call('DELETE', `/api/v1/orgs/${admin.orgId}/members/${lawyer.userId}`, admin.headers);
    expect(res.statusCode, res.body).toBe(204);

    for (const tokens of [laptop, phone]) {
      const after = await me(tokens);
      expect(after.statusCode).toBe(401);
      expect(codeOf(after)).toBe('SESSION_REVOKED');
      const refreshed = await refresh(tokens);
      expect(refreshed.statusCode).toBe(401);
      expect(codeOf(refreshed)).toBe('SESSION_REVOKED');
    }
    expect(await membershipOf(admin.orgId, lawyer.userId)).toBeUndefined();
    const members = await call('GET', `/api/v1/orgs/${admin.orgId}/members`, admin.headers);
    expect((members.json() as { members: Array<{ userId: string }> }).members.map((m) => m.userId)).not.toContain(
      lawyer.userId,
    );
    // Signing in again does not bring the organization back.
    const again = await signIn(lawyer.email, admin.orgId);
    expect(again.statusCode).toBe(403);
    expect(await events(admin.orgId, 'member.remove')).toEqual([
      { actor_id: admin.userId, target: `user:${lawyer.userId}`, details: { role: 'lawyer', sessionsEnded: 2 } },
    ]);
  });

  it('should refuse a revoked invitation: the mailed token opens nothing, and the list no longer shows it', async () => {
    const admin = await signedInMember(t, { role: 'org_admin', orgName: 'Revocation LLP' });
    const email = `wrong-address-${Math.random().toString(36).slice(2, 8)}@example.com`;
    const inv = await invite(admin, email, 'lawyer');
    const pending = await call('GET', `/api/v1/orgs/${admin.orgId}/invitations`, admin.headers);
    expect(pending.statusCode).toBe(200);
    expect(pending.json()).toEqual({
      invitations: [
        {
          id: inv.id,
          email,
          role: 'lawyer',
          invitedBy: admin.userId,
          createdAt: expect.any(String),
          expiresAt: expect.any(String),
        },
      ],
    });

    const revoked = await call('DELETE', `/api/v1/orgs/${admin.orgId}/invitations/${inv.id}`, admin.headers);
    expect(revoked.statusCode, revoked.body).toBe(204);
    const accept = await t.inject({
      method: 'POST',
      url: '/api/v1/invitations/accept',
      payload: { token: inv.token, name: 'Stranger', password: 'granite-meadow-echoes-61' },
    });
    expect(accept.statusCode).toBe(400);
    expect(codeOf(accept)).toBe('INVITATION_INVALID');
    expect((await call('GET', `/api/v1/orgs/${admin.orgId}/invitations`, admin.headers)).json()).toEqual({
      invitations: [],
    });
    // Revoking again changes nothing and records nothing new.
    expect((await call('DELETE', `/api/v1/orgs/${admin.orgId}/invitations/${inv.id}`, admin.headers)).statusCode).toBe(
      204,
    );
    expect(await events(admin.orgId, 'invitation.revoke')).toEqual([
      { actor_id: admin.userId, target: `invitation:${inv.id}`, details: { role: 'lawyer' } },
    ]);

    // An accepted invitation is a membership now: only removal ends it.
    const other = await invite(admin, `accepted-${Math.random().toString(36).slice(2, 8)}@example.com`);
    const ok = await t.inject({
      method: 'POST',
      url: '/api/v1/invitations/accept',
      payload: { token: other.token, name: 'New Lawyer', password: 'granite-meadow-echoes-61' },
    });
    expect(ok.statusCode, ok.body).toBe(200);
    const late = await call('DELETE', `/api/v1/orgs/${admin.orgId}/invitations/${other.id}`, admin.headers);
    expect(late.statusCode).toBe(409);
    expect(codeOf(late)).toBe('INVITATION_ACCEPTED');
  });

  it('should end a suspended member’s sessions and refuse their sign-in and switch-org into the organization (403 MEMBER_SUSPENDED)', async () => {
    const admin = await signedInMember(t, { role: 'org_admin', orgName: 'Suspension LLP' });
    const lawyer = await createMember(t, { role: 'lawyer', orgId: admin.orgId });
    // The lawyer also belongs to a second firm, joined later: suspension here leaves that one alone.
    const elsewhere = await createMember(t, { role: 'lawyer', orgName: 'Second Firm' });
    await unsafeWithOwner(t.ctx.db, (tx) =>
      sql`INSERT INTO chambers.memberships (org_id, user_id, role, created_at)
          VALUES (${elsewhere.orgId}, ${lawyer.userId}, 'lawyer', now() + interval '1 minute')`.execute(tx),
    );
    const here = await login(t, lawyer.email, TEST_PASSWORD, { orgId: admin.orgId });
    const there = await login(t, lawyer.email, TEST_PASSWORD, { orgId: elsewhere.orgId });

    const res = await call('POST', `/api/v1/orgs/${admin.orgId}/members/${lawyer.userId}/suspend`, admin.headers);
    expect(res.statusCode, res.body).toBe(204);

    expect(codeOf(await me(here))).toBe('SESSION_REVOKED');
    expect((await refresh(here)).statusCode).toBe(401);
    expect((await me(there)).statusCode).toBe(200);

    // Unlike a force sign-out, the password no longer opens this organization.
    const direct = await signIn(lawyer.email, admin.orgId);
    expect(direct.statusCode).toBe(403);
    expect(codeOf(direct)).toBe('MEMBER_SUSPENDED');
    const switched = await call('POST', '/api/v1/auth/switch-org', bearer(there.accessToken), { orgId: admin.orgId });
    expect(switched.statusCode).toBe(403);
    expect(codeOf(switched)).toBe('MEMBER_SUSPENDED');
    // Without an organization named, the sign-in lands in the membership that still holds.
    const fallback = await signIn(lawyer.email);
    expect(fallback.statusCode).toBe(200);
    expect((fallback.json() as { org: { id: string } }).org.id).toBe(elsewhere.orgId);

    const listed = await call('GET', `/api/v1/orgs/${admin.orgId}/members`, admin.headers);
    expect((listed.json() as { members: Array<{ userId: string; suspendedAt: string | null }> }).members).toEqual(
      expect.arrayContaining([expect.objectContaining({ userId: lawyer.userId, suspendedAt: expect.any(String) })]),
    );

    const back = await call('POST', `/api/v1/orgs/${admin.orgId}/members/${lawyer.userId}/reactivate`, admin.headers);
    expect(back.statusCode, back.body).toBe(204);
    expect((await signIn(lawyer.email, admin.orgId)).statusCode).toBe(200);
    expect(await membershipOf(admin.orgId, lawyer.userId)).toEqual({ role: 'lawyer', suspended_at: null });
    expect(await events(admin.orgId, 'member.suspend')).toEqual([
      { actor_id: admin.userId, target: `user:${lawyer.userId}`, details: { role: 'lawyer', sessionsEnded: 1 } },
    ]);
    expect(await events(admin.orgId, 'member.reactivate')).toEqual([
      { actor_id: admin.userId, target: `user:${lawyer.userId}`, details: { role: 'lawyer' } },
    ]);
  });

  it('should refuse a sign-in whose only membership is suspended, and any session the suspension raced with', async () => {
    const admin = await signedInMember(t, { role: 'org_admin', orgName: 'Only Firm LLP' });
    const lawyer = await createMember(t, { role: 'lawyer', orgId: admin.orgId });
    const raced = await login(t, lawyer.email);
    expect(
      (await call('POST', `/api/v1/orgs/${admin.orgId}/members/${lawyer.userId}/suspend`, admin.headers)).statusCode,
    ).toBe(204);
    const res = await signIn(lawyer.email);
    expect(res.statusCode).toBe(403);
    expect(codeOf(res)).toBe('MEMBER_SUSPENDED');

    // A session opened after the revocation swept (a sign-in racing the suspension) is still refused by the database.
    await unsafeWithOwner(t.ctx.db, (tx) =>
      sql`UPDATE chambers.sessions SET revoked_at = NULL, revoked_reason = NULL WHERE user_id = ${lawyer.userId}`.execute(
        tx,
      ),
    );
    const stale = await me(raced);
    expect(stale.statusCode).toBe(401);
    expect(codeOf(stale)).toBe('SESSION_REVOKED');
  });

  it('should refuse removing or suspending the last active org_admin (409 LAST_ADMIN)', async () => {
    const admin = await signedInMember(t, { role: 'org_admin', orgName: 'Last Admin LLP' });
    const second = await createMember(t, { role: 'org_admin', orgId: admin.orgId });
    const base = `/api/v1/orgs/${admin.orgId}/members`;

    // The only admin removing themselves, while another admin is suspended: still the last active one.
    expect((await call('POST', `${base}/${second.userId}/suspend`, admin.headers)).statusCode).toBe(204);
    for (const [method, url] of [
      ['DELETE', `${base}/${admin.userId}`],
      ['POST', `${base}/${admin.userId}/suspend`],
    ] as const) {
      const res = await call(method, url, admin.headers);
      expect(res.statusCode, `${method} ${url}`).toBe(409);
      expect(codeOf(res), `${method} ${url}`).toBe('LAST_ADMIN');
    }
    // Nor may the last active admin demote themselves by changing role.
    const demote = await t.inject({
      method: 'PATCH',
      url: `${base}/${admin.userId}`,
      headers: admin.headers,
      payload: { role: 'lawyer' },
    });
    expect(demote.statusCode).toBe(409);
    expect(await membershipOf(admin.orgId, admin.userId)).toEqual({ role: 'org_admin', suspended_at: null });

    // Once the other admin is back, either may go.
    expect((await call('POST', `${base}/${second.userId}/reactivate`, admin.headers)).statusCode).toBe(204);
    const secondHeaders = bearer((await login(t, second.email)).accessToken);
    const suspendFirst = await call('POST', `${base}/${admin.userId}/suspend`, secondHeaders);
    expect(suspendFirst.statusCode, suspendFirst.body).toBe(204);
    // The suspended admin's token stops at once, and the remaining one is now the last.
    expect((await call('GET', base, admin.headers)).statusCode).toBe(401);
    const last = await call('DELETE', `${base}/${second.userId}`, secondHeaders);
    expect(last.statusCode).toBe(409);
    expect(codeOf(last)).toBe('LAST_ADMIN');
  });

  it("should answer 404 for another organization's members and invitations, and change nothing there", async () => {
    const admin = await signedInMember(t, { role: 'org_admin', orgName: 'Ours LLP' });
    const theirAdmin = await signedInMember(t, { role: 'org_admin', orgName: 'Theirs LLP' });
    const theirLawyer = await createMember(t, { role: 'lawyer', orgId: theirAdmin.orgId });
    const theirInvite = await invite(theirAdmin, `theirs-${Math.random().toString(36).slice(2, 8)}@example.com`);
    const attempts = [
      ['DELETE', `/api/v1/orgs/${theirAdmin.orgId}/members/${theirLawyer.userId}`],
      ['DELETE', `/api/v1/orgs/${admin.orgId}/members/${theirLawyer.userId}`],
      ['POST', `/api/v1/orgs/${theirAdmin.orgId}/members/${theirLawyer.userId}/suspend`],
      ['POST', `/api/v1/orgs/${admin.orgId}/members/${theirLawyer.userId}/suspend`],
      ['POST', `/api/v1/orgs/${admin.orgId}/members/${theirLawyer.userId}/reactivate`],
      ['GET', `/api/v1/orgs/${theirAdmin.orgId}/invitations`],
      ['DELETE', `/api/v1/orgs/${theirAdmin.orgId}/invitations/${theirInvite.id}`],
      ['DELETE', `/api/v1/orgs/${admin.orgId}/invitations/${theirInvite.id}`],
    ] as const;
    for (const [method, url] of attempts) {
      const res = await call(method, url, admin.headers);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(codeOf(res)).toBe('NOT_FOUND');
    }
    expect(await membershipOf(theirAdmin.orgId, theirLawyer.userId)).toEqual({ role: 'lawyer', suspended_at: null });
    const theirs = await call('GET', `/api/v1/orgs/${theirAdmin.orgId}/invitations`, theirAdmin.headers);
    expect((theirs.json() as { invitations: Array<{ id: string }> }).invitations.map((i) => i.id)).toEqual([
      theirInvite.id,
    ]);
  });

  it('should keep these routes to org_admins, and ask for a fresh second factor before a removal', async () => {
    const admin = await signedInMember(t, { role: 'org_admin', orgName: 'Guarded LLP' });
    const lawyer = await signedInMember(t, { role: 'lawyer', orgId: admin.orgId });
    const colleague = await createMember(t, { role: 'lawyer', orgId: admin.orgId });
    for (const [method, url] of [
      ['DELETE', `/api/v1/orgs/${admin.orgId}/members/${colleague.userId}`],
      ['POST', `/api/v1/orgs/${admin.orgId}/members/${colleague.userId}/suspend`],
      ['GET', `/api/v1/orgs/${admin.orgId}/invitations`],
    ] as const) {
      const res = await call(method, url, lawyer.headers);
      expect(res.statusCode, `${method} ${url}`).toBe(403);
    }
    // A removal cannot be taken back: a factor verified 30 minutes ago is not fresh enough (10-minute window).
    await unsafeWithOwner(t.ctx.db, (tx) =>
      sql`UPDATE chambers.sessions SET mfa_verified_at = now() - interval '30 minutes' WHERE user_id = ${admin.userId}`.execute(
        tx,
      ),
    );
    const res = await call('DELETE', `/api/v1/orgs/${admin.orgId}/members/${colleague.userId}`, admin.headers);
    expect(res.statusCode).toBe(401);
    expect(codeOf(res)).toBe('STEP_UP_REQUIRED');
    expect(await membershipOf(admin.orgId, colleague.userId)).toEqual({ role: 'lawyer', suspended_at: null });
  });
});
