import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInMember, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { unsafeVerifyDatabaseLog } from '../cli/audit.cli.ts';
import { manualClock } from '../platform/clock.ts';
import { unsafeWithOwner } from '../platform/db/index.ts';
import { unsafeRunPurge } from './audit-retention.ts';

const DAY = 24 * 3600 * 1000;
const YEAR = 365 * DAY;
const SEVEN_YEARS = 7 * 365;

async function bulkEvents(t: TestApp, orgId: string, n: number): Promise<void> {
  await unsafeWithOwner(t.ctx.db, (tx) =>
    sql`INSERT INTO audit.events (org_id, action, outcome, details)
        SELECT ${orgId}::uuid, 'matter.view', 'success', jsonb_build_object('i', i) FROM generate_series(1, ${n}) AS i`.execute(
      tx,
    ),
  );
  await t.ctx.auditSealer.sealNow({ checkpoint: true });
}

const stats = async (t: TestApp, where = sql`true`) =>
  (
    await sql<{
      n: number;
      min: number | null;
    }>`SELECT count(*)::int AS n, min(seq)::bigint AS min FROM audit.events WHERE seq IS NOT NULL AND ${where}`.execute(
      t.ctx.db.owner,
    )
  ).rows[0]!;

/**
 * A firm that must keep its audit log 7 years sets that on its organization; the purge
 * keeps its events that long (and, the log being one tree, every later event), then
 * removes them. The deployment periods stay the floor.
 */
describe("an organization's longer audit retention", () => {
  const clock = manualClock();
  let t: TestApp;
  let other: Awaited<ReturnType<typeof signedInMember>>;
  let firm: Awaited<ReturnType<typeof signedInMember>>;
  let lawyer: Awaited<ReturnType<typeof signedInMember>>;
  const url = (orgId: string) => `/api/v1/orgs/${orgId}/audit/retention`;

  beforeAll(async () => {
    t = await startTestApp({ clock });
    other = await signedInMember(t, { role: 'org_admin' });
    // Another firm's events first, so the purge has a whole block to remove before the 7-year firm appears.
    await bulkEvents(t, other.orgId, 600);
    firm = await signedInMember(t, { role: 'org_admin' });
    lawyer = await signedInMember(t, { role: 'lawyer', orgId: firm.orgId });
  });
  afterAll(async () => t?.close());

  it('should let the org_admin set 7 years (audited, a fresh factor), and refuse a lawyer, another organization, and a period not longer than the deployment', async () => {
    const general = t.config.auditRetention.generalDays;
    const judicial = t.config.auditRetention.judicialDays;
    expect((await t.inject({ method: 'GET', url: url(firm.orgId), headers: firm.headers })).json()).toEqual({
      orgId: firm.orgId,
      days: null,
      effectiveDays: { general, judicial },
    });

    const put = (headers: Record<string, string>, orgId: string, payload: unknown) =>
      t.inject({ method: 'PUT', url: url(orgId), headers, payload: payload as Record<string, unknown> });
    const set = await put(firm.headers, firm.orgId, { days: SEVEN_YEARS });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toEqual({
      orgId: firm.orgId,
      days: SEVEN_YEARS,
      effectiveDays: { general: SEVEN_YEARS, judicial: Math.max(judicial, SEVEN_YEARS) },
    });
    expect((await t.inject({ method: 'GET', url: url(firm.orgId), headers: firm.headers })).json().days).toBe(
      SEVEN_YEARS,
    );

    expect((await put(lawyer.headers, firm.orgId, { days: 4000 })).statusCode).toBe(403);
    expect((await put(other.headers, firm.orgId, { days: 4000 })).statusCode).toBe(404);
    expect((await t.inject({ method: 'GET', url: url(firm.orgId), headers: other.headers })).statusCode).toBe(404);
    const shorter = await put(firm.headers, firm.orgId, { days: general });
    expect(shorter.statusCode).toBe(400);
    expect(shorter.json().code).toBe('VALIDATION_FAILED');
    for (const bad of [{ days: 2555.5 }, { days: '2555' }, { days: 0 }, { days: 40000 }, { days: 2555, extra: 1 }, {}])
      expect((await put(firm.headers, firm.orgId, bad)).statusCode, JSON.stringify(bad)).toBe(400);

    // Clearing goes back to the deployment periods; setting again restores 7 years.
    const cleared = await t.inject({ method: 'DELETE', url: url(firm.orgId), headers: firm.headers });
    expect(cleared.statusCode).toBe(200);
    expect(cleared.json().days).toBeNull();
    expect((await put(firm.headers, firm.orgId, { days: SEVEN_YEARS })).statusCode).toBe(200);

    // Changing it is destructive (a shorter period lets the purge remove more): a factor within 10 minutes.
    clock.advance(11 * 60 * 1000);
    const stale = await put(firm.headers, firm.orgId, { days: 3000 });
    expect(stale.statusCode).toBe(401);
    expect(stale.json().code).toBe('STEP_UP_REQUIRED');
    clock.set(new Date());

    await t.ctx.auditSealer.sealNow();
    const changes = await unsafeWithOwner(t.ctx.db, async (tx) => {
      const { rows } = await sql<{ details: { days: number | null; previousDays: number | null } }>`
        SELECT details FROM audit.events WHERE action = 'retention.audit_period_set' AND org_id = ${firm.orgId} ORDER BY seq`.execute(
        tx,
      );
      return rows.map((r) => r.details);
    });
    expect(changes).toEqual([
      { days: SEVEN_YEARS, previousDays: null },
      { days: null, previousDays: SEVEN_YEARS },
      { days: SEVEN_YEARS, previousDays: null },
    ]);
  });

  it("should keep the firm's events past the deployment's 2 years, and with them every later event", async () => {
    await bulkEvents(t, other.orgId, 600);
    const firstKept = Number((await stats(t, sql`org_id = ${firm.orgId}`)).min);
    expect(firstKept).toBeGreaterThanOrEqual(512);
    const firmEvents = (await stats(t, sql`org_id = ${firm.orgId}`)).n;

    clock.advance(3 * YEAR);
    const r = await unsafeRunPurge(t.ctx, { dryRun: false });
    expect(r.prunedBelow).toBe(firstKept - (firstKept % 256));
    expect(r.removed).toBeGreaterThan(0);
    expect((await stats(t, sql`org_id = ${firm.orgId}`)).n).toBe(firmEvents);
    expect(await unsafeVerifyDatabaseLog(t.ctx.db, t.dataDir, t.ctx.keys.auditKey.publicKeyRaw)).toMatchObject({
      ok: true,
    });
  });

  it('should purge the firm’s events once 7 years have passed', async () => {
    const firstKept = Number((await stats(t, sql`org_id = ${firm.orgId}`)).min);
    clock.advance(3 * YEAR);
    expect((await unsafeRunPurge(t.ctx, { dryRun: false })).removed).toBe(0);
    clock.advance(1 * YEAR + 30 * DAY);
    const r = await unsafeRunPurge(t.ctx, { dryRun: false });
    expect(r.prunedBelow).toBeGreaterThan(firstKept);
    expect(await unsafeVerifyDatabaseLog(t.ctx.db, t.dataDir, t.ctx.keys.auditKey.publicKeyRaw)).toMatchObject({
      ok: true,
    });
  });
});
