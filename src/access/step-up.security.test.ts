/**
 * Attack: an org_admin's laptop, signed in on a trusted device days ago, is left
 * unlocked. Whoever sits down sets retention to one day (destroying documents), lifts
 * a legal hold or rewrites an ethical wall, with no second factor asked. The step-up
 * window is derived from each route's declaration (administration: 12 h; destructive:
 * 10 min), so the walk below covers every route the app declares, new ones included.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInMember, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { unsafeWithOwner } from '../platform/db/index.ts';
import { RECENT_FACTOR } from './factor-policy.ts';
import { routeTableOf, stepUpWindowOf, type DeclaredRoute, type RouteAccess } from './route-access.ts';

type Guarded = DeclaredRoute & { access: Exclude<RouteAccess, { public: true }> };
const isAdminOnly = (a: Guarded['access']) =>
  a.superAdmin === true || (a.roles !== undefined && a.roles.length > 0 && a.roles.every((r) => r === 'org_admin'));

describe('step-up windows from the route table', () => {
  let t: TestApp;
  let admin: Awaited<ReturnType<typeof signedInMember>>;
  let routes: Guarded[];
  beforeAll(async () => {
    t = await startTestApp();
    admin = await signedInMember(t, { role: 'org_admin', superAdmin: true });
    routes = routeTableOf(t.app).filter((r): r is Guarded => !r.access.public);
  });
  afterAll(async () => t?.close());

  /** Makes the admin's sessions look as if their last second factor was `ago` ms before now. */
  const factorAgo = (ago: number) =>
    unsafeWithOwner(t.ctx.db, (tx) =>
      sql`UPDATE chambers.sessions SET mfa_verified_at = ${new Date(t.ctx.clock.now().getTime() - ago)} WHERE user_id = ${admin.userId}`.execute(
        tx,
      ),
    );
  const call = (r: DeclaredRoute) =>
    t.inject({
      method: r.method as 'GET',
      url: r.url.replace(/:[A-Za-z]+/g, '00000000-0000-4000-8000-000000000000').replace('*', 'x'),
      headers: admin.headers,
    });
  const stepUpAsked = async (r: DeclaredRoute) => {
    const res = await call(r);
    return res.statusCode === 401 && (res.json() as { code?: string }).code === 'STEP_UP_REQUIRED';
  };

  it('should give every administration route a window of at most 12 hours, and every destructive one at most 10 minutes', () => {
    const admins = routes.filter((r) => isAdminOnly(r.access));
    expect(admins.length).toBeGreaterThan(15);
    for (const r of admins.filter((x) => !x.access.stepUpExemptBecause))
      expect(stepUpWindowOf(r.access), `${r.method} ${r.url}`).toBeLessThanOrEqual(RECENT_FACTOR.admin);
    const destructive = routes.filter((r) => r.access.destructive).map((r) => `${r.method} ${r.url}`);
    expect(destructive).toEqual(
      expect.arrayContaining([
        'PUT /api/v1/document-policy',
        'PUT /api/v1/matters/:id/legal-hold',
        'PUT /api/v1/documents/:id/legal-hold',
      ]),
    );
    for (const r of routes.filter((x) => x.access.destructive))
      expect(stepUpWindowOf(r.access)).toBeLessThanOrEqual(RECENT_FACTOR.sensitive);
  });

  it('should exempt only the routes that say why, and only reads', () => {
    const exempt = routes.filter((r) => r.access.stepUpExemptBecause).map((r) => `${r.method} ${r.url}`);
    expect(exempt).toEqual(['GET /api/v1/audit/status']);
  });

  it('should ask for a second factor on every administration route once the last one is 13 hours old', async () => {
    await factorAgo(13 * 3600_000);
    const missed: string[] = [];
    for (const r of routes.filter((x) => isAdminOnly(x.access) && !x.access.stepUpExemptBecause))
      if (!(await stepUpAsked(r))) missed.push(`${r.method} ${r.url}`);
    expect(missed).toEqual([]);
    // The exempt status route still answers, so the admin banner keeps working on a trusted device.
    const status = await t.inject({ method: 'GET', url: '/api/v1/audit/status', headers: admin.headers });
    expect(status.statusCode).toBe(200);
  });

  it('should ask for it on destructive routes after 10 minutes, and not on the other administration routes', async () => {
    await factorAgo(30 * 60_000);
    const destructive = routes.filter((r) => r.access.destructive);
    for (const r of destructive) expect(await stepUpAsked(r), `${r.method} ${r.url}`).toBe(true);
    const others = routes.filter(
      (r) =>
        isAdminOnly(r.access) &&
        !r.access.destructive &&
        !r.access.stepUpExemptBecause &&
        (r.access.recentFactorMs ?? Infinity) > 30 * 60_000,
    );
    expect(others.length).toBeGreaterThan(5);
    for (const r of others) expect(await stepUpAsked(r), `${r.method} ${r.url}`).toBe(false);
  });
});
