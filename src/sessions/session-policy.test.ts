import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oathtoolCode } from '../../test/helpers/mfa.ts';
import { bearer, createMember, login, startTestApp, TEST_PASSWORD, type TestApp } from '../../test/helpers/test-app.ts';
import { unsafeWithOwner } from '../platform/db/tenant.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

const mailTo = async (email: string) => (await t.mail()).filter((m) => m.to.includes(email));
const loginFrom = (email: string, userAgent: string) =>
  t.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password: TEST_PASSWORD },
    headers: { 'user-agent': userAgent },
  });

describe('session policies and account mail', () => {
  it('should end the other sessions when the organization allows one active session per user', async () => {
    const m = await createMember(t, { role: 'lawyer' });
    await unsafeWithOwner(t.ctx.db, (tx) =>
      sql`UPDATE chambers.organizations SET settings = '{"singleSession": true}' WHERE id = ${m.orgId}`.execute(tx),
    );
    const first = await login(t, m.email);
    expect((await t.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(first.accessToken) })).statusCode).toBe(
      200,
    );
    const second = await login(t, m.email);
    const old = await t.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(first.accessToken) });
    expect(old.statusCode).toBe(401);
    expect(old.json().code).toBe('SESSION_REVOKED');
    expect((await t.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(second.accessToken) })).statusCode).toBe(
      200,
    );
  });

  it('should keep several sessions where the organization does not restrict them', async () => {
    const m = await createMember(t, { role: 'lawyer' });
    const a = await login(t, m.email);
    await login(t, m.email);
    expect((await t.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(a.accessToken) })).statusCode).toBe(200);
  });

  it('should mail the user on a sign-in from a device it has not seen, and only then', async () => {
    const m = await createMember(t, { role: 'lawyer' });
    expect((await loginFrom(m.email, 'Firefox/140 (Linux)')).statusCode).toBe(200);
    expect((await mailTo(m.email)).filter((x) => /new sign-in/i.test(x.subject))).toHaveLength(1);
    await loginFrom(m.email, 'Firefox/140 (Linux)');
    expect((await mailTo(m.email)).filter((x) => /new sign-in/i.test(x.subject))).toHaveLength(1);
    await loginFrom(m.email, 'Safari/19 (iPhone)');
    const notices = (await mailTo(m.email)).filter((x) => /new sign-in/i.test(x.subject));
    expect(notices).toHaveLength(2);
    expect(notices[1]!.text).toContain('Safari/19');
    // A wrong password never triggers the notice (it would let anyone mail-bomb the owner).
    await t.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: m.email, password: 'wrong-password-entirely' },
      headers: { 'user-agent': 'Other/1' },
    });
    expect((await mailTo(m.email)).filter((x) => /new sign-in/i.test(x.subject))).toHaveLength(2);
  });

  it('should mail the user when a second factor is added or removed or backup codes are replaced', async () => {
    const m = await createMember(t, { role: 'lawyer' });
    const tokens = await login(t, m.email);
    const headers = bearer(tokens.accessToken);
    const { secret } = (await t.inject({ method: 'POST', url: '/api/v1/mfa/totp/enroll', headers })).json();
    expect(
      (
        await t.inject({
          method: 'POST',
          url: '/api/v1/mfa/totp/confirm',
          headers,
          payload: { code: oathtoolCode(secret) },
        })
      ).statusCode,
    ).toBe(200);
    // Enrolling does not verify this password-only session: step up before the sensitive changes.
    const stepUp = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/step-up',
      headers,
      payload: { totp: oathtoolCode(secret, new Date(), 1) },
    });
    expect(stepUp.statusCode).toBe(204);
    expect((await t.inject({ method: 'POST', url: '/api/v1/mfa/backup-codes/regenerate', headers })).statusCode).toBe(
      200,
    );
    expect((await t.inject({ method: 'DELETE', url: '/api/v1/mfa/totp', headers })).statusCode).toBe(204);
    const changes = (await mailTo(m.email))
      .filter((x) => /sign-in settings changed/i.test(x.subject))
      .map((x) => x.text);
    expect(changes).toHaveLength(3);
    expect(changes.join('\n')).toMatch(/authenticator app was set up[\s\S]*new backup codes[\s\S]*removed/);
  });
});
