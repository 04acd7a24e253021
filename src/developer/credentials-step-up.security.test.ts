/**
 * Attack: an api_admin's session is stolen, or their laptop is left unlocked. The
 * developer portal mints credentials that reach the firm's data from anywhere, so an
 * api_admin must have a second factor at all, and minting or ending a credential (an
 * API key, a webhook signing secret) needs that factor within the last 10 minutes.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, signedInMember, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { unsafeWithOwner } from '../platform/db/index.ts';

type Member = Awaited<ReturnType<typeof signedInMember>>;

describe('developer credentials need a recent second factor', () => {
  let t: TestApp;
  let dev: Member;
  beforeAll(async () => {
    t = await startTestApp({ env: { SSRF_ALLOW_HOSTS: '127.0.0.1' } });
    dev = await signedInMember(t, { role: 'api_admin' });
  });
  afterAll(async () => t?.close());

  const factorAgo = (ms: number) =>
    unsafeWithOwner(t.ctx.db, (tx) =>
      sql`UPDATE chambers.sessions SET mfa_verified_at = ${new Date(t.ctx.clock.now().getTime() - ms)}
           WHERE user_id = ${dev.userId}`.execute(tx),
    );

  it('should make an api_admin without a second factor enroll one before anything else', async () => {
    const bare = await createMember(t, { role: 'api_admin', orgId: dev.orgId, factors: false });
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: bare.email, password: bare.password },
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { mfaEnrollmentRequired?: boolean; enrollmentToken?: string; accessToken?: string };
    expect(body.mfaEnrollmentRequired).toBe(true);
    expect(body.accessToken).toBeUndefined();
    const keys = await t.inject({
      method: 'GET',
      url: '/api/v1/developer/keys',
      headers: { authorization: `Bearer ${body.enrollmentToken}` },
    });
    expect(keys.statusCode).toBe(401);
  });

  it('should ask for the factor again to create or revoke a key and to create, rotate or delete a webhook', async () => {
    // Fresh from sign-in (factor just verified): everything goes through.
    const made = await t.inject({
      method: 'POST',
      url: '/api/v1/developer/keys',
      headers: dev.headers,
      payload: { name: 'Sync', mode: 'live', scopes: ['matters:read'] },
    });
    expect(made.statusCode, made.body).toBe(201);
    const keyId = (made.json() as { id: string }).id;
    const hook = await t.inject({
      method: 'POST',
      url: '/api/v1/developer/webhooks',
      headers: dev.headers,
      payload: { url: 'https://127.0.0.1:9/hook', events: ['matter.created'] },
    });
    expect(hook.statusCode, hook.body).toBe(201);
    const hookId = (hook.json() as { id: string }).id;

    await factorAgo(11 * 60_000);
    const guarded = [
      {
        method: 'POST' as const,
        url: '/api/v1/developer/keys',
        payload: { name: 'x', mode: 'live', scopes: ['matters:read'] },
      },
      { method: 'DELETE' as const, url: `/api/v1/developer/keys/${keyId}` },
      {
        method: 'POST' as const,
        url: '/api/v1/developer/webhooks',
        payload: { url: 'https://127.0.0.1:9/other', events: ['matter.created'] },
      },
      { method: 'POST' as const, url: `/api/v1/developer/webhooks/${hookId}/rotate-secret` },
      { method: 'DELETE' as const, url: `/api/v1/developer/webhooks/${hookId}` },
    ];
    for (const r of guarded) {
      const res = await t.inject({ ...r, headers: dev.headers });
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(401);
      expect(res.json()).toMatchObject({ code: 'STEP_UP_REQUIRED', stepUp: '/api/v1/auth/step-up' });
    }
    // Reading, and changing a key's limits, do not mint anything: no step-up.
    for (const url of ['/api/v1/developer/keys', '/api/v1/developer/webhooks', '/api/v1/developer/calls'])
      expect((await t.inject({ method: 'GET', url, headers: dev.headers })).statusCode, url).toBe(200);
    const limits = await t.inject({
      method: 'PATCH',
      url: `/api/v1/developer/keys/${keyId}`,
      headers: dev.headers,
      payload: { dailyQuota: 500 },
    });
    expect(limits.statusCode, limits.body).toBe(200);
    // A fresh factor (a step-up) opens them again.
    await factorAgo(0);
    const revoke = await t.inject({ method: 'DELETE', url: `/api/v1/developer/keys/${keyId}`, headers: dev.headers });
    expect(revoke.statusCode).toBe(204);
  });
});
