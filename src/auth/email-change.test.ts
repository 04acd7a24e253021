import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oathtoolCode } from '../../test/helpers/mfa.ts';
import {
  bearer,
  createMember,
  factorsOf,
  login,
  signedInMember,
  startTestApp,
  TEST_PASSWORD,
  type TestApp,
} from '../../test/helpers/test-app.ts';
import { manualClock } from '../platform/clock.ts';

const clock = manualClock(new Date());
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ clock });
});
afterAll(async () => t?.close());

const change = (headers: Record<string, string>, newEmail: string, currentPassword = TEST_PASSWORD) =>
  t.inject({ method: 'POST', url: '/api/v1/auth/email/change', headers, payload: { newEmail, currentPassword } });
const confirm = (headers: Record<string, string>, newEmail: string, code: string) =>
  t.inject({ method: 'POST', url: '/api/v1/auth/email/confirm', headers, payload: { newEmail, code } });

describe('changing the sign-in address', () => {
  it('should move the account once the new address confirms its code, end the other sessions and tell the old address', async () => {
    const m = await signedInMember(t, { role: 'lawyer' });
    const other = await login(t, m.email);
    const newEmail = `moved-${m.userId.slice(0, 8)}@example.org`;
    expect((await change(m.headers, newEmail)).statusCode).toBe(202);
    const code = await t.latestCode(newEmail);
    expect((await confirm(m.headers, newEmail, code === '000000' ? '111111' : '000000')).json().code).toBe(
      'CODE_INVALID',
    );
    const ok = await confirm(m.headers, newEmail, code);
    expect(ok.statusCode).toBe(200);
    expect((await t.inject({ method: 'GET', url: '/api/v1/me', headers: m.headers })).json().user.email).toBe(newEmail);
    expect((await t.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(other.accessToken) })).statusCode).toBe(
      401,
    );
    expect((await t.mail()).some((x) => x.to.includes(m.email) && /address was changed/i.test(x.subject))).toBe(true);
    expect(
      (
        await t.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: newEmail, password: TEST_PASSWORD },
        })
      ).statusCode,
    ).toBe(200);
    expect(
      (
        await t.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: m.email, password: TEST_PASSWORD },
        })
      ).json().code,
    ).toBe('INVALID_CREDENTIALS');
  });

  it('should refuse without the current password', async () => {
    const m = await signedInMember(t, { role: 'lawyer' });
    const res = await change(m.headers, 'elsewhere@example.org', 'not-my-password-at-all');
    expect(res.statusCode).toBe(401);
  });

  it('should answer the same for a taken address and send its owner a notice, not a code', async () => {
    const m = await signedInMember(t, { role: 'lawyer' });
    const taken = await createMember(t, { role: 'lawyer' });
    expect((await change(m.headers, taken.email)).statusCode).toBe(202);
    await expect(t.latestCode(taken.email)).rejects.toThrow(/no code/);
  });

  it('should not let another user confirm a code meant for someone else', async () => {
    const a = await signedInMember(t, { role: 'lawyer' });
    const b = await signedInMember(t, { role: 'lawyer' });
    const target = `shared-${a.userId.slice(0, 8)}@example.org`;
    await change(a.headers, target);
    const code = await t.latestCode(target);
    expect((await confirm(b.headers, target, code)).json().code).toBe('CODE_INVALID');
  });

  it('should need a factor verified within 10 minutes when the account has one', async () => {
    const admin = await signedInMember(t, { role: 'org_admin' });
    clock.advance(11 * 60 * 1000);
    const refused = await change(admin.headers, `admin-${admin.userId.slice(0, 8)}@example.org`);
    expect(refused.statusCode).toBe(401);
    expect(refused.json().code).toBe('STEP_UP_REQUIRED');
    // Two steps on, so the code is never one the sign-in already used.
    const stepUp = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/step-up',
      headers: admin.headers,
      payload: { totp: oathtoolCode(factorsOf(admin.email).secret, clock.now(), 1) },
    });
    expect(stepUp.statusCode).toBe(204);
    expect((await change(admin.headers, `admin-${admin.userId.slice(0, 8)}@example.org`)).statusCode).toBe(202);
  });
});
