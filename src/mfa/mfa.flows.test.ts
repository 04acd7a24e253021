import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollFactorsDirectly, oathtoolCode } from '../../test/helpers/mfa.ts';
import { bearer, createMember, startTestApp, TEST_PASSWORD, type TestApp } from '../../test/helpers/test-app.ts';
import { manualClock } from '../platform/clock.ts';
import { unsafeWithOwner } from '../platform/db/tenant.ts';

const clock = manualClock(new Date());
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ clock });
});
afterAll(async () => t?.close());

const postLogin = (email: string, cookie?: string) =>
  t.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password: TEST_PASSWORD },
    headers: cookie ? { cookie } : {},
  });
const verify = (payload: Record<string, unknown>, headers: Record<string, string> = {}) =>
  t.inject({ method: 'POST', url: '/api/v1/auth/mfa/verify', payload, headers });
/** Moves the clock to a fresh TOTP step, so a test never collides with the previous one's replay guard. */
const nextStep = () => clock.advance(30_000);
const auditActions = async (userId: string) =>
  (
    await unsafeWithOwner(t.ctx.db, (tx) =>
      sql<{
        action: string;
        outcome: string;
      }>`SELECT action, outcome FROM audit.events WHERE actor_id = ${userId} ORDER BY id`.execute(tx),
    )
  ).rows;

describe('MFA enrollment forced by role', () => {
  it('should make a judge without a factor enroll before anything else, then sign them in', async () => {
    const judge = await createMember(t, { kind: 'court', role: 'judge', factors: false });
    const login = await postLogin(judge.email);
    expect(login.statusCode).toBe(200);
    expect(login.json()).toEqual({ mfaEnrollmentRequired: true, enrollmentToken: expect.stringMatching(/^enr_/) });
    const enrollmentToken = login.json().enrollmentToken as string;

    // The enrollment token opens the enrollment routes and nothing else.
    for (const url of ['/api/v1/me', '/api/v1/matters', '/api/v1/auth/sessions']) {
      const res = await t.inject({ method: 'GET', url, headers: bearer(enrollmentToken) });
      expect(res.statusCode, url).toBe(401);
    }

    const enroll = await t.inject({ method: 'POST', url: '/api/v1/mfa/totp/enroll', headers: bearer(enrollmentToken) });
    expect(enroll.statusCode).toBe(200);
    const { secret, otpauthUrl } = enroll.json() as { secret: string; otpauthUrl: string };
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(otpauthUrl).toContain(`secret=${secret}`);

    // The seed is stored encrypted, never in clear.
    const stored = await unsafeWithOwner(t.ctx.db, (tx) =>
      tx
        .selectFrom('chambers.mfa_totp')
        .select('secret_ciphertext')
        .where('user_id', '=', judge.userId)
        .executeTakeFirstOrThrow(),
    );
    expect(stored.secret_ciphertext).not.toContain(secret);

    const wrong = await t.inject({
      method: 'POST',
      url: '/api/v1/mfa/totp/confirm',
      headers: bearer(enrollmentToken),
      payload: { code: oathtoolCode(secret, clock.now(), 5) },
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().code).toBe('MFA_CODE_INVALID');

    const confirm = await t.inject({
      method: 'POST',
      url: '/api/v1/mfa/totp/confirm',
      headers: bearer(enrollmentToken),
      payload: { code: oathtoolCode(secret, clock.now()) },
    });
    expect(confirm.statusCode).toBe(200);
    const body = confirm.json();
    expect(body.backupCodes).toHaveLength(10);
    expect(new Set(body.backupCodes).size).toBe(10);
    for (const c of body.backupCodes) expect(c.replace(/-/g, '').length).toBeGreaterThanOrEqual(10);
    expect(body.accessToken).toBeTruthy();
    const me = await t.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(body.accessToken) });
    expect(me.json()).toMatchObject({
      user: { mfa: { totp: true, webauthn: 0 } },
      role: 'judge',
      portal: 'judge',
      session: { aal: 2 },
    });

    // The enrollment token is spent.
    const again = await t.inject({ method: 'POST', url: '/api/v1/mfa/totp/enroll', headers: bearer(enrollmentToken) });
    expect(again.statusCode).toBe(401);

    // Backup codes are stored hashed: none appears in the table.
    const hashes = await unsafeWithOwner(t.ctx.db, (tx) =>
      tx.selectFrom('chambers.mfa_backup_codes').select('code_hash').where('user_id', '=', judge.userId).execute(),
    );
    expect(hashes).toHaveLength(10);
    for (const h of hashes) for (const c of body.backupCodes) expect(h.code_hash).not.toContain(c.replace(/-/g, ''));
  });

  it('should send the first user made by setup through enrollment', async () => {
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/setup',
      payload: {
        token: t.setupToken,
        email: 'founder@example.com',
        password: TEST_PASSWORD,
        name: 'Founder',
        organization: { name: 'Founders LLP', kind: 'firm' },
      },
    });
    expect(res.statusCode).toBe(201);
    const login = await postLogin('founder@example.com');
    expect(login.json().mfaEnrollmentRequired).toBe(true);
  });

  it('should let a lawyer without a factor sign in with the password alone', async () => {
    const lawyer = await createMember(t, { role: 'lawyer' });
    const login = await postLogin(lawyer.email);
    expect(login.json().accessToken).toBeTruthy();
  });
});

describe('MFA at sign-in', () => {
  it('should sign in with a TOTP code and refuse the same code again in its time step', async () => {
    nextStep();
    const m = await createMember(t, { role: 'lawyer' });
    const { secret } = await enrollFactorsDirectly(t, m.userId);
    const first = await postLogin(m.email);
    expect(first.json()).toEqual({
      mfaRequired: true,
      mfaToken: expect.stringMatching(/^mfa_/),
      methods: ['totp', 'backup_code'],
    });
    const code = oathtoolCode(secret, clock.now());
    const ok = await verify({ mfaToken: first.json().mfaToken, totp: code });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().accessToken).toBeTruthy();

    const second = await postLogin(m.email);
    const replay = await verify({ mfaToken: second.json().mfaToken, totp: code });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().code).toBe('MFA_CODE_INVALID');
    // An older step than the last one used is a replay too.
    const older = await verify({ mfaToken: second.json().mfaToken, totp: oathtoolCode(secret, clock.now(), -1) });
    expect(older.json().code).toBe('MFA_CODE_INVALID');
    const next = await verify({ mfaToken: second.json().mfaToken, totp: oathtoolCode(secret, clock.now(), 1) });
    expect(next.statusCode).toBe(200);

    const actions = await auditActions(m.userId);
    expect(actions).toContainEqual({ action: 'mfa.verify', outcome: 'success' });
    expect(actions).toContainEqual({ action: 'mfa.verify', outcome: 'failure' });
  });

  it('should accept a backup code once, refuse it the second time, and mail the owner', async () => {
    const m = await createMember(t, { role: 'lawyer' });
    const { backupCodes } = await enrollFactorsDirectly(t, m.userId);
    const code = backupCodes[3]!;
    const ok = await verify({ mfaToken: (await postLogin(m.email)).json().mfaToken, backupCode: code.toUpperCase() });
    expect(ok.statusCode).toBe(200);
    const reused = await verify({ mfaToken: (await postLogin(m.email)).json().mfaToken, backupCode: code });
    expect(reused.statusCode).toBe(401);
    expect(reused.json().code).toBe('MFA_CODE_INVALID');
    const mail = (await t.mail()).filter((x) => x.to.includes(m.email));
    expect(mail.some((x) => /backup code was used/i.test(x.subject))).toBe(true);
    expect(await auditActions(m.userId)).toContainEqual({ action: 'mfa.backup_code_used', outcome: 'success' });
  });

  it('should kill an mfaToken after 5 wrong codes, even for the right code afterwards', async () => {
    nextStep();
    const m = await createMember(t, { role: 'lawyer' });
    const { secret } = await enrollFactorsDirectly(t, m.userId);
    const mfaToken = (await postLogin(m.email)).json().mfaToken;
    const wrong = oathtoolCode(secret, clock.now(), 10);
    for (let i = 0; i < 5; i++) expect((await verify({ mfaToken, totp: wrong })).json().code).toBe('MFA_CODE_INVALID');
    const right = await verify({ mfaToken, totp: oathtoolCode(secret, clock.now()) });
    expect(right.statusCode).toBe(401);
    expect(right.json().code).toBe('MFA_TOKEN_INVALID');
  });

  it('should refuse the 16th verification of an account within an hour', async () => {
    const m = await createMember(t, { role: 'lawyer' });
    const { secret } = await enrollFactorsDirectly(t, m.userId);
    let last = 0;
    for (let i = 0; i < 16; i++) {
      const mfaToken = (await postLogin(m.email)).json().mfaToken;
      const res = await verify({ mfaToken, totp: oathtoolCode(secret, clock.now(), 10) });
      last = res.statusCode;
      if (i < 15) expect(res.statusCode).toBe(401);
    }
    expect(last).toBe(429);
    clock.advance(61 * 60 * 1000);
    const after = await verify({
      mfaToken: (await postLogin(m.email)).json().mfaToken,
      totp: oathtoolCode(secret, clock.now()),
    });
    expect(after.statusCode).toBe(200);
  });
});

describe('trusted devices', () => {
  it('should skip the second factor on a trusted device, ignore a tampered or foreign cookie, and stop after revocation or a password change', async () => {
    nextStep();
    const m = await createMember(t, { role: 'lawyer' });
    const { secret } = await enrollFactorsDirectly(t, m.userId);
    const granted = await verify({
      mfaToken: (await postLogin(m.email)).json().mfaToken,
      totp: oathtoolCode(secret, clock.now()),
      trustDevice: true,
    });
    expect(granted.statusCode).toBe(200);
    const setCookie = ([] as string[])
      .concat(granted.headers['set-cookie'] ?? [])
      .find((c) => c.startsWith('__Host-chambers_td='));
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/Secure/);
    const cookie = setCookie!.split(';')[0]!;

    const trusted = await postLogin(m.email, cookie);
    expect(trusted.json().accessToken).toBeTruthy();

    const [id, mac] = cookie.split('=')[1]!.split('.');
    const tampered = `__Host-chambers_td=${id}.${mac!.slice(0, -2)}AA`;
    expect((await postLogin(m.email, tampered)).json().mfaRequired).toBe(true);

    const other = await createMember(t, { role: 'lawyer' });
    await enrollFactorsDirectly(t, other.userId);
    expect((await postLogin(other.email, cookie)).json().mfaRequired).toBe(true);

    const token = trusted.json().accessToken as string;
    const list = await t.inject({ method: 'GET', url: '/api/v1/mfa/trusted-devices', headers: bearer(token) });
    expect(list.json().devices).toHaveLength(1);
    const del = await t.inject({
      method: 'DELETE',
      url: `/api/v1/mfa/trusted-devices/${list.json().devices[0].id}`,
      headers: bearer(token),
    });
    expect(del.statusCode).toBe(204);
    expect((await postLogin(m.email, cookie)).json().mfaRequired).toBe(true);

    // A new trust, then a password change revokes every trusted device.
    nextStep();
    const again = await verify({
      mfaToken: (await postLogin(m.email)).json().mfaToken,
      totp: oathtoolCode(secret, clock.now()),
      trustDevice: true,
    });
    const cookie2 = ([] as string[])
      .concat(again.headers['set-cookie'] ?? [])
      .find((c) => c.startsWith('__Host-chambers_td='))!
      .split(';')[0]!;
    const changed = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/password/change',
      headers: bearer(again.json().accessToken),
      payload: { currentPassword: TEST_PASSWORD, newPassword: 'amber-lantern-drifts-slowly-82' },
    });
    expect(changed.statusCode).toBe(204);
    const afterChange = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: m.email, password: 'amber-lantern-drifts-slowly-82' },
      headers: { cookie: cookie2 },
    });
    expect(afterChange.json().mfaRequired).toBe(true);
    const actions = await auditActions(m.userId);
    expect(actions).toContainEqual({ action: 'mfa.trusted_device_granted', outcome: 'success' });
    expect(actions).toContainEqual({ action: 'mfa.trusted_device_revoked', outcome: 'success' });
  });
});

describe('step-up', () => {
  it('should ask an org_admin signed in on a trusted device to verify a factor before admin routes', async () => {
    nextStep();
    const admin = await createMember(t, { role: 'org_admin', factors: false });
    const { secret } = await enrollFactorsDirectly(t, admin.userId);
    const granted = await verify({
      mfaToken: (await postLogin(admin.email)).json().mfaToken,
      totp: oathtoolCode(secret, clock.now()),
      trustDevice: true,
    });
    // Right after a verified sign-in, admin routes are open.
    const members = `/api/v1/orgs/${admin.orgId}/members`;
    expect(
      (await t.inject({ method: 'GET', url: members, headers: bearer(granted.json().accessToken) })).statusCode,
    ).toBe(200);

    const cookie = ([] as string[])
      .concat(granted.headers['set-cookie'] ?? [])
      .find((c) => c.startsWith('__Host-chambers_td='))!
      .split(';')[0]!;
    const viaDevice = await postLogin(admin.email, cookie);
    const token = viaDevice.json().accessToken as string;
    const refused = await t.inject({ method: 'GET', url: members, headers: bearer(token) });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().code).toBe('STEP_UP_REQUIRED');

    nextStep();
    const stepUp = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/step-up',
      headers: bearer(token),
      payload: { totp: oathtoolCode(secret, clock.now()) },
    });
    expect(stepUp.statusCode).toBe(204);
    expect((await t.inject({ method: 'GET', url: members, headers: bearer(token) })).statusCode).toBe(200);
    expect(await auditActions(admin.userId)).toContainEqual({ action: 'mfa.step_up', outcome: 'success' });
  });

  it('should need a factor verified within 10 minutes to remove the authenticator', async () => {
    nextStep();
    const m = await createMember(t, { role: 'lawyer' });
    const { secret } = await enrollFactorsDirectly(t, m.userId);
    const signedIn = await verify({
      mfaToken: (await postLogin(m.email)).json().mfaToken,
      totp: oathtoolCode(secret, clock.now()),
    });
    const token = signedIn.json().accessToken as string;
    clock.advance(11 * 60 * 1000);
    const refused = await t.inject({ method: 'DELETE', url: '/api/v1/mfa/totp', headers: bearer(token) });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().code).toBe('STEP_UP_REQUIRED');
    const stepUp = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/step-up',
      headers: bearer(token),
      payload: { totp: oathtoolCode(secret, clock.now()) },
    });
    expect(stepUp.statusCode).toBe(204);
    const removed = await t.inject({ method: 'DELETE', url: '/api/v1/mfa/totp', headers: bearer(token) });
    expect(removed.statusCode).toBe(204);
    expect((await t.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(token) })).json().user.mfa.totp).toBe(
      false,
    );
    expect((await postLogin(m.email)).json().accessToken).toBeTruthy();
  });

  it('should not let a judge remove their only factor', async () => {
    nextStep();
    const judge = await createMember(t, { kind: 'court', role: 'judge', factors: false });
    const { secret } = await enrollFactorsDirectly(t, judge.userId);
    const signedIn = await verify({
      mfaToken: (await postLogin(judge.email)).json().mfaToken,
      totp: oathtoolCode(secret, clock.now()),
    });
    const res = await t.inject({
      method: 'DELETE',
      url: '/api/v1/mfa/totp',
      headers: bearer(signedIn.json().accessToken),
    });
    expect(res.statusCode).toBe(409);
  });

  it('should regenerate backup codes and void the old set', async () => {
    nextStep();
    const m = await createMember(t, { role: 'lawyer' });
    const { secret, backupCodes } = await enrollFactorsDirectly(t, m.userId);
    const signedIn = await verify({
      mfaToken: (await postLogin(m.email)).json().mfaToken,
      totp: oathtoolCode(secret, clock.now()),
    });
    const regen = await t.inject({
      method: 'POST',
      url: '/api/v1/mfa/backup-codes/regenerate',
      headers: bearer(signedIn.json().accessToken),
    });
    expect(regen.statusCode).toBe(200);
    const fresh = regen.json().backupCodes as string[];
    expect(fresh).toHaveLength(10);
    expect(
      (await verify({ mfaToken: (await postLogin(m.email)).json().mfaToken, backupCode: backupCodes[0] })).statusCode,
    ).toBe(401);
    expect(
      (await verify({ mfaToken: (await postLogin(m.email)).json().mfaToken, backupCode: fresh[0] })).statusCode,
    ).toBe(200);
  });
});
