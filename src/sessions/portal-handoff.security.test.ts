// Attack: a hand-off code that moves a signed-in user between portals is a bearer
// credential. Stolen from a log or a referrer, it must be useless after 30 seconds,
// after its one use, on any portal but its target, and when altered in any byte.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createMember,
  login,
  signedInMember,
  startTestApp,
  TEST_PASSWORD,
  type TestApp,
} from '../../test/helpers/test-app.ts';
import { manualClock } from '../platform/clock.ts';
import { unsafeWithOwner } from '../platform/db/tenant.ts';
import { HANDOFF_TTL_MS } from './portal-handoff.ts';

const LAWYERS = 'https://lawyers.example.test';
const JUDGES = 'https://judges.example.test';
const clock = manualClock(new Date());
let lawyerPortal: TestApp;
let judgePortal: TestApp;

beforeAll(async () => {
  // Two portals of one deployment share the master key (here: the same key given to both apps).
  const key = Buffer.alloc(32, 7).toString('base64');
  lawyerPortal = await startTestApp({
    clock,
    env: { PUBLIC_URL: LAWYERS, PORTAL_ORIGINS: JUDGES, CHAMBERS_MASTER_KEY: key },
  });
  judgePortal = lawyerPortal; // same database and key; the audience check is what separates the portals
});
afterAll(async () => lawyerPortal?.close());

async function issue(t: TestApp, headers: Record<string, string>, audience: string) {
  return t.inject({ method: 'POST', url: '/api/v1/auth/handoff', headers, payload: { audience } });
}
const redeem = (t: TestApp, code: string) =>
  t.inject({ method: 'POST', url: '/api/v1/auth/handoff/redeem', payload: { code } });

describe('cross-portal hand-off', () => {
  it('should move a signed-in user to a portal naming itself as audience, once', async () => {
    const m = await signedInMember(lawyerPortal, { role: 'lawyer' });
    const issued = await issue(lawyerPortal, m.headers, `${LAWYERS}/some/page`);
    expect(issued.statusCode).toBe(201);
    const ok = await redeem(lawyerPortal, issued.json().code);
    expect(ok.statusCode).toBe(200);
    const me = await lawyerPortal.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(ok.json().accessToken) });
    expect(me.json().user.id).toBe(m.userId);
    const replay = await redeem(lawyerPortal, issued.json().code);
    expect(replay.statusCode).toBe(401);
    expect(replay.json().code).toBe('HANDOFF_INVALID');
  });

  it('should refuse a code made for another portal', async () => {
    const m = await signedInMember(lawyerPortal, { role: 'lawyer' });
    const forJudges = await issue(lawyerPortal, m.headers, JUDGES);
    expect(forJudges.statusCode).toBe(201);
    // Presented to the lawyers' portal (whose PUBLIC_URL is LAWYERS): wrong audience.
    expect((await redeem(judgePortal, forJudges.json().code)).json().code).toBe('HANDOFF_INVALID');
  });

  it('should refuse an unknown target origin', async () => {
    const m = await signedInMember(lawyerPortal, { role: 'lawyer' });
    expect((await issue(lawyerPortal, m.headers, 'https://evil.example')).statusCode).toBe(400);
  });

  it('should refuse a code older than 30 seconds', async () => {
    const m = await signedInMember(lawyerPortal, { role: 'lawyer' });
    const { code } = (await issue(lawyerPortal, m.headers, LAWYERS)).json();
    clock.advance(HANDOFF_TTL_MS + 1);
    expect((await redeem(lawyerPortal, code)).json().code).toBe('HANDOFF_INVALID');
  });

  it('should refuse a code with any part altered', async () => {
    const m = await signedInMember(lawyerPortal, { role: 'lawyer' });
    const { code } = (await issue(lawyerPortal, m.headers, LAWYERS)).json() as { code: string };
    const [payload, mac] = code.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const otherUser = Buffer.from(JSON.stringify({ ...claims, sub: '00000000-0000-4000-8000-000000000000' })).toString(
      'base64url',
    );
    const longer = Buffer.from(JSON.stringify({ ...claims, exp: claims.exp + 3_600_000 })).toString('base64url');
    for (const forged of [
      `${otherUser}.${mac}`,
      `${longer}.${mac}`,
      `${payload}.${mac.slice(0, -3)}AAA`,
      payload,
      `${payload}.`,
    ]) {
      const res = await redeem(lawyerPortal, forged);
      expect(res.statusCode, forged.slice(0, 20)).toBe(401);
    }
    // The untouched code still works: the refusals above did not burn it.
    expect((await redeem(lawyerPortal, code)).statusCode).toBe(200);
  });
});

// Attack: a hand-off code, redeemed from any access token, used to yield an independent
// 30-day session whose refresh token outlived the issuing session's logout. The session a
// code opens is now the issuing session's child: it ends when its parent ends, however
// that happens, and never outlives it; a code whose parent has ended opens nothing.
describe('a hand-off session is bound to the session that issued it', () => {
  const me = (token: string) => lawyerPortal.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(token) });
  const refresh = (refreshToken: string) =>
    lawyerPortal.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken } });
  const post = (url: string, headers: Record<string, string>, payload?: object) =>
    lawyerPortal.inject({ method: 'POST', url, headers, ...(payload ? { payload } : {}) });

  /** A signed-in member and a child session handed off from it. */
  async function parentAndChild(opts: Parameters<typeof signedInMember>[1] = { role: 'lawyer' }) {
    const parent = await signedInMember(lawyerPortal, opts);
    const { code } = (await issue(lawyerPortal, parent.headers, LAWYERS)).json();
    const res = await redeem(lawyerPortal, code);
    expect(res.statusCode).toBe(200);
    const child = res.json() as { accessToken: string; refreshToken: string };
    expect((await me(child.accessToken)).statusCode).toBe(200);
    return { parent, child };
  }
  const sessionRow = (id: string) =>
    unsafeWithOwner(lawyerPortal.ctx.db, (tx) =>
      tx
        .selectFrom('chambers.sessions')
        .select(['expires_at', 'parent_session_id', 'revoked_at'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow(),
    );
  const sessionIdOf = async (token: string) => (await me(token)).json().session.id as string;

  async function expectEnded(child: { accessToken: string; refreshToken: string }) {
    const access = await me(child.accessToken);
    expect(access.statusCode).toBe(401);
    expect(access.json().code).toBe('SESSION_REVOKED');
    const refreshed = await refresh(child.refreshToken);
    expect(refreshed.statusCode).toBe(401);
    expect(refreshed.json().code).toBe('SESSION_REVOKED');
  }

  it('should refuse a code redeemed after its issuing session logged out', async () => {
    const m = await signedInMember(lawyerPortal, { role: 'lawyer' });
    const { code } = (await issue(lawyerPortal, m.headers, LAWYERS)).json();
    expect((await post('/api/v1/auth/logout', m.headers)).statusCode).toBe(204);
    const res = await redeem(lawyerPortal, code);
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('HANDOFF_INVALID');
  });

  it('should refuse a code whose issuing session was ended by the user from elsewhere', async () => {
    const m = await signedInMember(lawyerPortal, { role: 'lawyer' });
    const { code } = (await issue(lawyerPortal, m.headers, LAWYERS)).json();
    const other = await login(lawyerPortal, m.email);
    const sid = await sessionIdOf(m.accessToken);
    const ended = await lawyerPortal.inject({
      method: 'DELETE',
      url: `/api/v1/auth/sessions/${sid}`,
      headers: bearer(other.accessToken),
    });
    expect(ended.statusCode).toBe(204);
    expect((await redeem(lawyerPortal, code)).json().code).toBe('HANDOFF_INVALID');
  });

  it('should end the child session, access and refresh, when the parent logs out', async () => {
    const { parent, child } = await parentAndChild();
    expect((await post('/api/v1/auth/logout', parent.headers)).statusCode).toBe(204);
    await expectEnded(child);
  });

  it('should end the child when the parent ends everywhere, is revoked by id, or its refresh token is replayed', async () => {
    const a = await parentAndChild();
    expect((await post('/api/v1/auth/logout-all', a.parent.headers)).statusCode).toBe(204);
    await expectEnded(a.child);

    const b = await parentAndChild();
    const parentId = await sessionIdOf(b.parent.accessToken);
    const revoked = await lawyerPortal.inject({
      method: 'DELETE',
      url: `/api/v1/auth/sessions/${parentId}`,
      headers: b.parent.headers,
    });
    expect(revoked.statusCode).toBe(204);
    await expectEnded(b.child);

    const c = await parentAndChild();
    expect((await refresh(c.parent.refreshToken)).statusCode).toBe(200);
    expect((await refresh(c.parent.refreshToken)).json().code).toBe('REFRESH_TOKEN_REUSED');
    await expectEnded(c.child);
  });

  it('should end the child when an org_admin force-logs-out the parent’s user', async () => {
    const admin = await signedInMember(lawyerPortal, { role: 'org_admin' });
    const { parent, child } = await parentAndChild({ role: 'lawyer', orgId: admin.orgId });
    const res = await post(`/api/v1/admin/users/${parent.userId}/logout`, admin.headers);
    expect(res.statusCode).toBe(204);
    await expectEnded(child);
  });

  it('should end grandchildren too, and a session switched from a child stays bound to the parent', async () => {
    const { parent, child } = await parentAndChild();
    const { code } = (await issue(lawyerPortal, bearer(child.accessToken), LAWYERS)).json();
    const grandchild = (await redeem(lawyerPortal, code)).json();
    expect((await me(grandchild.accessToken)).statusCode).toBe(200);

    const other = await createMember(lawyerPortal, { role: 'reviewer' });
    await unsafeWithOwner(lawyerPortal.ctx.db, (tx) =>
      tx
        .updateTable('chambers.memberships')
        .set({ user_id: parent.userId })
        .where('user_id', '=', other.userId)
        .execute(),
    );
    const switched = await post('/api/v1/auth/switch-org', bearer(child.accessToken), { orgId: other.orgId });
    expect(switched.statusCode).toBe(200);
    const moved = switched.json();
    const movedRow = await sessionRow(await sessionIdOf(moved.accessToken));
    expect(movedRow.parent_session_id).toBe(await sessionIdOf(parent.accessToken));

    expect((await post('/api/v1/auth/logout', parent.headers)).statusCode).toBe(204);
    await expectEnded(grandchild);
    await expectEnded(moved);
  });

  it('should never let the child outlive the parent', async () => {
    const parent = await signedInMember(lawyerPortal, { role: 'lawyer' });
    // Work for a while first: a child opened now would naturally end later than its parent.
    clock.advance(20 * 60_000);
    expect((await me(parent.accessToken)).statusCode).toBe(200);
    const { code } = (await issue(lawyerPortal, parent.headers, LAWYERS)).json();
    const child = (await redeem(lawyerPortal, code)).json();
    const parentId = await sessionIdOf(parent.accessToken);
    const childRow = await sessionRow(await sessionIdOf(child.accessToken));
    const parentRow = await sessionRow(parentId);
    expect(childRow.parent_session_id).toBe(parentId);
    expect(new Date(childRow.expires_at).getTime()).toBeLessThanOrEqual(new Date(parentRow.expires_at).getTime());
  });

  it('should end the child at the parent’s absolute end', async () => {
    const parent = await signedInMember(lawyerPortal, { role: 'lawyer' });
    // A parent 40 minutes from its absolute end (fixture: signed in long ago).
    const end = new Date(clock.now().getTime() + 40 * 60_000);
    const parentId = await sessionIdOf(parent.accessToken);
    await unsafeWithOwner(lawyerPortal.ctx.db, (tx) =>
      tx.updateTable('chambers.sessions').set({ expires_at: end }).where('id', '=', parentId).execute(),
    );
    const { code } = (await issue(lawyerPortal, parent.headers, LAWYERS)).json();
    const child = (await redeem(lawyerPortal, code)).json();
    expect(new Date((await sessionRow(await sessionIdOf(child.accessToken))).expires_at).getTime()).toBe(end.getTime());
    clock.advance(25 * 60_000);
    // Still inside both lifetimes (and the idle window): the child refreshes as usual.
    const renewed = await refresh(child.refreshToken);
    expect(renewed.statusCode).toBe(200);
    clock.advance(16 * 60_000);
    const late = await me(renewed.json().accessToken);
    expect(late.statusCode).toBe(401);
    expect(late.json().code).toBe('SESSION_EXPIRED');
    expect((await refresh(renewed.json().refreshToken)).json().code).toBe('SESSION_EXPIRED');
  });

  it('should keep working for an honest user: a password change in the child keeps the child and its parent', async () => {
    const { parent, child } = await parentAndChild();
    const bystander = await login(lawyerPortal, parent.email);
    const changed = await post('/api/v1/auth/password/change', bearer(child.accessToken), {
      currentPassword: TEST_PASSWORD,
      newPassword: 'amber-lantern-slowly-83',
    });
    expect(changed.statusCode).toBe(204);
    expect((await me(child.accessToken)).statusCode).toBe(200);
    expect((await me(parent.accessToken)).statusCode).toBe(200);
    expect((await me(bystander.accessToken)).statusCode).toBe(401);
  });
});
