import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createMember,
  signedInMember,
  startTestApp,
  TEST_PASSWORD,
  type TestApp,
} from '../../test/helpers/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

describe('organization security settings', () => {
  it('should let an org_admin require MFA for lawyers, after which a lawyer without a factor must enroll', async () => {
    const admin = await signedInMember(t, { role: 'org_admin' });
    const lawyer = await createMember(t, { role: 'lawyer', orgId: admin.orgId });
    const before = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: lawyer.email, password: TEST_PASSWORD },
    });
    expect(before.json().accessToken).toBeTruthy();

    const url = `/api/v1/orgs/${admin.orgId}/settings`;
    const res = await t.inject({
      method: 'PATCH',
      url,
      headers: admin.headers,
      payload: { mfaRequiredRoles: ['lawyer'], idleTimeoutMinutes: 15 },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ mfaRequiredRoles: ['lawyer'], idleTimeoutMinutes: 15, singleSession: false });
    expect((await t.inject({ method: 'GET', url, headers: admin.headers })).json().idleTimeoutMinutes).toBe(15);

    const after = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: lawyer.email, password: TEST_PASSWORD },
    });
    expect(after.json()).toEqual({ mfaEnrollmentRequired: true, enrollmentToken: expect.stringMatching(/^enr_/) });
  });

  it('should refuse loosening below the platform floor, unknown keys, other organizations and non-admins', async () => {
    const admin = await signedInMember(t, { role: 'org_admin' });
    const url = `/api/v1/orgs/${admin.orgId}/settings`;
    for (const payload of [
      { idleTimeoutMinutes: 1 },
      { mfaRequiredRoles: ['judge', 'nobody'] },
      { bypassRls: true },
      {},
    ]) {
      expect(
        (await t.inject({ method: 'PATCH', url, headers: admin.headers, payload })).statusCode,
        JSON.stringify(payload),
      ).toBe(400);
    }
    const other = await signedInMember(t, { role: 'org_admin' });
    expect(
      (await t.inject({ method: 'PATCH', url, headers: other.headers, payload: { singleSession: true } })).statusCode,
    ).toBe(404);
    const lawyer = await signedInMember(t, { role: 'lawyer', orgId: admin.orgId });
    expect(
      (await t.inject({ method: 'PATCH', url, headers: bearer(lawyer.accessToken), payload: { singleSession: true } }))
        .statusCode,
    ).toBe(403);
  });
});
