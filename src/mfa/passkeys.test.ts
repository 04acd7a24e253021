import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SoftAuthenticator } from '../../test/helpers/soft-authenticator.ts';
import { bearer, createMember, login, startTestApp, TEST_PASSWORD, type TestApp } from '../../test/helpers/test-app.ts';

let t: TestApp;
let device: SoftAuthenticator;
beforeAll(async () => {
  t = await startTestApp({ env: { PUBLIC_URL: 'https://chambers.example.test' } });
  device = new SoftAuthenticator('https://chambers.example.test');
});
afterAll(async () => t?.close());

async function registerPasskey(headers: Record<string, string>, auth = device, name?: string) {
  const opts = await t.inject({ method: 'POST', url: '/api/v1/mfa/webauthn/register/options', headers });
  expect(opts.statusCode).toBe(200);
  const { challengeId, options } = opts.json();
  expect(options.rp.id).toBe('chambers.example.test');
  const response = auth.create(options);
  return t.inject({
    method: 'POST',
    url: '/api/v1/mfa/webauthn/register/verify',
    headers,
    payload: { challengeId, response, ...(name ? { name } : {}) },
  });
}

describe('passkeys', () => {
  it('should register several passkeys, list, rename and use one as a second factor', async () => {
    const m = await createMember(t, { role: 'lawyer' });
    const tokens = await login(t, m.email);
    const headers = bearer(tokens.accessToken);
    const first = await registerPasskey(headers, device, 'Laptop');
    expect(first.statusCode).toBe(201);
    expect(first.json().name).toBe('Laptop');
    const second = await registerPasskey(headers, new SoftAuthenticator('https://chambers.example.test'));
    expect(second.statusCode).toBe(201);

    const list = await t.inject({ method: 'GET', url: '/api/v1/mfa/webauthn/credentials', headers });
    expect(list.json().credentials.map((c: { name: string }) => c.name)).toEqual(['Laptop', 'Passkey 2']);
    const renamed = await t.inject({
      method: 'PATCH',
      url: `/api/v1/mfa/webauthn/credentials/${second.json().id}`,
      headers,
      payload: { name: 'Phone' },
    });
    expect(renamed.statusCode).toBe(204);

    // Next sign-in asks for the passkey.
    const pwd = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: m.email, password: TEST_PASSWORD },
    });
    expect(pwd.json()).toMatchObject({ mfaRequired: true, methods: ['webauthn'] });
    const mfaToken = pwd.json().mfaToken;
    const options = await t.inject({ method: 'POST', url: '/api/v1/auth/mfa/webauthn/options', payload: { mfaToken } });
    expect(options.statusCode).toBe(200);
    expect(options.json().allowCredentials).toHaveLength(2);
    const assertion = device.get(options.json());
    const verified = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/mfa/webauthn/verify',
      payload: { mfaToken, response: assertion },
    });
    expect(verified.statusCode).toBe(200);
    const me = await t.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(verified.json().accessToken) });
    expect(me.json()).toMatchObject({ user: { mfa: { webauthn: 2 } }, session: { aal: 2 } });

    // A replayed assertion (same challenge, same counter) is refused.
    const replay = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/mfa/webauthn/verify',
      payload: { mfaToken, response: assertion },
    });
    expect(replay.statusCode).toBe(401);
  });

  it('should refuse an assertion for another origin or with a forged signature', async () => {
    const m = await createMember(t, { role: 'lawyer' });
    const auth = new SoftAuthenticator('https://chambers.example.test');
    expect((await registerPasskey(bearer((await login(t, m.email)).accessToken), auth)).statusCode).toBe(201);
    const start = async () => {
      const mfaToken = (
        await t.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: m.email, password: TEST_PASSWORD },
        })
      ).json().mfaToken;
      const options = (
        await t.inject({ method: 'POST', url: '/api/v1/auth/mfa/webauthn/options', payload: { mfaToken } })
      ).json();
      return { mfaToken, options };
    };
    const phishing = await start();
    const fromPhishingSite = auth.get(phishing.options, { origin: 'https://chambers-login.example.evil' });
    expect(
      (
        await t.inject({
          method: 'POST',
          url: '/api/v1/auth/mfa/webauthn/verify',
          payload: { mfaToken: phishing.mfaToken, response: fromPhishingSite },
        })
      ).json().code,
    ).toBe('WEBAUTHN_FAILED');

    const forged = await start();
    const a = auth.get(forged.options);
    const sig = Buffer.from(a.response.signature, 'base64url');
    sig[sig.length - 1] = (sig[sig.length - 1] ?? 0) ^ 0xff;
    const tampered = { ...a, response: { ...a.response, signature: sig.toString('base64url') } };
    expect(
      (
        await t.inject({
          method: 'POST',
          url: '/api/v1/auth/mfa/webauthn/verify',
          payload: { mfaToken: forged.mfaToken, response: tampered },
        })
      ).statusCode,
    ).toBe(401);
  });

  it('should sign in without a password with a discoverable passkey and user verification', async () => {
    const m = await createMember(t, { role: 'lawyer' });
    const auth = new SoftAuthenticator('https://chambers.example.test');
    expect((await registerPasskey(bearer((await login(t, m.email)).accessToken), auth)).statusCode).toBe(201);

    const opts = await t.inject({ method: 'POST', url: '/api/v1/auth/passkey/options' });
    const { challengeId, options } = opts.json();
    expect(options.userVerification).toBe('required');
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/passkey/verify',
      payload: { challengeId, response: auth.get(options) },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().user.email).toBe(m.email);
    // The ceremony is single-use.
    const again = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/passkey/verify',
      payload: { challengeId, response: auth.get(options) },
    });
    expect(again.statusCode).toBe(401);

    // Without user verification, a passkey alone is not enough.
    const o2 = (await t.inject({ method: 'POST', url: '/api/v1/auth/passkey/options' })).json();
    const noUv = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/passkey/verify',
      payload: { challengeId: o2.challengeId, response: auth.get(o2.options, { userVerified: false }) },
    });
    expect(noUv.statusCode).toBe(401);
    expect(noUv.json().code).toBe('WEBAUTHN_FAILED');
  });

  it('should let a judge enroll with a passkey instead of an authenticator app', async () => {
    const judge = await createMember(t, { kind: 'court', role: 'judge', factors: false });
    const { enrollmentToken } = (
      await t.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: judge.email, password: TEST_PASSWORD },
      })
    ).json();
    const res = await registerPasskey(bearer(enrollmentToken), new SoftAuthenticator('https://chambers.example.test'));
    expect(res.statusCode).toBe(201);
    expect(res.json().accessToken).toBeTruthy();
    const me = await t.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(res.json().accessToken) });
    expect(me.json()).toMatchObject({ role: 'judge', session: { aal: 2 } });
  });

  it('should let a passkey-only admin on a trusted device step up with the passkey before admin routes', async () => {
    const admin = await createMember(t, { role: 'org_admin', factors: false });
    const key = new SoftAuthenticator('https://chambers.example.test');
    const { enrollmentToken } = (
      await t.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: admin.email, password: TEST_PASSWORD },
      })
    ).json();
    expect((await registerPasskey(bearer(enrollmentToken), key)).statusCode).toBe(201);

    // Sign in with the passkey and trust this device, then sign in again through the trusted device.
    const pwd = (
      await t.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: admin.email, password: TEST_PASSWORD },
      })
    ).json();
    const options = (
      await t.inject({ method: 'POST', url: '/api/v1/auth/mfa/webauthn/options', payload: { mfaToken: pwd.mfaToken } })
    ).json();
    const trusted = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/mfa/webauthn/verify',
      payload: { mfaToken: pwd.mfaToken, response: key.get(options), trustDevice: true },
    });
    const cookie = ([] as string[])
      .concat(trusted.headers['set-cookie'] ?? [])
      .find((c) => c.startsWith('__Host-chambers_td='))!
      .split(';')[0]!;
    const viaDevice = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: admin.email, password: TEST_PASSWORD },
      headers: { cookie },
    });
    const headers = bearer(viaDevice.json().accessToken);
    const members = `/api/v1/orgs/${admin.orgId}/members`;
    expect((await t.inject({ method: 'GET', url: members, headers })).json().code).toBe('STEP_UP_REQUIRED');

    const stepOptions = await t.inject({ method: 'POST', url: '/api/v1/auth/step-up/webauthn/options', headers });
    expect(stepOptions.statusCode).toBe(200);
    const { challengeId, options: o } = stepOptions.json();
    // A forged assertion does not count.
    const a = key.get(o);
    const forged = {
      ...a,
      response: { ...a.response, signature: Buffer.from('not a signature').toString('base64url') },
    };
    expect(
      (
        await t.inject({
          method: 'POST',
          url: '/api/v1/auth/step-up/webauthn/verify',
          headers,
          payload: { challengeId, response: forged },
        })
      ).statusCode,
    ).toBe(401);
    // The ceremony was spent by the failed attempt; a fresh one with a real assertion opens the admin routes.
    const fresh = (await t.inject({ method: 'POST', url: '/api/v1/auth/step-up/webauthn/options', headers })).json();
    const ok = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/step-up/webauthn/verify',
      headers,
      payload: { challengeId: fresh.challengeId, response: key.get(fresh.options) },
    });
    expect(ok.statusCode).toBe(204);
    expect((await t.inject({ method: 'GET', url: members, headers })).statusCode).toBe(200);
  });
});
