/*
 * Threat model: refresh tokens.
 *
 * A refresh token lives for weeks, so it is what an attacker most wants to steal
 * (from a device, a backup, a log). Rotation makes a stolen token useful once:
 * every use returns a new token and marks the old one used, and presenting a used
 * token is taken as evidence of theft (RFC 6819 §5.2.2.3, ASVS 10.4.5) — the whole
 * family (the session, its newest refresh token and its access token) is ended and
 * the event audited. The attacker may also:
 *   - race the legitimate client, presenting the same token twice at once, hoping
 *     both requests rotate it (two live families from one token);
 *   - replay the refresh token of a session that was logged out;
 *   - keep refreshing after being removed from the organization;
 *   - guess tokens.
 * On PostgreSQL the concurrent requests really run in parallel (each transaction
 * has its own connection), so the row lock is what is under test.
 */
import crypto from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createMember,
  login,
  signedInMember,
  startTestApp,
  type TestApp,
} from '../../test/helpers/test-app.ts';
import { unsafeWithOwner } from '../platform/db/tenant.ts';

const sidOf = (accessToken: string): string =>
  JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString('utf8')).sid;

function expectRefused(res: LightMyRequestResponse, code: string, presented?: string) {
  expect(res.statusCode, res.body).toBe(401);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.json().code).toBe(code);
  expect(res.body).not.toMatch(/stack|\.ts:\d+|node_modules/);
  if (presented) expect(res.body).not.toContain(presented);
}

describe('refresh-token attacks on POST /api/v1/auth/refresh', () => {
  let t: TestApp;
  const refresh = (refreshToken: string) =>
    t.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken } });
  const me = (accessToken: string) => t.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(accessToken) });

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it('control: a refresh token rotates once into a working pair', async () => {
    const m = await signedInMember(t);
    const res = await refresh(m.refreshToken);
    expect(res.statusCode, res.body).toBe(200);
    const next = res.json() as { accessToken: string; refreshToken: string };
    expect(next.refreshToken).not.toBe(m.refreshToken);
    expect(sidOf(next.accessToken)).toBe(sidOf(m.accessToken));
    expect((await me(next.accessToken)).statusCode).toBe(200);
    expect((await refresh(next.refreshToken)).statusCode).toBe(200);
  });

  it('reuse of a rotated refresh token → 401 REFRESH_TOKEN_REUSED, revokes the whole family, and is audited', async () => {
    const m = await signedInMember(t);
    const sid = sidOf(m.accessToken);
    // The legitimate client rotates twice; the attacker holds the first token.
    const r1 = (await refresh(m.refreshToken)).json() as { accessToken: string; refreshToken: string };
    const r2 = (await refresh(r1.refreshToken)).json() as { accessToken: string; refreshToken: string };
    expect((await me(r2.accessToken)).statusCode).toBe(200);

    expectRefused(await refresh(m.refreshToken), 'REFRESH_TOKEN_REUSED', m.refreshToken);

    // Every token of the family stops working: the newest refresh token and every access token of the session.
    const newest = await refresh(r2.refreshToken);
    expect(newest.statusCode).toBe(401);
    expect(newest.json().code).toMatch(/^(SESSION_REVOKED|REFRESH_TOKEN_REUSED)$/);
    for (const access of [m.accessToken, r1.accessToken, r2.accessToken])
      expectRefused(await me(access), 'SESSION_REVOKED', access);
    // And the middle one, already used, is refused as reuse as well.
    expect((await refresh(r1.refreshToken)).statusCode).toBe(401);

    const events = await unsafeWithOwner(t.ctx.db, (tx) =>
      tx
        .selectFrom('audit.events')
        .selectAll()
        .where('action', '=', 'auth.refresh_reuse_detected')
        .where('actor_id', '=', m.userId)
        .execute(),
    );
    expect(events.length).toBeGreaterThanOrEqual(1);
    const first = events[0];
    expect(first).toMatchObject({
      action: 'auth.refresh_reuse_detected',
      outcome: 'failure',
      org_id: m.orgId,
      target: `session:${sid}`,
    });
    // The log names the event, never the token.
    const row = JSON.stringify(events);
    for (const token of [m.refreshToken, r1.refreshToken, r2.refreshToken]) expect(row).not.toContain(token);

    const session = await unsafeWithOwner(t.ctx.db, (tx) =>
      tx
        .selectFrom('chambers.sessions')
        .select(['revoked_at', 'revoked_reason'])
        .where('id', '=', sid)
        .executeTakeFirstOrThrow(),
    );
    expect(session.revoked_at).not.toBeNull();
    expect(session.revoked_reason).toBe('refresh_token_reused');
  });

  it("reuse ends only the stolen family: the same user's other sessions keep working", async () => {
    const m = await createMember(t);
    const laptop = await login(t, m.email);
    const phone = await login(t, m.email);
    const rotated = (await refresh(phone.refreshToken)).json() as { accessToken: string; refreshToken: string };
    expectRefused(await refresh(phone.refreshToken), 'REFRESH_TOKEN_REUSED');
    expect((await me(rotated.accessToken)).statusCode).toBe(401);
    expect((await me(laptop.accessToken)).statusCode).toBe(200);
    expect((await refresh(laptop.refreshToken)).statusCode).toBe(200);
  });

  it('two CONCURRENT refreshes with the same token: exactly one gets 200 (10 rounds)', async () => {
    const m = await createMember(t);
    for (let round = 0; round < 10; round++) {
      const tokens = await login(t, m.email);
      const results = await Promise.all([refresh(tokens.refreshToken), refresh(tokens.refreshToken)]);
      const statuses = results.map((r) => r.statusCode).sort();
      expect(
        statuses,
        `round ${round}: ${results.map((r) => `${r.statusCode} ${r.statusCode === 200 ? 'new pair' : r.json().code}`).join(' | ')}`,
      ).toEqual([200, 401]);
      const loser = results.find((r) => r.statusCode === 401);
      expect(loser?.json().code).toBe('REFRESH_TOKEN_REUSED');
      // The race counts as reuse: the family is ended, so the winner's new refresh token does not live on.
      const winner = results.find((r) => r.statusCode === 200)?.json() as { refreshToken: string; accessToken: string };
      expect((await refresh(winner.refreshToken)).statusCode).toBe(401);
      expect((await me(winner.accessToken)).statusCode).toBe(401);
    }
    // Exactly one rotation per round was recorded as a success.
    const rotations = await unsafeWithOwner(t.ctx.db, (tx) =>
      tx
        .selectFrom('chambers.refresh_tokens as r')
        .innerJoin('chambers.sessions as s', 's.id', 'r.session_id')
        .select('r.id')
        .where('s.user_id', '=', m.userId)
        .where('r.used_at', 'is not', null)
        .execute(),
    );
    expect(rotations).toHaveLength(10);
  });

  it('a burst of 5 concurrent refreshes with one token still yields exactly one new pair', async () => {
    const m = await createMember(t);
    const tokens = await login(t, m.email);
    const results = await Promise.all(Array.from({ length: 5 }, () => refresh(tokens.refreshToken)));
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(1);
    for (const r of results.filter((x) => x.statusCode !== 200)) expectRefused(r, 'REFRESH_TOKEN_REUSED');
  });

  it('the refresh token of a logged-out session → 401 SESSION_REVOKED', async () => {
    const m = await signedInMember(t);
    expect((await t.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: m.headers })).statusCode).toBe(204);
    expectRefused(await refresh(m.refreshToken), 'SESSION_REVOKED', m.refreshToken);
    // Also after logout-all.
    const m2 = await signedInMember(t);
    const other = await login(t, m2.email);
    expect((await t.inject({ method: 'POST', url: '/api/v1/auth/logout-all', headers: m2.headers })).statusCode).toBe(
      204,
    );
    expectRefused(await refresh(other.refreshToken), 'SESSION_REVOKED', other.refreshToken);
  });

  it('the refresh token of a session whose membership was deleted → 401, and the session ends', async () => {
    const m = await signedInMember(t);
    await unsafeWithOwner(t.ctx.db, (tx) =>
      tx.deleteFrom('chambers.memberships').where('user_id', '=', m.userId).where('org_id', '=', m.orgId).execute(),
    );
    expectRefused(await refresh(m.refreshToken), 'SESSION_REVOKED', m.refreshToken);
    const session = await unsafeWithOwner(t.ctx.db, (tx) =>
      tx
        .selectFrom('chambers.sessions')
        .select('revoked_at')
        .where('id', '=', sidOf(m.accessToken))
        .executeTakeFirstOrThrow(),
    );
    expect(session.revoked_at).not.toBeNull();
  });

  it('a random or forged refresh token → 401 REFRESH_TOKEN_INVALID', async () => {
    const m = await signedInMember(t);
    for (const guess of [
      crypto.randomBytes(32).toString('base64url'),
      `${m.refreshToken.slice(0, -1)}${m.refreshToken.endsWith('A') ? 'B' : 'A'}`,
      m.refreshToken.toUpperCase() === m.refreshToken ? `${m.refreshToken}x` : m.refreshToken.toUpperCase(),
      "' OR 1=1 --",
      'x',
    ]) {
      expectRefused(await refresh(guess), 'REFRESH_TOKEN_INVALID', guess.length > 8 ? guess : undefined);
    }
    // None of the guesses touched the real family.
    expect((await refresh(m.refreshToken)).statusCode).toBe(200);
  });

  it('an access token presented as a refresh token, or an empty one, is refused without a 500', async () => {
    const m = await signedInMember(t);
    for (const payload of [
      { refreshToken: m.accessToken },
      { refreshToken: '' },
      { refreshToken: 'a'.repeat(10_000) },
      {},
    ]) {
      const res = await t.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload });
      expect([400, 401]).toContain(res.statusCode);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).not.toContain(m.accessToken);
    }
  });
});
