import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { solveCaptcha } from '../../test/helpers/captcha.ts';
import { createMember, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';

/**
 * The captcha is enforced, not just computed: after 3 failed sign-ins a password is
 * not even checked without a solved ALTCHA proof of work (the default provider, no
 * outside service), a solution works once, and skipping the captcha still leads to
 * the lockout. Hosted providers (Turnstile, hCaptcha) are checked against a local
 * server speaking their siteverify protocol, and fail closed when it is down.
 */
const login = (t: TestApp, payload: Record<string, unknown>) =>
  t.inject({ method: 'POST', url: '/api/v1/auth/login', payload });

describe('captcha: ALTCHA by default', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { AUTH_RESPONSE_GRID_MS: '1', CAPTCHA_ALTCHA_MAX_NUMBER: '2000' } });
  });
  afterAll(async () => t?.close());

  it('should hand out a signed, never-cached challenge', async () => {
    const res = await t.inject({ method: 'GET', url: '/api/v1/auth/captcha' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.json()).toMatchObject({
      provider: 'altcha',
      challenge: { algorithm: 'SHA-256', maxnumber: 2000, signature: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
  });

  it('should refuse the right password after 3 failures until the captcha is solved, and accept a solution once', async () => {
    const m = await createMember(t);
    for (let i = 0; i < 3; i++) {
      const wrong = await login(t, { email: m.email, password: 'not-the-password-1' });
      expect(wrong.statusCode).toBe(401);
    }
    // Refused like a wrong password (the password is not even checked): nothing for a guesser to learn.
    const bare = await login(t, { email: m.email, password: m.password });
    expect(bare.statusCode).toBe(401);
    expect(bare.json()).toMatchObject({ code: 'INVALID_CREDENTIALS', captchaRequired: true });
    const token = await solveCaptcha(t);
    expect((await login(t, { email: m.email, password: m.password, captchaToken: token })).statusCode).toBe(200);

    // A forged solution, then the spent one again: both refused.
    for (let i = 0; i < 3; i++) await login(t, { email: m.email, password: 'not-the-password-1' });
    const forged = Buffer.from(
      JSON.stringify({
        algorithm: 'SHA-256',
        challenge: 'a'.repeat(64),
        number: 1,
        salt: 'x',
        signature: 'b'.repeat(64),
      }),
    ).toString('base64');
    const refused = await login(t, { email: m.email, password: m.password, captchaToken: forged });
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toMatchObject({ code: 'INVALID_CREDENTIALS', captchaRequired: true });
    const replay = await login(t, { email: m.email, password: m.password, captchaToken: token });
    expect(replay.statusCode).toBe(401);
    expect(replay.json()).toMatchObject({ code: 'INVALID_CREDENTIALS', captchaRequired: true });
  });

  it('should still lock the address when the captcha is skipped', async () => {
    const m = await createMember(t);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await login(t, { email: m.email, password: 'guess-123456789' })).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 423]);
    const withCaptcha = await login(t, { email: m.email, password: m.password, captchaToken: await solveCaptcha(t) });
    expect(withCaptcha.statusCode).toBe(423);
  });

  it('should ask a risky sign-up for the captcha and accept it solved', async () => {
    const payload = {
      email: `throwaway-${Date.now()}@mailinator.com`,
      password: 'copper-lantern-drifts-93',
      name: 'Ann Lee',
    };
    const bare = await t.inject({ method: 'POST', url: '/api/v1/auth/register', payload });
    expect(bare.statusCode).toBe(400);
    expect(bare.json()).toMatchObject({ code: 'CAPTCHA_REQUIRED', captchaRequired: true });
    const solved = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { ...payload, captchaToken: await solveCaptcha(t) },
    });
    expect(solved.statusCode).toBe(202);
  });
});

describe('captcha: a hosted provider (Turnstile siteverify protocol)', () => {
  let t: TestApp;
  let server: http.Server;
  const seen: URLSearchParams[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const form = new URLSearchParams(body);
        seen.push(form);
        const success = form.get('secret') === 'test-secret' && form.get('response') === 'widget-token-ok';
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ success, 'error-codes': success ? [] : ['invalid-input-response'] }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    t = await startTestApp({
      env: {
        AUTH_RESPONSE_GRID_MS: '1',
        CAPTCHA_PROVIDER: 'turnstile',
        CAPTCHA_SITE_KEY: 'site-key-1',
        CAPTCHA_SECRET: 'test-secret',
        CAPTCHA_VERIFY_URL: `http://127.0.0.1:${port}/siteverify`,
        SSRF_ALLOW_HOSTS: '127.0.0.1',
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    server?.close();
  });

  it('should tell the client which widget to show, and pass only tokens the provider accepts', async () => {
    expect((await t.inject({ method: 'GET', url: '/api/v1/auth/captcha' })).json()).toEqual({
      provider: 'turnstile',
      siteKey: 'site-key-1',
    });
    const m = await createMember(t);
    for (let i = 0; i < 3; i++) await login(t, { email: m.email, password: 'not-the-password-1' });
    expect((await login(t, { email: m.email, password: m.password, captchaToken: 'forged' })).statusCode).toBe(401);
    expect((await login(t, { email: m.email, password: m.password, captchaToken: 'widget-token-ok' })).statusCode).toBe(
      200,
    );
    expect(seen.at(-1)?.get('remoteip')).toBeTruthy();
  });

  it('should fail closed when the provider cannot be reached', async () => {
    const m = await createMember(t);
    for (let i = 0; i < 3; i++) await login(t, { email: m.email, password: 'not-the-password-1' });
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const res = await login(t, { email: m.email, password: m.password, captchaToken: 'widget-token-ok' });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'INVALID_CREDENTIALS', captchaRequired: true });
  });
});
