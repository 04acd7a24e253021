// Attack: a session in an organization that demands a second factor, obtained without one.
// A lawyer without MFA in firm A who is org_admin (or judge, or a role firm B marks
// MFA-required) in firm B must not reach B at aal 1 by any door: not by switch-org, not
// by a portal hand-off, not by refreshing a session whose role has since changed. Every
// door that hands out tokens is enumerated here twice — statically (only the minting
// module writes a session, a refresh token or an access token; mintSession's callers
// are a known list) and over HTTP (every route whose answer carries tokens, from the
// OpenAPI document, is exercised against the policy below) — so a new door fails this
// file until it goes through mintSession and is tested here.
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oathtoolCode } from '../../test/helpers/mfa.ts';
import { SoftAuthenticator } from '../../test/helpers/soft-authenticator.ts';
import { bearer, createMember, login, startTestApp, TEST_PASSWORD, type TestApp } from '../../test/helpers/test-app.ts';
import type { MemberRole } from '../platform/db/index.ts';
import { unsafeWithOwner } from '../platform/db/tenant.ts';

const ORIGIN = 'https://chambers.example.test';
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { PUBLIC_URL: ORIGIN } });
});
afterAll(async () => t?.close());

/** Every token-issuing route this file has driven against the policy (checked against the OpenAPI document at the end). */
const exercised = new Set<string>();
async function post(url: string, payload?: unknown, headers: Record<string, string> = {}) {
  exercised.add(`POST ${url}`);
  return t.inject({ method: 'POST', url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
}
const me = (accessToken: string) => t.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(accessToken) });

async function joinOrg(userId: string, role: MemberRole, kind: 'firm' | 'court' = 'firm', settings?: object) {
  return unsafeWithOwner(t.ctx.db, async (tx) => {
    const org = await tx
      .insertInto('chambers.organizations')
      .values({ name: `Org ${role}`, kind, ...(settings ? { settings: JSON.stringify(settings) } : {}) })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx.insertInto('chambers.memberships').values({ org_id: org.id, user_id: userId, role }).execute();
    return org.id;
  });
}
const setOrgSettings = (orgId: string, settings: object) =>
  unsafeWithOwner(t.ctx.db, (tx) =>
    sql`UPDATE chambers.organizations SET settings = ${JSON.stringify(settings)}::jsonb WHERE id = ${orgId}`.execute(
      tx,
    ),
  );

/** A lawyer of firm A without any second factor, signed in there at aal 1. */
async function plainLawyer() {
  const m = await createMember(t, { role: 'lawyer', orgName: 'Firm A' });
  const tokens = await login(t, m.email);
  expect((await me(tokens.accessToken)).json().session.aal).toBe(1);
  return { ...m, ...tokens };
}

describe('switch-org meets the target organization’s MFA policy, as a direct login would', () => {
  const targets: Array<[string, MemberRole, 'firm' | 'court', object | undefined]> = [
    ['org_admin of firm B', 'org_admin', 'firm', undefined],
    ['judge of a court', 'judge', 'court', undefined],
    ['lawyer of a firm that marks lawyers MFA-required', 'lawyer', 'firm', { mfaRequiredRoles: ['lawyer'] }],
  ];
  for (const [label, role, kind, settings] of targets) {
    it(`should not give a factor-less lawyer an aal-1 session as ${label}: enrollment first, like login`, async () => {
      const m = await plainLawyer();
      const orgB = await joinOrg(m.userId, role, kind, settings);

      const direct = await post('/api/v1/auth/login', { email: m.email, password: TEST_PASSWORD, orgId: orgB });
      expect(direct.statusCode).toBe(200);
      expect(direct.json()).toEqual({ mfaEnrollmentRequired: true, enrollmentToken: expect.any(String) });

      const switched = await post('/api/v1/auth/switch-org', { orgId: orgB }, bearer(m.accessToken));
      expect(switched.statusCode).toBe(200);
      expect(switched.json()).toEqual({ mfaEnrollmentRequired: true, enrollmentToken: expect.stringMatching(/^enr_/) });
      expect(switched.body).not.toMatch(/accessToken|refreshToken/);
      // The session that asked has ended (API: switch-org), and its refresh token with it.
      expect((await me(m.accessToken)).json().code).toBe('SESSION_REVOKED');
      expect((await post('/api/v1/auth/refresh', { refreshToken: m.refreshToken })).statusCode).toBe(401);
      // The enrollment token opens the enrollment routes only.
      expect((await me(switched.json().enrollmentToken)).statusCode).toBe(401);
    });
  }

  it('should finish the switch through enrollment (TOTP confirm) into an aal-2 session of the target', async () => {
    const m = await plainLawyer();
    const orgB = await joinOrg(m.userId, 'org_admin');
    const { enrollmentToken } = (await post('/api/v1/auth/switch-org', { orgId: orgB }, bearer(m.accessToken))).json();
    const enr = bearer(enrollmentToken);
    const { secret } = (await t.inject({ method: 'POST', url: '/api/v1/mfa/totp/enroll', headers: enr })).json();
    const confirmed = await post('/api/v1/mfa/totp/confirm', { code: oathtoolCode(secret) }, enr);
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.json().org).toMatchObject({ id: orgB, role: 'org_admin' });
    expect((await me(confirmed.json().accessToken)).json()).toMatchObject({ role: 'org_admin', session: { aal: 2 } });
  });

  it('should finish the switch through enrollment with a passkey into an aal-2 session of the target', async () => {
    const m = await plainLawyer();
    const court = await joinOrg(m.userId, 'judge', 'court');
    const { enrollmentToken } = (await post('/api/v1/auth/switch-org', { orgId: court }, bearer(m.accessToken))).json();
    const enr = bearer(enrollmentToken);
    const opts = (
      await t.inject({ method: 'POST', url: '/api/v1/mfa/webauthn/register/options', headers: enr })
    ).json();
    const device = new SoftAuthenticator(ORIGIN);
    const res = await post(
      '/api/v1/mfa/webauthn/register/verify',
      { challengeId: opts.challengeId, response: device.create(opts.options) },
      enr,
    );
    expect(res.statusCode).toBe(201);
    expect((await me(res.json().accessToken)).json()).toMatchObject({ role: 'judge', session: { aal: 2 } });
  });

  it('should ask a user who has a factor (enrolled after signing in) to verify it, then land in the target at aal 2', async () => {
    const m = await plainLawyer();
    const headers = bearer(m.accessToken);
    const { secret } = (await t.inject({ method: 'POST', url: '/api/v1/mfa/totp/enroll', headers })).json();
    const { backupCodes } = (await post('/api/v1/mfa/totp/confirm', { code: oathtoolCode(secret) }, headers)).json();
    // Enrolling did not verify this password-only session: it is still aal 1.
    expect((await me(m.accessToken)).json().session.aal).toBe(1);
    const orgB = await joinOrg(m.userId, 'org_admin');

    const switched = await post('/api/v1/auth/switch-org', { orgId: orgB }, headers);
    expect(switched.json()).toEqual({
      mfaRequired: true,
      mfaToken: expect.stringMatching(/^mfa_/),
      methods: ['totp', 'backup_code'],
    });
    const verified = await post('/api/v1/auth/mfa/verify', {
      mfaToken: switched.json().mfaToken,
      backupCode: backupCodes[0],
    });
    expect(verified.statusCode).toBe(200);
    expect(verified.json().org).toMatchObject({ id: orgB, role: 'org_admin' });
    expect((await me(verified.json().accessToken)).json()).toMatchObject({ role: 'org_admin', session: { aal: 2 } });
  });

  it('should ask a passkey holder for the passkey, then land in the target at aal 2', async () => {
    const m = await plainLawyer();
    const headers = bearer(m.accessToken);
    const device = new SoftAuthenticator(ORIGIN);
    const regOpts = (await t.inject({ method: 'POST', url: '/api/v1/mfa/webauthn/register/options', headers })).json();
    const reg = await post(
      '/api/v1/mfa/webauthn/register/verify',
      { challengeId: regOpts.challengeId, response: device.create(regOpts.options) },
      headers,
    );
    expect(reg.statusCode).toBe(201);
    expect(reg.json().accessToken).toBeUndefined(); // in a session, registering opens no new one
    const court = await joinOrg(m.userId, 'judge', 'court');

    const switched = (await post('/api/v1/auth/switch-org', { orgId: court }, headers)).json();
    expect(switched).toMatchObject({ mfaRequired: true, methods: ['webauthn'] });
    const options = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/mfa/webauthn/options',
      payload: { mfaToken: switched.mfaToken },
    });
    const verified = await post('/api/v1/auth/mfa/webauthn/verify', {
      mfaToken: switched.mfaToken,
      response: device.get(options.json()),
    });
    expect(verified.statusCode).toBe(200);
    expect((await me(verified.json().accessToken)).json()).toMatchObject({ role: 'judge', session: { aal: 2 } });

    // Passwordless sign-in with the same passkey, straight into the court: a user-verifying passkey is aal 2.
    const o = (await t.inject({ method: 'POST', url: '/api/v1/auth/passkey/options' })).json();
    const direct = await post('/api/v1/auth/passkey/verify', {
      challengeId: o.challengeId,
      response: device.get(o.options),
      orgId: court,
    });
    expect(direct.statusCode).toBe(200);
    expect((await me(direct.json().accessToken)).json()).toMatchObject({ role: 'judge', session: { aal: 2 } });
  });

  it('should switch straight away (honest users unchanged) where the session already meets the policy', async () => {
    // Signed in with a second factor: aal 2 carries over to an org_admin membership.
    const admin = await createMember(t, { role: 'org_admin', orgName: 'Firm A' });
    const tokens = await login(t, admin.email);
    const court = await joinOrg(admin.userId, 'judge', 'court');
    const there = await post('/api/v1/auth/switch-org', { orgId: court }, bearer(tokens.accessToken));
    expect(there.statusCode).toBe(200);
    expect((await me(there.json().accessToken)).json()).toMatchObject({ role: 'judge', session: { aal: 2 } });

    // A password-only lawyer moving to another firm that asks nothing more: tokens, as before.
    const m = await plainLawyer();
    const other = await joinOrg(m.userId, 'reviewer');
    const moved = await post('/api/v1/auth/switch-org', { orgId: other }, bearer(m.accessToken));
    expect(moved.json()).toMatchObject({ tokenType: 'Bearer', org: { id: other, role: 'reviewer' } });
    expect((await me(moved.json().accessToken)).json().session.aal).toBe(1);
  });

  it('should not let a switch outlive the session it replaces', async () => {
    const m = await plainLawyer();
    const other = await joinOrg(m.userId, 'reviewer');
    const moved = (await post('/api/v1/auth/switch-org', { orgId: other }, bearer(m.accessToken))).json();
    const rows = await unsafeWithOwner(t.ctx.db, (tx) =>
      tx.selectFrom('chambers.sessions').select(['id', 'expires_at']).where('user_id', '=', m.userId).execute(),
    );
    expect(rows).toHaveLength(2);
    const newId = (await me(moved.accessToken)).json().session.id;
    const endOf = (pick: (id: string) => boolean) => new Date(rows.find((r) => pick(r.id))!.expires_at).getTime();
    expect(endOf((id) => id === newId)).toBeLessThanOrEqual(endOf((id) => id !== newId));
  });
});

describe('the other doors apply the same policy', () => {
  it('login: the organization’s MFA-required roles and a user’s factor decide, before any token', async () => {
    const m = await createMember(t, { role: 'lawyer' });
    await setOrgSettings(m.orgId, { mfaRequiredRoles: ['lawyer'] });
    const res = await post('/api/v1/auth/login', { email: m.email, password: TEST_PASSWORD });
    expect(res.json()).toEqual({ mfaEnrollmentRequired: true, enrollmentToken: expect.any(String) });
  });

  it('refresh: a session whose role now requires a factor it lacks ends at its next refresh', async () => {
    const m = await plainLawyer();
    await setOrgSettings(m.orgId, { mfaRequiredRoles: ['lawyer'] });
    const refreshed = await post('/api/v1/auth/refresh', { refreshToken: m.refreshToken });
    expect(refreshed.statusCode).toBe(401);
    expect(refreshed.json().code).toBe('SESSION_REVOKED');
    expect((await me(m.accessToken)).json().code).toBe('SESSION_REVOKED');
    // Signing in again meets the enrollment step, as for anyone in that role.
    const again = await post('/api/v1/auth/login', { email: m.email, password: TEST_PASSWORD });
    expect(again.json().mfaEnrollmentRequired).toBe(true);
  });

  it('refresh: a promotion to org_admin ends a password-only session at its next refresh', async () => {
    const m = await plainLawyer();
    await unsafeWithOwner(t.ctx.db, (tx) =>
      tx
        .updateTable('chambers.memberships')
        .set({ role: 'org_admin' })
        .where('user_id', '=', m.userId)
        .where('org_id', '=', m.orgId)
        .execute(),
    );
    expect((await post('/api/v1/auth/refresh', { refreshToken: m.refreshToken })).json().code).toBe('SESSION_REVOKED');
  });

  it('refresh: an honest session refreshes as before', async () => {
    const m = await plainLawyer();
    const refreshed = await post('/api/v1/auth/refresh', { refreshToken: m.refreshToken });
    expect(refreshed.statusCode).toBe(200);
    expect((await me(refreshed.json().accessToken)).statusCode).toBe(200);
  });

  it('portal hand-off: a code from a session short of the factor its role now requires opens nothing', async () => {
    const m = await plainLawyer();
    const issued = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/handoff',
      headers: bearer(m.accessToken),
      payload: { audience: ORIGIN },
    });
    expect(issued.statusCode).toBe(201);
    await setOrgSettings(m.orgId, { mfaRequiredRoles: ['lawyer'] });
    const redeemed = await post('/api/v1/auth/handoff/redeem', { code: issued.json().code });
    expect(redeemed.statusCode).toBe(401);
    expect(redeemed.json().code).toBe('HANDOFF_INVALID');
  });

  it('portal hand-off: an aal-2 session hands off an aal-2 child in the same organization', async () => {
    const admin = await createMember(t, { role: 'org_admin' });
    const tokens = await login(t, admin.email);
    const { code } = (
      await t.inject({
        method: 'POST',
        url: '/api/v1/auth/handoff',
        headers: bearer(tokens.accessToken),
        payload: { audience: ORIGIN },
      })
    ).json();
    const redeemed = await post('/api/v1/auth/handoff/redeem', { code });
    expect(redeemed.statusCode).toBe(200);
    expect((await me(redeemed.json().accessToken)).json()).toMatchObject({ role: 'org_admin', session: { aal: 2 } });
  });
});

// --- enumeration: every door is this one ---

const SRC = path.resolve(import.meta.dirname, '..');
function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [p] : [];
  });
}
/** Every occurrence of a pattern in src/ (tests excepted), as "file: count", comments included (a commented call is still a hint). */
function occurrences(pattern: RegExp): Record<string, number> {
  const found: Record<string, number> = {};
  for (const file of sourceFiles(SRC)) {
    const n = (fs.readFileSync(file, 'utf8').match(new RegExp(pattern.source, `${pattern.flags}g`)) ?? []).length;
    if (n > 0) found[path.relative(path.dirname(SRC), file).split(path.sep).join('/')] = n;
  }
  return found;
}

/**
 * Who calls mintSession, and which routes reach it through that call. Refresh re-issues
 * tokens for an existing session inside the minting module itself. Adding a caller, or
 * a token-issuing route, means adding it here — and a test above.
 */
const MINT_CALLERS: Record<string, { calls: number; routes: string[] }> = {
  'src/auth/auth.service.ts': { calls: 2, routes: ['POST /api/v1/auth/login', 'POST /api/v1/auth/switch-org'] },
  // finishSignIn: every sign-in whose second factor (or user-verifying passkey) was just checked.
  'src/mfa/mfa.service.ts': {
    calls: 1,
    routes: [
      'POST /api/v1/auth/mfa/verify',
      'POST /api/v1/mfa/totp/confirm',
      'POST /api/v1/mfa/webauthn/register/verify',
      'POST /api/v1/auth/mfa/webauthn/verify',
      'POST /api/v1/auth/passkey/verify',
    ],
  },
  'src/sessions/portal-handoff.service.ts': { calls: 1, routes: ['POST /api/v1/auth/handoff/redeem'] },
  'src/sessions/session-minting.ts': { calls: 0, routes: ['POST /api/v1/auth/refresh'] },
};

describe('one door: nothing but the minting module makes a session or its tokens', () => {
  it('should insert sessions and refresh tokens, and sign access tokens, only in the minting module', () => {
    // The statements themselves live in the repository, each once.
    expect(occurrences(/insertInto\(\s*['"`]chambers\.sessions['"`]\s*\)/)).toEqual({
      'src/sessions/session.repository.ts': 1,
    });
    // Refresh tokens twice: with a new session (one statement for both) and on rotation.
    expect(occurrences(/insertInto\(\s*['"`]chambers\.refresh_tokens['"`]\s*\)/)).toEqual({
      'src/sessions/session.repository.ts': 2,
    });
    expect(occurrences(/insert\s+into\s+chambers\.(sessions|refresh_tokens)\b/i)).toEqual({});
    expect(occurrences(/\bSignJWT\b/)).toEqual({ 'src/sessions/access-tokens.ts': 2 });
    // ...and only the minting module calls them (the definitions are the other occurrence).
    expect(occurrences(/\binsertSession\(/)).toEqual({
      'src/sessions/session.repository.ts': 1,
      'src/sessions/session-minting.ts': 1,
    });
    expect(occurrences(/\binsertRefreshToken\(/)).toEqual({
      'src/sessions/session.repository.ts': 1,
      'src/sessions/session-minting.ts': 1,
    });
    expect(occurrences(/\bsignAccessToken\(/)).toEqual({
      'src/sessions/access-tokens.ts': 1,
      'src/sessions/session-minting.ts': 1,
    });
    // No SQL function opens a session behind the application's back either.
    const migrations = path.resolve(SRC, '../db/migrations');
    for (const f of fs.readdirSync(migrations))
      expect(fs.readFileSync(path.join(migrations, f), 'utf8'), f).not.toMatch(/insert\s+into\s+chambers\.sessions\b/i);
  });

  it('should call mintSession only from the known sign-in paths', () => {
    const calls = occurrences(/\bmintSession\(/);
    const expected = Object.fromEntries(
      Object.entries(MINT_CALLERS)
        .filter(([, v]) => v.calls > 0)
        .map(([file, v]) => [file, v.calls]),
    );
    // The definition itself is one more occurrence in the minting module.
    expect(calls).toEqual({ ...expected, 'src/sessions/session-minting.ts': 1 });
  });

  it('should have driven every token-issuing route of the API through the policy above', async () => {
    const spec = (await t.inject({ method: 'GET', url: '/api/openapi.json' })).json() as {
      paths: Record<string, Record<string, { responses?: unknown }>>;
    };
    const issuing = Object.entries(spec.paths).flatMap(([p, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => /"accessToken"|"refreshToken"/.test(JSON.stringify(op.responses ?? {})))
        .map(([method]) => `${method.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    const known = Object.values(MINT_CALLERS).flatMap((v) => v.routes);
    expect([...issuing].sort()).toEqual([...known].sort());
    // Each was called in this file (the tests above run first, in order).
    for (const route of known) expect(exercised.has(route), route).toBe(true);
  });
});
