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
import { solveCaptcha } from '../../test/helpers/captcha.ts';
import { manualClock } from '../platform/clock.ts';
import { unsafeWithOwner } from '../platform/db/tenant.ts';

// One app for the whole file, on a clock the tests move: every test uses its own
// addresses, and time only ever goes forward.
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const STRONG = 'copper-lantern-drifts-93';
const STRONGER = 'amber-quarry-whistles-58';

let t: TestApp;
const clock = manualClock();

beforeAll(async () => {
  t = await startTestApp({ clock });
});
afterAll(async () => t?.close());

let seq = 0;
const uniqueEmail = (tag: string) => `${tag}-${++seq}-${Math.random().toString(36).slice(2, 8)}@example.com`;
const withoutRequestId = (body: Record<string, unknown>) => {
  const { requestId: _requestId, ...rest } = body;
  return rest;
};
/** Any six digits but the given ones. */
const otherCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

const post = (url: string, payload?: object, headers: Record<string, string> = {}) =>
  t.inject({ method: 'POST', url, headers, ...(payload ? { payload } : {}) });
const get = (url: string, headers: Record<string, string> = {}) => t.inject({ method: 'GET', url, headers });
const tryLogin = (email: string, password: string, extra: Record<string, unknown> = {}) =>
  post('/api/v1/auth/login', { email, password, ...extra });
const refresh = (refreshToken: string) => post('/api/v1/auth/refresh', { refreshToken });
const me = (accessToken: string) => get('/api/v1/me', bearer(accessToken));
const mailsTo = async (email: string) => (await t.mail()).filter((m) => m.to.toLowerCase() === email.toLowerCase());

/** Gives an organization an idle timeout long enough to watch absolute lifetimes. */
async function setIdleTimeout(orgId: string, minutes: number) {
  await unsafeWithOwner(t.ctx.db, (tx) =>
    tx
      .updateTable('chambers.organizations')
      .set({ settings: JSON.stringify({ idleTimeoutMinutes: minutes }) })
      .where('id', '=', orgId)
      .execute(),
  );
}

describe('registration and email verification', () => {
  it('should register (202), verify the mailed code (200) and then log in with a token pair and no organization', async () => {
    const email = uniqueEmail('new');
    const reg = await post('/api/v1/auth/register', { email, password: STRONG, name: 'Nora New' });
    expect(reg.statusCode).toBe(202);

    const early = await tryLogin(email, STRONG);
    expect(early.statusCode).toBe(403);
    expect(early.json().code).toBe('EMAIL_NOT_VERIFIED');

    const code = await t.latestCode(email);
    expect(code).toMatch(/^\d{6}$/);
    const verified = await post('/api/v1/auth/verify-email', { email, code });
    expect(verified.statusCode).toBe(200);

    const res = await tryLogin(email, STRONG);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ tokenType: 'Bearer', user: { email, name: 'Nora New' }, org: null });
    expect(body.accessToken).toEqual(expect.any(String));
    expect(body.refreshToken).toEqual(expect.any(String));
    expect(body.expiresIn).toBeGreaterThan(0);
    expect(body.user.id).toMatch(/^[0-9a-f-]{36}$/);

    const who = await me(body.accessToken);
    expect(who.statusCode).toBe(200);
    expect(who.json()).toMatchObject({ user: { id: body.user.id, email, name: 'Nora New' }, org: null, portal: null });
  });

  it('should refuse a wrong code with 400 CODE_INVALID and, after 5 wrong codes, even the right one with CODE_EXPIRED', async () => {
    const email = uniqueEmail('wrongcode');
    await post('/api/v1/auth/register', { email, password: STRONG, name: 'W' });
    const code = await t.latestCode(email);
    for (let i = 0; i < 5; i++) {
      const res = await post('/api/v1/auth/verify-email', { email, code: otherCode(code) });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('CODE_INVALID');
    }
    const right = await post('/api/v1/auth/verify-email', { email, code });
    expect(right.statusCode).toBe(400);
    expect(right.json().code).toBe('CODE_EXPIRED');
    expect((await tryLogin(email, STRONG)).json().code).toBe('EMAIL_NOT_VERIFIED');

    // Registering again mails a fresh code, and that one works.
    expect((await post('/api/v1/auth/register', { email, password: STRONG, name: 'W' })).statusCode).toBe(202);
    const fresh = await t.latestCode(email);
    expect((await post('/api/v1/auth/verify-email', { email, code: fresh })).statusCode).toBe(200);
    expect((await tryLogin(email, STRONG)).statusCode).toBe(200);
  });

  it('should refuse a code older than 30 minutes with 400 CODE_EXPIRED', async () => {
    const email = uniqueEmail('late');
    await post('/api/v1/auth/register', { email, password: STRONG, name: 'L' });
    const code = await t.latestCode(email);
    clock.advance(30 * MINUTE + 1_000);
    const res = await post('/api/v1/auth/verify-email', { email, code });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('CODE_EXPIRED');
  });

  it('should answer the same 202 for an existing verified address and mail its owner a warning, not a code', async () => {
    const owner = await createMember(t, { role: 'lawyer', email: uniqueEmail('taken') });
    const fresh = await post('/api/v1/auth/register', { email: uniqueEmail('fresh'), password: STRONG, name: 'X' });
    const res = await post('/api/v1/auth/register', { email: owner.email, password: STRONG, name: 'Intruder' });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual(fresh.json());

    const mails = await mailsTo(owner.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.subject).toMatch(/someone tried to register/i);
    expect(mails[0]?.text).not.toMatch(/\b\d{6}\b/);
    // The account is untouched: the owner's password still works, the intruder's does not.
    expect((await tryLogin(owner.email, TEST_PASSWORD)).statusCode).toBe(200);
    expect((await tryLogin(owner.email, STRONG)).statusCode).toBe(401);
  });

  it('should refuse weak and common passwords with 422 PASSWORD_WEAK and create nothing', async () => {
    const local = `margarethe.k${++seq}`;
    const email = `${local}@example.com`;
    for (const password of [
      'password123456',
      'qwerty123456',
      'iloveyou1234',
      `Blue-${local.toUpperCase()}-was-here!`,
    ]) {
      const res = await post('/api/v1/auth/register', { email, password, name: 'M' });
      expect(res.statusCode, password).toBe(422);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json().code).toBe('PASSWORD_WEAK');
    }
    expect(await mailsTo(email)).toEqual([]);
  });

  it('should refuse passwords over 128 characters and addresses over 254 characters with a problem code', async () => {
    for (const password of ['Zq8!x'.repeat(26), 'Zq8!x'.repeat(1000)]) {
      const res = await post('/api/v1/auth/register', { email: uniqueEmail('long'), password, name: 'L' });
      expect([400, 422]).toContain(res.statusCode);
      expect(res.json().code).toMatch(/^(PASSWORD_WEAK|VALIDATION_FAILED)$/);
    }
    const longEmail = `${'a'.repeat(243)}@example.com`;
    expect(longEmail.length).toBe(255);
    const res = await post('/api/v1/auth/register', { email: longEmail, password: STRONG, name: 'L' });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('VALIDATION_FAILED');
  });

  it('should treat "ＡLICE@Example.COM" (full-width, mixed case) and "alice@example.com" as one account (NFKC)', async () => {
    const reg = await post('/api/v1/auth/register', { email: 'ＡLICE@Example.COM', password: STRONG, name: 'Alice' });
    expect(reg.statusCode).toBe(202);
    const code = await t.latestCode('alice@example.com');
    expect((await post('/api/v1/auth/verify-email', { email: 'alice@example.com', code })).statusCode).toBe(200);

    const plain = await tryLogin('alice@example.com', STRONG);
    expect(plain.statusCode).toBe(200);
    expect(plain.json().user.email).toBe('alice@example.com');
    const fancy = await tryLogin(' ＡLICE@EXAMPLE.com', STRONG);
    expect(fancy.statusCode).toBe(200);
    expect(fancy.json().user.id).toBe(plain.json().user.id);
  });
});

describe('sessions and refresh tokens', () => {
  it('should describe the caller at GET /api/v1/me', async () => {
    const m = await signedInMember(t, { role: 'lawyer', orgName: 'Smith LLP' });
    const res = await me(m.accessToken);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      user: { id: m.userId, email: m.email, mfa: { totp: false, webauthn: 0 } },
      org: { id: m.orgId, name: 'Smith LLP', kind: 'firm', role: 'lawyer' },
      role: 'lawyer',
      portal: 'lawyer',
      session: { aal: 1 },
    });
    expect(body.session.id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await get('/api/v1/me')).statusCode).toBe(401);
  });

  it('should rotate the refresh token, and on reuse of an old one end the whole family, the newest tokens included', async () => {
    const m = await signedInMember(t, { role: 'lawyer' });
    const first = await refresh(m.refreshToken);
    expect(first.statusCode).toBe(200);
    const pair1 = first.json();
    expect(pair1.refreshToken).not.toBe(m.refreshToken);
    expect((await me(pair1.accessToken)).statusCode).toBe(200);
    const pair2 = (await refresh(pair1.refreshToken)).json();
    expect((await me(pair2.accessToken)).statusCode).toBe(200);

    const replay = await refresh(m.refreshToken);
    expect(replay.statusCode).toBe(401);
    expect(replay.json().code).toBe('REFRESH_TOKEN_REUSED');

    expect((await refresh(pair2.refreshToken)).statusCode).toBe(401);
    const access = await me(pair2.accessToken);
    expect(access.statusCode).toBe(401);
    expect(access.json().code).toBe('SESSION_REVOKED');
  });

  it('should end the session at logout (204): its access token gets 401 SESSION_REVOKED from the next request on', async () => {
    const m = await signedInMember(t, { role: 'lawyer' });
    expect((await post('/api/v1/auth/logout', undefined, m.headers)).statusCode).toBe(204);
    const res = await me(m.accessToken);
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('SESSION_REVOKED');
    expect((await refresh(m.refreshToken)).statusCode).toBe(401);
  });

  it('should end every session of the user at logout-all', async () => {
    const m = await signedInMember(t, { role: 'lawyer' });
    const other = await login(t, m.email);
    expect((await post('/api/v1/auth/logout-all', undefined, m.headers)).statusCode).toBe(204);
    for (const tokens of [m, other]) {
      expect((await me(tokens.accessToken)).statusCode).toBe(401);
      expect((await refresh(tokens.refreshToken)).statusCode).toBe(401);
    }
  });

  it("should list sessions with the current one marked, and end another one by id (someone else's id → 404)", async () => {
    const m = await signedInMember(t, { role: 'lawyer' });
    const laptop = await post(
      '/api/v1/auth/login',
      { email: m.email, password: m.password },
      { 'user-agent': 'Laptop/1.0' },
    );
    const laptopTokens = laptop.json();
    const laptopSession = (await me(laptopTokens.accessToken)).json().session.id;
    const currentSession = (await me(m.accessToken)).json().session.id;

    const list = await get('/api/v1/auth/sessions', m.headers);
    expect(list.statusCode).toBe(200);
    const sessions = list.json() as Array<{
      id: string;
      current: boolean;
      createdAt: string;
      lastSeenAt: string;
      ip: string | null;
      userAgent: string | null;
    }>;
    expect(sessions.map((s) => s.id).sort()).toEqual([currentSession, laptopSession].sort());
    expect(sessions.filter((s) => s.current).map((s) => s.id)).toEqual([currentSession]);
    expect(sessions.find((s) => s.id === laptopSession)).toMatchObject({
      userAgent: 'Laptop/1.0',
      current: false,
      createdAt: expect.any(String),
      lastSeenAt: expect.any(String),
    });

    const stranger = await signedInMember(t, { role: 'lawyer' });
    const strangerSession = (await me(stranger.accessToken)).json().session.id;
    const foreign = await t.inject({
      method: 'DELETE',
      url: `/api/v1/auth/sessions/${strangerSession}`,
      headers: m.headers,
    });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().code).toBe('NOT_FOUND');
    expect((await me(stranger.accessToken)).statusCode).toBe(200);

    const ended = await t.inject({
      method: 'DELETE',
      url: `/api/v1/auth/sessions/${laptopSession}`,
      headers: m.headers,
    });
    expect(ended.statusCode).toBe(204);
    expect((await me(laptopTokens.accessToken)).statusCode).toBe(401);
    expect((await me(m.accessToken)).statusCode).toBe(200);
    expect((await get('/api/v1/auth/sessions', m.headers)).json().map((s: { id: string }) => s.id)).toEqual([
      currentSession,
    ]);
  });
});

describe('password change and reset', () => {
  it('should refuse a wrong current password (401), and on success (204) end the other sessions, keep this one and mail the owner', async () => {
    const m = await signedInMember(t, { role: 'lawyer' });
    const other = await login(t, m.email);

    const wrong = await post(
      '/api/v1/auth/password/change',
      { currentPassword: 'not-the-password-1', newPassword: STRONGER },
      m.headers,
    );
    expect(wrong.statusCode).toBe(401);
    expect((await me(other.accessToken)).statusCode).toBe(200);

    const ok = await post(
      '/api/v1/auth/password/change',
      { currentPassword: m.password, newPassword: STRONGER },
      m.headers,
    );
    expect(ok.statusCode).toBe(204);
    expect((await me(m.accessToken)).statusCode).toBe(200);
    expect((await me(other.accessToken)).statusCode).toBe(401);
    expect((await refresh(other.refreshToken)).statusCode).toBe(401);

    expect((await tryLogin(m.email, STRONGER)).statusCode).toBe(200);
    expect((await tryLogin(m.email, m.password)).statusCode).toBe(401);
    expect((await mailsTo(m.email)).some((mail) => /password was changed/i.test(mail.subject))).toBe(true);
  });

  it('should answer forgot with 202 always, mail a code only to a known address, and reset (204) ending every session', async () => {
    const m = await signedInMember(t, { role: 'lawyer' });
    const unknown = uniqueEmail('nobody');
    const forUnknown = await post('/api/v1/auth/password/forgot', { email: unknown });
    const forKnown = await post('/api/v1/auth/password/forgot', { email: m.email });
    expect(forUnknown.statusCode).toBe(202);
    expect(forKnown.statusCode).toBe(202);
    expect(forUnknown.json()).toEqual(forKnown.json());
    expect(await mailsTo(unknown)).toEqual([]);

    const code = await t.latestCode(m.email);
    const wrong = await post('/api/v1/auth/password/reset', {
      email: m.email,
      code: otherCode(code),
      newPassword: STRONGER,
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().code).toBe('CODE_INVALID');
    const weak = await post('/api/v1/auth/password/reset', { email: m.email, code, newPassword: 'password123456' });
    expect(weak.statusCode).toBe(422);

    const reset = await post('/api/v1/auth/password/reset', { email: m.email, code, newPassword: STRONGER });
    expect(reset.statusCode).toBe(204);
    expect((await me(m.accessToken)).statusCode).toBe(401);
    expect((await refresh(m.refreshToken)).statusCode).toBe(401);
    expect((await tryLogin(m.email, STRONGER)).statusCode).toBe(200);
    expect((await tryLogin(m.email, m.password)).statusCode).toBe(401);
    // The code is single-use.
    expect(
      (await post('/api/v1/auth/password/reset', { email: m.email, code, newPassword: 'yet-another-long-phrase-7' }))
        .statusCode,
    ).toBe(400);
  });
});

describe('lockout after repeated failures', () => {
  it('should lock an address after 5 failures — 423 ACCOUNT_LOCKED with Retry-After even for the right password — asking for a captcha from the 3rd', async () => {
    const m = await createMember(t, { role: 'lawyer', email: uniqueEmail('lock') });
    for (let i = 1; i <= 5; i++) {
      const res = await tryLogin(m.email, `wrong-password-${i}-x`);
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe('INVALID_CREDENTIALS');
      if (i >= 3) expect(res.json().captchaRequired).toBe(true);
      else expect(res.json().captchaRequired).toBeUndefined();
    }
    const locked = await tryLogin(m.email, m.password);
    expect(locked.statusCode).toBe(423);
    expect(locked.json().code).toBe('ACCOUNT_LOCKED');
    const retryAfter = Number(locked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);

    clock.advance(14 * MINUTE);
    expect((await tryLogin(m.email, m.password)).statusCode).toBe(423);
    clock.advance(MINUTE + 1_000);
    // The lock has lifted; the address is still one under attack, so the captcha stays.
    expect((await tryLogin(m.email, m.password)).json()).toMatchObject({ captchaRequired: true });
    const captchaToken = await solveCaptcha(t);
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: m.email, password: m.password, captchaToken },
    });
    expect(res.statusCode).toBe(200);
  });

  it('should treat an unknown address like a wrong password: the same 401 bodies, then locked too', async () => {
    const known = await createMember(t, { role: 'lawyer', email: uniqueEmail('known') });
    const unknown = uniqueEmail('ghost');
    for (let i = 1; i <= 5; i++) {
      const a = await tryLogin(known.email, 'not-the-password-9');
      const b = await tryLogin(unknown, 'not-the-password-9');
      expect(a.statusCode).toBe(401);
      expect(b.statusCode).toBe(401);
      expect(withoutRequestId(b.json())).toEqual(withoutRequestId(a.json()));
      expect(b.headers['content-type']).toBe(a.headers['content-type']);
    }
    const a = await tryLogin(known.email, known.password);
    const b = await tryLogin(unknown, known.password);
    expect(a.statusCode).toBe(423);
    expect(b.statusCode).toBe(423);
    expect(b.json().code).toBe('ACCOUNT_LOCKED');
    expect(b.headers['retry-after']).toBeDefined();
  });

  it('should start counting again after a successful sign-in', async () => {
    const m = await createMember(t, { role: 'lawyer', email: uniqueEmail('reset-count') });
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 3; i++) expect((await tryLogin(m.email, 'not-the-password-9')).statusCode).toBe(401);
      // From the 3rd failure the right password needs the captcha too (without it: a 4th failure).
      expect((await tryLogin(m.email, m.password)).statusCode).toBe(401);
      const captchaToken = await solveCaptcha(t);
      const res = await t.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: m.email, password: m.password, captchaToken },
      });
      expect(res.statusCode).toBe(200);
    }
  });

  it('should let an org_admin unlock a member (204) at once, and answer 404 to an admin of another organization', async () => {
    const admin = await signedInMember(t, { role: 'org_admin' });
    const member = await createMember(t, { role: 'lawyer', orgId: admin.orgId, email: uniqueEmail('locked-member') });
    const outsider = await signedInMember(t, { role: 'org_admin' });
    for (let i = 0; i < 5; i++) await tryLogin(member.email, 'not-the-password-9');
    expect((await tryLogin(member.email, member.password)).statusCode).toBe(423);

    const foreign = await post(`/api/v1/admin/users/${member.userId}/unlock`, undefined, outsider.headers);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().code).toBe('NOT_FOUND');
    expect((await tryLogin(member.email, member.password)).statusCode).toBe(423);

    expect((await post(`/api/v1/admin/users/${member.userId}/unlock`, undefined, admin.headers)).statusCode).toBe(204);
    expect((await tryLogin(member.email, member.password)).statusCode).toBe(200);
  });
});

describe('idle timeout and absolute session lifetime', () => {
  it('should end a session idle for 31 minutes: the access token is refused and refresh answers 401 SESSION_EXPIRED', async () => {
    const m = await signedInMember(t, { role: 'lawyer' });
    clock.advance(31 * MINUTE);
    expect((await me(m.accessToken)).statusCode).toBe(401);
    const res = await refresh(m.refreshToken);
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('SESSION_EXPIRED');
  });

  it('should keep a session that is used every 29 minutes', async () => {
    const m = await signedInMember(t, { role: 'lawyer' });
    clock.advance(29 * MINUTE);
    expect((await me(m.accessToken)).statusCode).toBe(200);
    clock.advance(29 * MINUTE);
    const res = await refresh(m.refreshToken);
    expect(res.statusCode).toBe(200);
    expect((await me(res.json().accessToken)).statusCode).toBe(200);
  });

  it("should apply an organization's shorter idle timeout while the access token is still valid", async () => {
    const m = await signedInMember(t, { role: 'lawyer' });
    await setIdleTimeout(m.orgId, 10);
    clock.advance(11 * MINUTE);
    const res = await me(m.accessToken);
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('SESSION_EXPIRED');
  });

  it('should end judge and org_admin sessions after 12 hours and lawyer sessions after 30 days, however active', async () => {
    const admin = await signedInMember(t, { role: 'org_admin' });
    const lawyer = await signedInMember(t, { role: 'lawyer', orgId: admin.orgId });
    const judge = await signedInMember(t, { kind: 'court', role: 'judge' });
    // Idleness is not what this test is about: give both organizations a generous idle timeout.
    await setIdleTimeout(admin.orgId, 60 * 24 * 60);
    await setIdleTimeout(judge.orgId, 60 * 24 * 60);
    const current = { admin: admin.refreshToken, lawyer: lawyer.refreshToken, judge: judge.refreshToken };
    const rotate = async (who: keyof typeof current) => {
      const res = await refresh(current[who]);
      if (res.statusCode === 200) current[who] = res.json().refreshToken;
      return res;
    };

    clock.advance(12 * HOUR - 2 * MINUTE);
    for (const who of ['admin', 'lawyer', 'judge'] as const) expect((await rotate(who)).statusCode, who).toBe(200);
    clock.advance(3 * MINUTE);
    for (const who of ['admin', 'judge'] as const) {
      const res = await rotate(who);
      expect(res.statusCode, who).toBe(401);
      expect(res.json().code).toBe('SESSION_EXPIRED');
    }
    expect((await rotate('lawyer')).statusCode).toBe(200);

    clock.advance(30 * DAY - 12 * HOUR - 2 * MINUTE);
    expect((await rotate('lawyer')).statusCode).toBe(200);
    clock.advance(2 * MINUTE);
    const late = await rotate('lawyer');
    expect(late.statusCode).toBe(401);
    expect(late.json().code).toBe('SESSION_EXPIRED');
  });
});

describe('switching organization', () => {
  it('should sign in to the first membership, switch to another with new tokens, refuse the old token, and 404 for a foreign org', async () => {
    const m = await createMember(t, { role: 'lawyer', orgName: 'First Firm', email: uniqueEmail('two-orgs') });
    const second = await createMember(t, { role: 'org_admin', orgName: 'Second Firm' });
    const third = await createMember(t, { role: 'org_admin', orgName: 'Third Firm' });
    // Joined after the first membership, so the first stays the default.
    await unsafeWithOwner(t.ctx.db, (tx) =>
      tx
        .insertInto('chambers.memberships')
        .values({ org_id: second.orgId, user_id: m.userId, role: 'reviewer' })
        .execute(),
    );

    const first = await tryLogin(m.email, m.password);
    expect(first.statusCode).toBe(200);
    expect(first.json().org).toMatchObject({ id: m.orgId, name: 'First Firm', role: 'lawyer' });
    const old = first.json();

    const switched = await post('/api/v1/auth/switch-org', { orgId: second.orgId }, bearer(old.accessToken));
    expect(switched.statusCode).toBe(200);
    const next = switched.json();
    expect(next).toMatchObject({
      tokenType: 'Bearer',
      org: { id: second.orgId, name: 'Second Firm', kind: 'firm', role: 'reviewer' },
    });
    expect(next.accessToken).toEqual(expect.any(String));
    expect(next.refreshToken).toEqual(expect.any(String));
    const who = await me(next.accessToken);
    expect(who.json()).toMatchObject({ org: { id: second.orgId }, role: 'reviewer' });
    expect((await me(old.accessToken)).statusCode).toBe(401);

    const foreign = await post('/api/v1/auth/switch-org', { orgId: third.orgId }, bearer(next.accessToken));
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().code).toBe('NOT_FOUND');
    expect((await me(next.accessToken)).statusCode).toBe(200);
  });
});
