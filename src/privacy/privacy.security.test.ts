import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInMember, startTestApp, TEST_PASSWORD, type TestApp } from '../../test/helpers/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

const exportOf = async (headers: Record<string, string>) => {
  const { id } = (await t.inject({ method: 'POST', url: '/api/v1/me/export', headers })).json();
  for (let i = 0; i < 400; i++) {
    const s = (await t.inject({ method: 'GET', url: `/api/v1/me/exports/${id}`, headers })).json();
    if (s.status !== 'pending') return { id: id as string, url: new URL(s.downloadUrl as string) };
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('export never finished');
};

describe('privacy routes under attack', () => {
  it('should answer 401 to every privacy route without a session', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    for (const [method, url] of [
      ['POST', '/api/v1/me/export'],
      ['GET', `/api/v1/me/exports/${id}`],
      ['GET', `/api/v1/me/exports/${id}/download?token=${'x'.repeat(43)}`],
      ['DELETE', '/api/v1/me'],
    ] as const)
      expect((await t.inject({ method, url, payload: method === 'DELETE' ? {} : undefined })).statusCode, url).toBe(
        401,
      );
  });

  it('should not hand one person’s archive to another, even with the right token', async () => {
    const owner = await signedInMember(t, { role: 'lawyer' });
    const thief = await signedInMember(t, { role: 'lawyer' });
    const { url } = await exportOf(owner.headers);
    const stolen = await t.inject({ method: 'GET', url: `${url.pathname}${url.search}`, headers: thief.headers });
    expect(stolen.statusCode).toBe(410);
    // The owner's link still works afterwards: the thief's attempt did not consume it.
    const mine = await t.inject({ method: 'GET', url: `${url.pathname}${url.search}`, headers: owner.headers });
    expect(mine.statusCode).toBe(200);
  });

  it('should refuse a guessed or malformed token and bad ids with 4xx, never 500', async () => {
    const m = await signedInMember(t, { role: 'lawyer' });
    const { id } = await exportOf(m.headers);
    const guessed = await t.inject({
      method: 'GET',
      url: `/api/v1/me/exports/${id}/download?token=${'A'.repeat(43)}`,
      headers: m.headers,
    });
    expect(guessed.statusCode).toBe(410);
    for (const url of [
      `/api/v1/me/exports/not-a-uuid`,
      `/api/v1/me/exports/${id}/download`,
      `/api/v1/me/exports/${id}/download?token=short`,
    ])
      expect((await t.inject({ method: 'GET', url, headers: m.headers })).statusCode, url).toBe(400);
  });

  it('should refuse erasure with unknown fields or a missing phrase, and keep the account', async () => {
    const m = await signedInMember(t, { role: 'lawyer' });
    for (const payload of [
      { password: TEST_PASSWORD },
      { password: TEST_PASSWORD, confirmation: 'DELETE MY ACCOUNT', admin: true },
    ]) {
      const res = await t.inject({ method: 'DELETE', url: '/api/v1/me', headers: m.headers, payload });
      expect(res.statusCode).toBe(400);
    }
    expect((await t.inject({ method: 'GET', url: '/api/v1/me', headers: m.headers })).statusCode).toBe(200);
  });
});
