import { afterAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { loadConfig } from '../platform/config.ts';

/**
 * A firm's server is not a public sign-up page: REGISTRATION defaults to invite-only, the register
 * route refuses with 403 REGISTRATION_CLOSED, and the web app is told to hide "Create an account".
 * (The test helper opens registration for the suites that sign people up.)
 */
describe('REGISTRATION', () => {
  const apps: TestApp[] = [];
  afterAll(async () => Promise.all(apps.map((t) => t.close())));
  const register = (t: TestApp) =>
    t.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { email: 'walk-in@example.com', password: 'a sturdy long passphrase 42', name: 'Walk In' },
    });

  it('should default to invite-only in production configuration', () => {
    expect(loadConfig({}).registration).toBe('invite-only');
    expect(() => loadConfig({ REGISTRATION: 'sometimes' })).toThrow(/REGISTRATION must be invite-only or open/);
  });

  it('should refuse self-registration with 403 REGISTRATION_CLOSED when invite-only, and say so to the web app', async () => {
    const t = await startTestApp({ env: { REGISTRATION: 'invite-only' } });
    apps.push(t);
    const res = await register(t);
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('REGISTRATION_CLOSED');
    expect(await t.mail()).toEqual([]);
    const config = await t.inject({ method: 'GET', url: '/api/v1/web/config' });
    expect(config.json().registrationOpen).toBe(false);
  });

  it('should accept it when open', async () => {
    const t = await startTestApp({ env: { REGISTRATION: 'open' } });
    apps.push(t);
    expect((await register(t)).statusCode).toBe(202);
    expect((await t.inject({ method: 'GET', url: '/api/v1/web/config' })).json().registrationOpen).toBe(true);
  });
});
