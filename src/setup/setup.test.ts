import { oathtoolCode } from '../../test/helpers/mfa.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';

// The tests of this file run in order against one fresh deployment: refusals first,
// while the setup token is still unused, then the one setup that succeeds.
describe('first-run setup', () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await startTestApp();
    expect(t.setupToken).toEqual(expect.any(String));
    token = t.setupToken!;
  });
  afterAll(async () => t?.close());

  const PASSWORD = 'saffron-kestrel-harbour-82';
  const body = (over: Record<string, unknown> = {}) => ({
    token,
    email: 'founder@example.com',
    password: PASSWORD,
    name: 'Fiona Founder',
    organization: { name: 'Founders LLP', kind: 'firm' },
    ...over,
  });
  const setup = (payload: object) => t.inject({ method: 'POST', url: '/api/v1/setup', payload });
  const tryLogin = (email: string, password: string) =>
    t.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });

  it('should refuse a wrong token with 403 SETUP_TOKEN_INVALID and create nothing', async () => {
    for (const wrong of ['not-the-token', `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`]) {
      const res = await setup(body({ token: wrong, email: 'intruder@example.com' }));
      expect(res.statusCode).toBe(403);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json().code).toBe('SETUP_TOKEN_INVALID');
    }
    expect((await tryLogin('intruder@example.com', PASSWORD)).json().code).toBe('INVALID_CREDENTIALS');
  });

  it('should refuse a weak password with 422 PASSWORD_WEAK and leave the token usable and nothing half-written', async () => {
    for (const password of ['password123456', 'short', 'founder-is-my-name-42']) {
      const res = await setup(body({ password }));
      expect(res.statusCode, password).toBe(422);
      expect(res.json().code).toBe('PASSWORD_WEAK');
    }
    expect((await tryLogin('founder@example.com', 'password123456')).json().code).toBe('INVALID_CREDENTIALS');
  });

  it('should reject a malformed body with 400 VALIDATION_FAILED', async () => {
    for (const payload of [
      body({ organization: { name: 'X', kind: 'bank' } }),
      body({ email: 'not-an-email' }),
      body({ extra: true }),
    ]) {
      const res = await setup(payload);
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
    }
  });

  it('should create the first user as super_admin and org_admin with a verified address (201 {userId, orgId}), once even when raced', async () => {
    // Two simultaneous setups with the same token: exactly one wins.
    const [mine, rival] = await Promise.all([
      setup(body()),
      setup(body({ email: 'rival@example.com', name: 'Rita Rival' })),
    ]);
    expect([mine.statusCode, rival.statusCode].sort()).toEqual([201, 403]);
    const [res, loser] = mine.statusCode === 201 ? [mine, rival] : [rival, mine];
    const winner =
      mine.statusCode === 201
        ? { email: 'founder@example.com', name: 'Fiona Founder' }
        : { email: 'rival@example.com', name: 'Rita Rival' };
    expect(loser.json().code).toBe('SETUP_TOKEN_INVALID');
    const { userId, orgId } = res.json();
    expect(userId).toMatch(/^[0-9a-f-]{36}$/);
    expect(orgId).toMatch(/^[0-9a-f-]{36}$/);

    // The first user is a super_admin: the first sign-in goes through MFA enrollment (docs/features.md, MFA).
    const signedIn = await tryLogin(winner.email, PASSWORD);
    expect(signedIn.statusCode).toBe(200);
    const { enrollmentToken } = signedIn.json();
    expect(enrollmentToken).toMatch(/^enr_/);
    const enroll = await t.inject({ method: 'POST', url: '/api/v1/mfa/totp/enroll', headers: bearer(enrollmentToken) });
    const confirm = await t.inject({
      method: 'POST',
      url: '/api/v1/mfa/totp/confirm',
      headers: bearer(enrollmentToken),
      payload: { code: oathtoolCode(enroll.json().secret) },
    });
    expect(confirm.statusCode).toBe(200);
    const session = confirm.json();
    expect(session).toMatchObject({
      user: { id: userId, ...winner },
      org: { id: orgId, name: 'Founders LLP', kind: 'firm', role: 'org_admin' },
    });
    const headers = bearer(session.accessToken);

    // org_admin: sees the members of the organization.
    const members = await t.inject({ method: 'GET', url: `/api/v1/orgs/${orgId}/members`, headers });
    expect(members.statusCode).toBe(200);
    expect(members.json().members).toEqual([expect.objectContaining({ userId, role: 'org_admin' })]);
    // super_admin: may open another organization.
    const another = await t.inject({
      method: 'POST',
      url: '/api/v1/orgs',
      headers,
      payload: { name: 'Second Court', kind: 'court' },
    });
    expect(another.statusCode).toBe(201);
  });

  it('should accept the token only once (403 SETUP_TOKEN_INVALID afterwards)', async () => {
    const res = await setup(body({ email: 'second@example.com' }));
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('SETUP_TOKEN_INVALID');
    expect((await tryLogin('second@example.com', PASSWORD)).json().code).toBe('INVALID_CREDENTIALS');
  });
});
