import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createMember,
  login,
  signedInMember,
  startTestApp,
  type TestApp,
} from '../../test/helpers/test-app.ts';
import { manualClock } from '../platform/clock.ts';

const DAY = 24 * 60 * 60 * 1000;
const STRONG = 'granite-meadow-echoes-61';

describe('organizations, invitations and members over HTTP', () => {
  let t: TestApp;
  const clock = manualClock();
  beforeAll(async () => {
    t = await startTestApp({ clock });
  });
  afterAll(async () => t?.close());

  let seq = 0;
  const uniqueEmail = (tag: string) => `${tag}-${++seq}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const post = (url: string, payload: object | undefined, headers: Record<string, string> = {}) =>
    t.inject({ method: 'POST', url, headers, ...(payload ? { payload } : {}) });
  const me = (accessToken: string) => t.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(accessToken) });

  /** Invites an address and returns the token from the mailed link. */
  async function invite(admin: { orgId: string; headers: Record<string, string> }, email: string, role: string) {
    const res = await post(`/api/v1/orgs/${admin.orgId}/invitations`, { email, role }, admin.headers);
    expect(res.statusCode).toBe(201);
    const mail = (await t.mail()).filter((m) => m.to === email).at(-1);
    // The outbox keeps the message quoted-printable: "=" travels as "=3D".
    const text = (mail?.text ?? '').replace(/=([0-9A-F]{2})/g, (_, hex: string) =>
      String.fromCharCode(parseInt(hex, 16)),
    );
    const token = /\/invite\?token=([A-Za-z0-9_-]+)/.exec(text)?.[1];
    expect(token, 'token in the invitation mail').toBeDefined();
    return { ...(res.json() as { id: string; expiresAt: string }), token: token!, mail: mail! };
  }

  it('should let a super_admin open an organization (201) and become its org_admin; anyone else gets 403', async () => {
    const root = await signedInMember(t, { role: 'lawyer', superAdmin: true });
    const res = await post('/api/v1/orgs', { name: 'Northern District Court', kind: 'court' }, root.headers);
    expect(res.statusCode).toBe(201);
    const { id } = res.json();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);

    const there = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/switch-org',
      headers: root.headers,
      payload: { orgId: id },
    });
    expect(there.statusCode).toBe(200);
    expect(there.json().org).toEqual({ id, name: 'Northern District Court', kind: 'court', role: 'org_admin' });
    const members = await t.inject({
      method: 'GET',
      url: `/api/v1/orgs/${id}/members`,
      headers: bearer(there.json().accessToken),
    });
    expect(members.statusCode).toBe(200);
    expect(members.json().members).toEqual([expect.objectContaining({ userId: root.userId, role: 'org_admin' })]);

    for (const role of ['org_admin', 'lawyer'] as const) {
      const plain = await signedInMember(t, { role });
      const refused = await post('/api/v1/orgs', { name: 'Mine', kind: 'firm' }, plain.headers);
      expect(refused.statusCode, role).toBe(403);
      expect(refused.json().code).toBe('FORBIDDEN');
    }
  });

  it('should invite a new address (201, mailed /invite?token= link) who accepts with a name and password and signs in with the invited role', async () => {
    const admin = await signedInMember(t, { role: 'org_admin', orgName: 'Hale & Partners' });
    const email = uniqueEmail('invitee');
    const inv = await invite(admin, email, 'lawyer');
    expect(inv.id).toMatch(/^[0-9a-f-]{36}$/);
    const ttl = new Date(inv.expiresAt).getTime() - clock.now().getTime();
    expect(Math.abs(ttl - 7 * DAY)).toBeLessThan(60_000);
    expect(inv.mail.subject).toContain('Hale & Partners');
    expect(inv.token.length).toBeGreaterThanOrEqual(43); // 256 bits in base64url

    const accepted = await post('/api/v1/invitations/accept', {
      token: inv.token,
      name: 'Ivy Invitee',
      password: STRONG,
    });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toEqual({ userId: expect.any(String), orgId: admin.orgId });

    const signedIn = await post('/api/v1/auth/login', { email, password: STRONG });
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.json()).toMatchObject({
      user: { id: accepted.json().userId, name: 'Ivy Invitee' },
      org: { id: admin.orgId, role: 'lawyer' },
    });
    const matter = await post('/api/v1/matters', { title: 'First matter' }, bearer(signedIn.json().accessToken));
    expect(matter.statusCode).toBe(201);

    const again = await post('/api/v1/invitations/accept', { token: inv.token, name: 'Ivy Again', password: STRONG });
    expect(again.statusCode).toBe(400);
    expect(again.json().code).toBe('INVITATION_INVALID');
    const made = await post('/api/v1/invitations/accept', { token: 'x'.repeat(43) });
    expect(made.statusCode).toBe(400);
    expect(made.json().code).toBe('INVITATION_INVALID');
  });

  it('should make an existing user sign in as themselves to accept (401 otherwise), then add the membership', async () => {
    const admin = await signedInMember(t, { role: 'org_admin' });
    const existing = await signedInMember(t, { role: 'lawyer', email: uniqueEmail('existing') });
    const stranger = await signedInMember(t, { role: 'lawyer' });
    const inv = await invite(admin, existing.email, 'reviewer');

    const anonymous = await post('/api/v1/invitations/accept', { token: inv.token });
    expect(anonymous.statusCode).toBe(401);
    // Even with a password for the account: a leaked link must not take over an existing account.
    const withPassword = await post('/api/v1/invitations/accept', { token: inv.token, name: 'X', password: STRONG });
    expect(withPassword.statusCode).toBe(401);
    const asSomeoneElse = await post('/api/v1/invitations/accept', { token: inv.token }, stranger.headers);
    expect(asSomeoneElse.statusCode).toBe(401);

    const res = await post('/api/v1/invitations/accept', { token: inv.token }, existing.headers);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ userId: existing.userId, orgId: admin.orgId });
    const there = await post('/api/v1/auth/login', {
      email: existing.email,
      password: existing.password,
      orgId: admin.orgId,
    });
    expect(there.statusCode).toBe(200);
    expect(there.json().org).toMatchObject({ id: admin.orgId, role: 'reviewer' });
    // The old membership is kept, and the password did not change.
    expect((await login(t, existing.email)).accessToken).toBeDefined();
    expect((await me(existing.accessToken)).json().org).toMatchObject({ id: existing.orgId, role: 'lawyer' });
  });

  it('should refuse an invitation after 7 days with 400 INVITATION_INVALID', async () => {
    const admin = await signedInMember(t, { role: 'org_admin' });
    const inv = await invite(admin, uniqueEmail('late'), 'lawyer');
    clock.advance(7 * DAY + 60_000);
    const res = await post('/api/v1/invitations/accept', { token: inv.token, name: 'Late', password: STRONG });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('INVITATION_INVALID');
  });

  it('should list members and change roles, keeping at least one org_admin (409 CONFLICT)', async () => {
    const admin = await signedInMember(t, { role: 'org_admin' });
    const lawyer = await createMember(t, { role: 'lawyer', orgId: admin.orgId });
    const url = (userId: string) => `/api/v1/orgs/${admin.orgId}/members/${userId}`;

    const list = await t.inject({ method: 'GET', url: `/api/v1/orgs/${admin.orgId}/members`, headers: admin.headers });
    expect(list.statusCode).toBe(200);
    const members = list.json().members as Array<{
      userId: string;
      email: string;
      name: string;
      role: string;
      createdAt: string;
    }>;
    expect(members.map((m) => [m.userId, m.role]).sort()).toEqual(
      [
        [admin.userId, 'org_admin'],
        [lawyer.userId, 'lawyer'],
      ].sort(),
    );
    expect(members.find((m) => m.userId === lawyer.userId)).toMatchObject({
      email: lawyer.email,
      name: expect.any(String),
      createdAt: expect.any(String),
    });

    const lastAdmin = await t.inject({
      method: 'PATCH',
      url: url(admin.userId),
      headers: admin.headers,
      payload: { role: 'lawyer' },
    });
    expect(lastAdmin.statusCode).toBe(409);
    expect(lastAdmin.json().code).toBe('CONFLICT');

    const promoted = await t.inject({
      method: 'PATCH',
      url: url(lawyer.userId),
      headers: admin.headers,
      payload: { role: 'org_admin' },
    });
    expect(promoted.statusCode).toBe(200);
    expect(promoted.json()).toMatchObject({ userId: lawyer.userId, email: lawyer.email, role: 'org_admin' });
    const stepDown = await t.inject({
      method: 'PATCH',
      url: url(admin.userId),
      headers: admin.headers,
      payload: { role: 'lawyer' },
    });
    expect(stepDown.statusCode).toBe(200);
    // No longer an admin, on the very next request with the same token.
    expect(
      (await t.inject({ method: 'GET', url: `/api/v1/orgs/${admin.orgId}/members`, headers: admin.headers }))
        .statusCode,
    ).toBe(403);
  });

  it('should apply a role change on the next request with the same token: a lawyer demoted to reviewer can no longer open a matter', async () => {
    const admin = await signedInMember(t, { role: 'org_admin' });
    const lawyer = await signedInMember(t, { role: 'lawyer', orgId: admin.orgId });
    expect((await post('/api/v1/matters', { title: 'Before' }, lawyer.headers)).statusCode).toBe(201);

    const demoted = await t.inject({
      method: 'PATCH',
      url: `/api/v1/orgs/${admin.orgId}/members/${lawyer.userId}`,
      headers: admin.headers,
      payload: { role: 'reviewer' },
    });
    expect(demoted.statusCode).toBe(200);
    const after = await post('/api/v1/matters', { title: 'After' }, lawyer.headers);
    expect(after.statusCode).toBe(403);
    expect(after.json().code).toBe('FORBIDDEN');
    expect((await me(lawyer.accessToken)).json().role).toBe('reviewer');
  });

  it("should answer 404 for another organization's path or member", async () => {
    const admin = await signedInMember(t, { role: 'org_admin' });
    const other = await signedInMember(t, { role: 'org_admin' });
    const otherLawyer = await createMember(t, { role: 'lawyer', orgId: other.orgId });
    const cases = [
      { method: 'GET' as const, url: `/api/v1/orgs/${other.orgId}/members` },
      {
        method: 'POST' as const,
        url: `/api/v1/orgs/${other.orgId}/invitations`,
        payload: { email: uniqueEmail('x'), role: 'lawyer' },
      },
      {
        method: 'PATCH' as const,
        url: `/api/v1/orgs/${other.orgId}/members/${otherLawyer.userId}`,
        payload: { role: 'reviewer' },
      },
      {
        method: 'PATCH' as const,
        url: `/api/v1/orgs/${admin.orgId}/members/${otherLawyer.userId}`,
        payload: { role: 'reviewer' },
      },
      { method: 'POST' as const, url: `/api/v1/admin/users/${otherLawyer.userId}/logout` },
    ];
    for (const c of cases) {
      const res = await t.inject({ ...c, headers: admin.headers });
      expect(res.statusCode, `${c.method} ${c.url}`).toBe(404);
      expect(res.json().code).toBe('NOT_FOUND');
      expect(res.body).not.toContain(otherLawyer.email);
    }
  });

  it("should end a member's sessions on an admin's force logout (204)", async () => {
    const admin = await signedInMember(t, { role: 'org_admin' });
    const member = await signedInMember(t, { role: 'lawyer', orgId: admin.orgId });
    const res = await post(`/api/v1/admin/users/${member.userId}/logout`, undefined, admin.headers);
    expect(res.statusCode).toBe(204);
    const after = await me(member.accessToken);
    expect(after.statusCode).toBe(401);
    expect(after.json().code).toBe('SESSION_REVOKED');
    expect((await post('/api/v1/auth/refresh', { refreshToken: member.refreshToken })).statusCode).toBe(401);
    expect((await me(admin.accessToken)).statusCode).toBe(200);
  });

  it('should refuse admin routes to a lawyer with 403 FORBIDDEN', async () => {
    const lawyer = await signedInMember(t, { role: 'lawyer' });
    const colleague = await createMember(t, { role: 'lawyer', orgId: lawyer.orgId });
    const cases = [
      { method: 'GET' as const, url: `/api/v1/orgs/${lawyer.orgId}/members` },
      {
        method: 'POST' as const,
        url: `/api/v1/orgs/${lawyer.orgId}/invitations`,
        payload: { email: uniqueEmail('y'), role: 'org_admin' },
      },
      {
        method: 'PATCH' as const,
        url: `/api/v1/orgs/${lawyer.orgId}/members/${lawyer.userId}`,
        payload: { role: 'org_admin' },
      },
      { method: 'POST' as const, url: `/api/v1/admin/users/${colleague.userId}/unlock` },
      { method: 'POST' as const, url: `/api/v1/admin/users/${colleague.userId}/logout` },
    ];
    for (const c of cases) {
      const res = await t.inject({ ...c, headers: lawyer.headers });
      expect(res.statusCode, `${c.method} ${c.url}`).toBe(403);
      expect(res.json().code).toBe('FORBIDDEN');
    }
    expect((await me(lawyer.accessToken)).json().role).toBe('lawyer');
  });
});
