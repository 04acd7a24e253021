import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createMember, login, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';

// The web app (X-Chambers-Client: web) keeps its tokens in __Host- cookies that page
// scripts cannot read; a cookie-authenticated state change needs the session's CSRF token.
const WEB = { 'x-chambers-client': 'web' };
const AT = '__Host-chambers_at';
const RT = '__Host-chambers_rt';
const CSRF = '__Host-chambers_csrf';

type Cookie = {
  name: string;
  value: string;
  path?: string;
  domain?: string;
  secure?: boolean;
  httpOnly?: boolean;
  sameSite?: string;
  maxAge?: number;
};
const cookiesOf = (res: LightMyRequestResponse) => new Map((res.cookies as Cookie[]).map((c) => [c.name, c]));

describe('browser mode', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  /** A lawyer signed in as the web app: the three cookies' values. */
  async function webLogin() {
    const m = await createMember(t, { role: 'lawyer' });
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: WEB,
      payload: { email: m.email, password: m.password },
    });
    expect(res.statusCode).toBe(200);
    const jar = cookiesOf(res);
    return { ...m, res, at: jar.get(AT)!.value, rt: jar.get(RT)!.value, csrf: jar.get(CSRF)!.value };
  }

  it('should set __Host- cookies (Secure, HttpOnly tokens, Path=/, SameSite) at login and put no token in the body', async () => {
    const { res, email } = await webLogin();
    const jar = cookiesOf(res);
    for (const name of [AT, RT, CSRF]) {
      const c = jar.get(name);
      expect(c, name).toBeDefined();
      expect(c?.secure, name).toBe(true);
      expect(c?.path, name).toBe('/');
      expect(c?.domain, name).toBeUndefined();
      expect(c?.value.length, name).toBeGreaterThan(20);
    }
    expect(jar.get(AT)?.httpOnly).toBe(true);
    expect(jar.get(RT)?.httpOnly).toBe(true);
    expect(jar.get(CSRF)?.httpOnly).toBeFalsy();
    expect(jar.get(AT)?.sameSite?.toLowerCase()).toBe('lax');
    expect(jar.get(RT)?.sameSite?.toLowerCase()).toBe('strict');
    expect(jar.get(CSRF)?.sameSite?.toLowerCase()).toBe('strict');

    const body = res.json();
    expect(body.accessToken).toBeUndefined();
    expect(body.refreshToken).toBeUndefined();
    expect(res.body).not.toContain(jar.get(AT)!.value);
    expect(res.body).not.toContain(jar.get(RT)!.value);
    expect(body).toMatchObject({ tokenType: 'Bearer', user: { email }, org: { role: 'lawyer' } });
    expect(body.csrfToken).toBe(jar.get(CSRF)?.value);
  });

  it('should accept a GET authenticated by the cookie alone', async () => {
    const s = await webLogin();
    const res = await t.inject({ method: 'GET', url: '/api/v1/me', cookies: { [AT]: s.at } });
    expect(res.statusCode).toBe(200);
    expect(res.json().user.email).toBe(s.email);
  });

  it('should refuse a cookie-authenticated POST without the CSRF token or with a wrong one (403 CSRF_TOKEN_INVALID), and accept the right one', async () => {
    const s = await webLogin();
    const other = await webLogin();
    const create = (headers: Record<string, string>) =>
      t.inject({
        method: 'POST',
        url: '/api/v1/matters',
        headers,
        cookies: { [AT]: s.at, [CSRF]: s.csrf },
        payload: { title: 'From the browser' },
      });

    const wrongHeaders: Array<Record<string, string>> = [
      {},
      { 'x-csrf-token': 'forged' },
      { 'x-csrf-token': other.csrf },
    ];
    for (const headers of wrongHeaders) {
      const res = await create(headers);
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('CSRF_TOKEN_INVALID');
    }
    const list = await t.inject({ method: 'GET', url: '/api/v1/matters', cookies: { [AT]: s.at } });
    expect(list.json().matters).toEqual([]);

    const ok = await create({ 'x-csrf-token': s.csrf });
    expect(ok.statusCode).toBe(201);
    expect(ok.json().title).toBe('From the browser');
  });

  it('should refresh from the cookie only when the request carries X-Chambers-Client: web', async () => {
    const s = await webLogin();
    const bare = await t.inject({ method: 'POST', url: '/api/v1/auth/refresh', cookies: { [RT]: s.rt } });
    expect(bare.statusCode).toBe(401);
    expect(bare.json().code).toBe('REFRESH_TOKEN_INVALID');

    const res = await t.inject({ method: 'POST', url: '/api/v1/auth/refresh', headers: WEB, cookies: { [RT]: s.rt } });
    expect(res.statusCode).toBe(200);
    expect(res.json().accessToken).toBeUndefined();
    expect(res.json().refreshToken).toBeUndefined();
    const jar = cookiesOf(res);
    const at = jar.get(AT)?.value;
    const rt = jar.get(RT)?.value;
    expect(at).toBeDefined();
    expect(rt).toBeDefined();
    expect(rt).not.toBe(s.rt);
    expect((await t.inject({ method: 'GET', url: '/api/v1/me', cookies: { [AT]: at! } })).statusCode).toBe(200);
    // The CSRF token belongs to the session, which a refresh keeps.
    expect(jar.get(CSRF)?.value).toBe(s.csrf);
  });

  it('should need no CSRF token for a request authenticated by a Bearer header', async () => {
    const m = await createMember(t, { role: 'lawyer' });
    const tokens = await login(t, m.email);
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/matters',
      headers: bearer(tokens.accessToken),
      payload: { title: 'From an API client' },
    });
    expect(res.statusCode).toBe(201);
  });

  it('should clear the cookies at logout (which, made with the cookie, also needs the CSRF token)', async () => {
    const s = await webLogin();
    const refused = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: WEB,
      cookies: { [AT]: s.at },
    });
    expect(refused.statusCode).toBe(403);
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { ...WEB, 'x-csrf-token': s.csrf },
      cookies: { [AT]: s.at },
    });
    expect(res.statusCode).toBe(204);
    const jar = cookiesOf(res);
    for (const name of [AT, RT, CSRF]) expect(jar.get(name)?.value ?? '', name).toBe('');
    expect((await t.inject({ method: 'GET', url: '/api/v1/me', cookies: { [AT]: s.at } })).statusCode).toBe(401);
  });
});
