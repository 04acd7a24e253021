// Attack: a hand-off code that moves a signed-in user between portals is a bearer
// credential. Stolen from a log or a referrer, it must be useless after 30 seconds,
// after its one use, on any portal but its target, and when altered in any byte.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, signedInMember, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { manualClock } from '../platform/clock.ts';
import { HANDOFF_TTL_MS } from './portal-handoff.ts';

const LAWYERS = 'https://lawyers.example.test';
const JUDGES = 'https://judges.example.test';
const clock = manualClock(new Date());
let lawyerPortal: TestApp;
let judgePortal: TestApp;

beforeAll(async () => {
  // Two portals of one deployment share the master key (here: the same key given to both apps).
  const key = Buffer.alloc(32, 7).toString('base64');
  lawyerPortal = await startTestApp({
    clock,
    env: { PUBLIC_URL: LAWYERS, PORTAL_ORIGINS: JUDGES, CHAMBERS_MASTER_KEY: key },
  });
  judgePortal = lawyerPortal; // same database and key; the audience check is what separates the portals
});
afterAll(async () => lawyerPortal?.close());

async function issue(t: TestApp, headers: Record<string, string>, audience: string) {
  return t.inject({ method: 'POST', url: '/api/v1/auth/handoff', headers, payload: { audience } });
}
const redeem = (t: TestApp, code: string) =>
  t.inject({ method: 'POST', url: '/api/v1/auth/handoff/redeem', payload: { code } });

describe('cross-portal hand-off', () => {
  it('should move a signed-in user to a portal naming itself as audience, once', async () => {
    const m = await signedInMember(lawyerPortal, { role: 'lawyer' });
    const issued = await issue(lawyerPortal, m.headers, `${LAWYERS}/some/page`);
    expect(issued.statusCode).toBe(201);
    const ok = await redeem(lawyerPortal, issued.json().code);
    expect(ok.statusCode).toBe(200);
    const me = await lawyerPortal.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(ok.json().accessToken) });
    expect(me.json().user.id).toBe(m.userId);
    const replay = await redeem(lawyerPortal, issued.json().code);
    expect(replay.statusCode).toBe(401);
    expect(replay.json().code).toBe('HANDOFF_INVALID');
  });

  it('should refuse a code made for another portal', async () => {
    const m = await signedInMember(lawyerPortal, { role: 'lawyer' });
    const forJudges = await issue(lawyerPortal, m.headers, JUDGES);
    expect(forJudges.statusCode).toBe(201);
    // Presented to the lawyers' portal (whose PUBLIC_URL is LAWYERS): wrong audience.
    expect((await redeem(judgePortal, forJudges.json().code)).json().code).toBe('HANDOFF_INVALID');
  });

  it('should refuse an unknown target origin', async () => {
    const m = await signedInMember(lawyerPortal, { role: 'lawyer' });
    expect((await issue(lawyerPortal, m.headers, 'https://evil.example')).statusCode).toBe(400);
  });

  it('should refuse a code older than 30 seconds', async () => {
    const m = await signedInMember(lawyerPortal, { role: 'lawyer' });
    const { code } = (await issue(lawyerPortal, m.headers, LAWYERS)).json();
    clock.advance(HANDOFF_TTL_MS + 1);
    expect((await redeem(lawyerPortal, code)).json().code).toBe('HANDOFF_INVALID');
  });

  it('should refuse a code with any part altered', async () => {
    const m = await signedInMember(lawyerPortal, { role: 'lawyer' });
    const { code } = (await issue(lawyerPortal, m.headers, LAWYERS)).json() as { code: string };
    const [payload, mac] = code.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const otherUser = Buffer.from(JSON.stringify({ ...claims, sub: '00000000-0000-4000-8000-000000000000' })).toString(
      'base64url',
    );
    const longer = Buffer.from(JSON.stringify({ ...claims, exp: claims.exp + 3_600_000 })).toString('base64url');
    for (const forged of [
      `${otherUser}.${mac}`,
      `${longer}.${mac}`,
      `${payload}.${mac.slice(0, -3)}AAA`,
      payload,
      `${payload}.`,
    ]) {
      const res = await redeem(lawyerPortal, forged);
      expect(res.statusCode, forged.slice(0, 20)).toBe(401);
    }
    // The untouched code still works: the refusals above did not burn it.
    expect((await redeem(lawyerPortal, code)).statusCode).toBe(200);
  });
});
