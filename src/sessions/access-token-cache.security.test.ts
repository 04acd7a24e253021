import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../platform/clock.ts';
import { signedInMember, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';

/**
 * A token verified once is remembered (access-tokens.ts), so its RSA check is not
 * repeated. What must still hold for a remembered token: it expires on time, and
 * only the exact bytes that verified are remembered — a changed signature, header
 * or payload is verified afresh and refused.
 */
describe('the verified-token memory', () => {
  const clock = manualClock(new Date('2026-12-01T09:00:00Z'));
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ clock });
  });
  afterAll(() => t.close());

  const me = (token: string) =>
    t.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });

  it('refuses a remembered token once it has expired', async () => {
    const m = await signedInMember(t);
    expect((await me(m.accessToken)).statusCode).toBe(200);
    expect((await me(m.accessToken)).statusCode).toBe(200);
    clock.advance(31 * 60 * 1000);
    const res = await me(m.accessToken);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'TOKEN_EXPIRED' });
  });

  it('refuses a remembered token with any part changed', async () => {
    const m = await signedInMember(t);
    expect((await me(m.accessToken)).statusCode).toBe(200);
    const [header, payload, signature] = m.accessToken.split('.') as [string, string, string];
    // A character in the middle: the last one of a base64url part may carry padding bits
    // only ('A' and 'B' can decode to the same bytes), so changing it may change nothing.
    const flip = (s: string) => {
      const i = Math.floor(s.length / 2);
      return `${s.slice(0, i)}${s[i] === 'A' ? 'B' : 'A'}${s.slice(i + 1)}`;
    };
    // Another organization claimed in an otherwise identical payload.
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, org: '00000000-0000-4000-8000-000000000000' })).toString(
      'base64url',
    );
    for (const token of [
      `${header}.${payload}.${flip(signature)}`,
      `${header}.${forged}.${signature}`,
      `${flip(header)}.${payload}.${signature}`,
    ]) {
      const res = await me(token);
      expect(res.statusCode, token).toBe(401);
      expect(res.json()).toMatchObject({ code: 'TOKEN_INVALID' });
    }
    expect((await me(m.accessToken)).statusCode).toBe(200);
  });
});
