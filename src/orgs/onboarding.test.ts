import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unsafeWithOwner } from '../platform/db/index.ts';
import { createMember, signedInMember, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';

// The checklist an organization's administrator follows after setup. Its steps are read
// from the data they are about (members and invitations, the MFA roles, the retention
// periods), so they flip to done as the admin works and back when the work is undone;
// only the dismissal is stored. Runs on PGlite and, with CHAMBERS_TEST_DB=postgres, on PostgreSQL.

const URL = '/api/v1/orgs/current/onboarding';
type Admin = Awaited<ReturnType<typeof signedInMember>>;

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

const status = async (admin: { headers: Record<string, string> }) => {
  const res = await t.inject({ method: 'GET', url: URL, headers: admin.headers });
  expect(res.statusCode).toBe(200);
  return res.json() as { steps: { id: string; done: boolean }[]; dismissed: boolean };
};
const doneOf = async (admin: Admin) =>
  Object.fromEntries((await status(admin)).steps.map((s) => [s.id, s.done])) as Record<string, boolean>;
const dismissEvents = async (orgId: string) =>
  (
    await unsafeWithOwner(t.ctx.db, (tx) =>
      sql<{
        actor_id: string;
        target: string;
      }>`SELECT actor_id, target FROM audit.events WHERE org_id = ${orgId} AND action = 'org.onboarding_dismissed'`.execute(
        tx,
      ),
    )
  ).rows;

describe('the onboarding checklist of an organization', () => {
  it('should list every step open for a new organization whose only member is its administrator', async () => {
    const admin = await signedInMember(t, { role: 'org_admin' });
    expect(await status(admin)).toEqual({
      steps: [
        { id: 'invite_team', done: false },
        { id: 'require_mfa', done: false },
        { id: 'retention', done: false },
      ],
      dismissed: false,
    });
  });

  it('should mark each step done as the admin invites, requires MFA for lawyers and sets document retention', async () => {
    const admin = await signedInMember(t, { role: 'org_admin' });

    const invited = await t.inject({
      method: 'POST',
      url: `/api/v1/orgs/${admin.orgId}/invitations`,
      headers: admin.headers,
      payload: { email: 'new.associate@example.com', role: 'lawyer' },
    });
    expect(invited.statusCode).toBe(201);
    expect(await doneOf(admin)).toEqual({ invite_team: true, require_mfa: false, retention: false });

    const settings = await t.inject({
      method: 'PATCH',
      url: `/api/v1/orgs/${admin.orgId}/settings`,
      headers: admin.headers,
      payload: { mfaRequiredRoles: ['lawyer'] },
    });
    expect(settings.statusCode).toBe(200);
    expect(await doneOf(admin)).toEqual({ invite_team: true, require_mfa: true, retention: false });

    const policy = await t.inject({
      method: 'PUT',
      url: '/api/v1/document-policy',
      headers: admin.headers,
      payload: { retentionDays: 3650 },
    });
    expect(policy.statusCode).toBe(200);
    expect(await doneOf(admin)).toEqual({ invite_team: true, require_mfa: true, retention: true });
  });

  it('should read the steps from the data, so undoing the work opens them again', async () => {
    const admin = await signedInMember(t, { role: 'org_admin' });
    const invited = await t.inject({
      method: 'POST',
      url: `/api/v1/orgs/${admin.orgId}/invitations`,
      headers: admin.headers,
      payload: { email: 'wrong.address@example.com', role: 'lawyer' },
    });
    await t.inject({
      method: 'PATCH',
      url: `/api/v1/orgs/${admin.orgId}/settings`,
      headers: admin.headers,
      payload: { mfaRequiredRoles: ['reviewer'] },
    });
    expect(await doneOf(admin)).toMatchObject({ invite_team: true, require_mfa: true });

    const revoked = await t.inject({
      method: 'DELETE',
      url: `/api/v1/orgs/${admin.orgId}/invitations/${invited.json().id}`,
      headers: admin.headers,
    });
    expect(revoked.statusCode).toBe(204);
    await t.inject({
      method: 'PATCH',
      url: `/api/v1/orgs/${admin.orgId}/settings`,
      headers: admin.headers,
      payload: { mfaRequiredRoles: [] },
    });
    expect(await doneOf(admin)).toEqual({ invite_team: false, require_mfa: false, retention: false });
  });

  it('should count a member who joined, and an audit retention longer than the deployment, as done', async () => {
    const admin = await signedInMember(t, { role: 'org_admin' });
    await createMember(t, { role: 'lawyer', orgId: admin.orgId });
    expect(await doneOf(admin)).toMatchObject({ invite_team: true, retention: false });

    const days = t.config.auditRetention.generalDays + 1;
    const set = await t.inject({
      method: 'PUT',
      url: `/api/v1/orgs/${admin.orgId}/audit/retention`,
      headers: admin.headers,
      payload: { days },
    });
    expect(set.statusCode).toBe(200);
    expect(await doneOf(admin)).toMatchObject({ retention: true });
  });

  it("should not show one organization's progress to another organization's administrator", async () => {
    const busy = await signedInMember(t, { role: 'org_admin' });
    await createMember(t, { role: 'lawyer', orgId: busy.orgId });
    await t.inject({
      method: 'PATCH',
      url: `/api/v1/orgs/${busy.orgId}/settings`,
      headers: busy.headers,
      payload: { mfaRequiredRoles: ['lawyer'] },
    });
    await t.inject({ method: 'POST', url: `${URL}/dismiss`, headers: busy.headers });
    const fresh = await signedInMember(t, { role: 'org_admin' });
    expect(await status(fresh)).toEqual({
      steps: [
        { id: 'invite_team', done: false },
        { id: 'require_mfa', done: false },
        { id: 'retention', done: false },
      ],
      dismissed: false,
    });
  });

  it('should store a dismissal for every administrator of the organization, audited once', async () => {
    const admin = await signedInMember(t, { role: 'org_admin' });
    const res = await t.inject({ method: 'POST', url: `${URL}/dismiss`, headers: admin.headers });
    expect(res.statusCode).toBe(204);
    expect((await status(admin)).dismissed).toBe(true);
    expect(await dismissEvents(admin.orgId)).toEqual([{ actor_id: admin.userId, target: `org:${admin.orgId}` }]);

    // Again: still 204, but nothing changed, so no second event.
    expect((await t.inject({ method: 'POST', url: `${URL}/dismiss`, headers: admin.headers })).statusCode).toBe(204);
    expect(await dismissEvents(admin.orgId)).toHaveLength(1);

    const second = await signedInMember(t, {
      role: 'org_admin',
      orgId: admin.orgId,
      email: `second-admin-${Date.now()}@example.com`,
    });
    expect((await status(second)).dismissed).toBe(true);

    // A later change of the security settings keeps the dismissal and does not show it as a setting.
    const patched = await t.inject({
      method: 'PATCH',
      url: `/api/v1/orgs/${admin.orgId}/settings`,
      headers: admin.headers,
      payload: { singleSession: true },
    });
    expect(patched.json()).toEqual({ mfaRequiredRoles: [], idleTimeoutMinutes: 30, singleSession: true });
    expect((await status(admin)).dismissed).toBe(true);
  });

  it('should refuse members who are not org_admin (403) and callers without a session (401)', async () => {
    const admin = await signedInMember(t, { role: 'org_admin' });
    for (const role of ['lawyer', 'reviewer', 'clerk', 'api_admin'] as const) {
      const member = await signedInMember(t, { role, orgId: admin.orgId });
      expect((await t.inject({ method: 'GET', url: URL, headers: member.headers })).statusCode, role).toBe(403);
      expect(
        (await t.inject({ method: 'POST', url: `${URL}/dismiss`, headers: member.headers })).statusCode,
        role,
      ).toBe(403);
    }
    expect((await t.inject({ method: 'GET', url: URL })).statusCode).toBe(401);
    expect((await t.inject({ method: 'POST', url: `${URL}/dismiss` })).statusCode).toBe(401);
    expect((await status(admin)).dismissed).toBe(false);
    expect(await dismissEvents(admin.orgId)).toEqual([]);
  });
});
