import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInMember, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { manualClock } from '../platform/clock.ts';
import { unsafeWithOwner } from '../platform/db/tenant.ts';
import { unsafeVerifyDatabaseLog } from '../cli/audit.cli.ts';
import { exportBundleText } from '../audit-trail/audit-export.ts';
import { inclusionProof } from '../audit-trail/audit-trail.service.ts';
import { readCheckpointFile, verifyCheckpointSignature } from '../transparency/checkpoint.ts';
import { verifyInclusion } from '../transparency/merkle/index.ts';
import { unsafeRunPurge } from './audit-retention.ts';
import type { AuditBundleV2 } from '../export/bundle-v2.ts';
import { verifyBundle } from '../export/verify-bundle.ts';

const YEAR = 365 * 24 * 3600 * 1000;
const b64 = (s: string) => Buffer.from(s, 'base64');

/** Appends `n` events of one organization in one statement (as the owner: INSERT is allowed, the sealer seals them). */
async function bulkEvents(t: TestApp, orgId: string | null, n: number, action = 'matter.view'): Promise<void> {
  await unsafeWithOwner(t.ctx.db, (tx) =>
    sql`INSERT INTO audit.events (org_id, action, outcome, details)
        SELECT ${orgId}::uuid, ${action}, 'success', jsonb_build_object('i', i) FROM generate_series(1, ${n}) AS i`.execute(
      tx,
    ),
  );
  await t.ctx.auditSealer.sealNow({ checkpoint: true });
}

const count = async (t: TestApp, where = sql`true`) =>
  (
    await sql<{
      n: number;
      min: number | null;
    }>`SELECT count(*)::int AS n, min(seq)::bigint AS min FROM audit.events WHERE ${where}`.execute(t.ctx.db.owner)
  ).rows[0]!;

const verifyLive = (t: TestApp) => unsafeVerifyDatabaseLog(t.ctx.db, t.dataDir, t.ctx.keys.auditKey.publicKeyRaw);

describe('the retention purge without a legal hold', () => {
  const clock = manualClock();
  let t: TestApp;
  let admin: Awaited<ReturnType<typeof signedInMember>>;
  beforeAll(async () => {
    t = await startTestApp({ clock });
    admin = await signedInMember(t, { role: 'org_admin' });
    await bulkEvents(t, admin.orgId, 600);
  });
  afterAll(async () => t?.close());

  it('should purge nothing while every event is within its retention period', async () => {
    const r = await unsafeRunPurge(t.ctx, { dryRun: false });
    expect(r.removed).toBe(0);
    expect((await count(t)).min).toBe(0);
  });

  it('should report, on a dry run, the prefix it would remove and remove nothing', async () => {
    clock.advance(3 * YEAR);
    const before = await count(t);
    const r = await unsafeRunPurge(t.ctx, { dryRun: true });
    expect(r.below).toBeGreaterThanOrEqual(512);
    expect(r.below % 256).toBe(0);
    expect(r.removable).toBe(r.below);
    expect(await count(t)).toEqual(before);
  });

  it('should sign a pruned checkpoint first, then remove the whole prefix through the purge function, and record retention.purge', async () => {
    const size = t.ctx.auditSealer.tree.size;
    const r = await unsafeRunPurge(t.ctx, { dryRun: false, actorId: admin.userId });
    expect(r.prunedBelow).toBe(size - (size % 256));
    expect(r.removed).toBe(r.prunedBelow);
    expect((await count(t)).min).toBe(r.prunedBelow);
    const pruned = readCheckpointFile(t.dataDir).filter((c) => c.kind === 'pruned');
    expect(pruned).toHaveLength(1);
    expect(pruned[0]).toMatchObject({ treeSize: r.prunedBelow, prunedBelow: r.prunedBelow });
    expect(verifyCheckpointSignature(pruned[0]!, t.ctx.keys.auditKey.publicKeyRaw)).toBe(true);
    await t.ctx.auditSealer.sealNow();
    const events = (await count(t, sql`action = 'retention.purge'`)).n;
    expect(events).toBe(1);
  });

  it('should still verify after the purge: `audit verify --db`, a restarted sealer, proofs, an exported bundle', async () => {
    await bulkEvents(t, admin.orgId, 40);
    const verdict = await verifyLive(t);
    expect(verdict).toMatchObject({ ok: true, prunedBelow: t.ctx.auditSealer.status().prunedBelow });
    const { createAuditSealer } = await import('../transparency/sealer.ts');
    const pino = (await import('pino')).default;
    const restarted = createAuditSealer({
      db: t.ctx.db,
      keys: t.ctx.keys,
      logger: pino({ level: 'silent' }),
      clock,
      dataDir: t.dataDir,
      publicUrl: t.config.publicUrl,
      checkpointEvery: 1000,
      checkpointSeconds: 60,
    });
    await restarted.start();
    expect(restarted.status()).toMatchObject({
      state: 'ok',
      prunedBelow: t.ctx.auditSealer.status().prunedBelow,
      treeSize: t.ctx.auditSealer.tree.size,
    });
    await restarted.stop();

    const cp = t.ctx.auditSealer.status().lastCheckpoint!;
    const below = t.ctx.auditSealer.status().prunedBelow;
    for (const seq of [below, below + 1, cp.treeSize - 1]) {
      const p = await inclusionProof(t.ctx, seq, cp.treeSize);
      expect(verifyInclusion(seq, cp.treeSize, b64(p.leafHash), p.path.map(b64), b64(cp.rootHash)), `seq ${seq}`).toBe(
        true,
      );
    }
    await expect(inclusionProof(t.ctx, 0, cp.treeSize)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const root = await signedInMember(t, { role: 'lawyer', superAdmin: true });
    const principal = {
      userId: root.userId,
      orgId: root.orgId,
      role: 'lawyer' as const,
      portal: 'lawyer' as const,
      isSuperAdmin: true,
      sessionId: 'x',
      aal: 2 as const,
      amr: [],
      mfaVerifiedAt: null,
      identity: { email: '', name: '', orgName: null, orgKind: null, mfa: { totp: true, webauthn: 0 } },
    };
    const bundle = JSON.parse(await exportBundleText(t.ctx, principal)) as AuditBundleV2;
    expect(bundle.events[0]!.seq).toBe(below);
    expect(verifyBundle(bundle)).toMatchObject({ ok: true });
  });

  it('should still detect tampering after the purge', async () => {
    const below = t.ctx.auditSealer.status().prunedBelow;
    await t.ctx.db.owner.transaction().execute(async (tx) => {
      // The attacker is a superuser: the DDL guard and the triggers go off first.
      await sql`SELECT set_config('chambers.migrating', 'on', true), pg_advisory_xact_lock(7261002)`.execute(tx);
      await sql`ALTER TABLE audit.events DISABLE TRIGGER USER`.execute(tx);
      await sql`UPDATE audit.events SET outcome = 'failure' WHERE seq = ${below + 3}`.execute(tx);
      await sql`ALTER TABLE audit.events ENABLE TRIGGER USER`.execute(tx);
    });
    const verdict = await verifyLive(t);
    expect(verdict).toMatchObject({ ok: false, firstBad: below + 3 });
  });
});

describe('the retention purge under a legal hold', () => {
  const clock = manualClock();
  let t: TestApp;
  let adminA: Awaited<ReturnType<typeof signedInMember>>;
  let adminB: Awaited<ReturnType<typeof signedInMember>>;
  let lawyerB: Awaited<ReturnType<typeof signedInMember>>;
  let root: Awaited<ReturnType<typeof signedInMember>>;
  beforeAll(async () => {
    t = await startTestApp({ clock });
    adminA = await signedInMember(t, { role: 'org_admin' });
    adminB = await signedInMember(t, { role: 'org_admin' });
    lawyerB = await signedInMember(t, { role: 'lawyer', orgId: adminB.orgId });
    root = await signedInMember(t, { role: 'lawyer', superAdmin: true });
  });
  afterAll(async () => t?.close());

  let firstHeld = 0;
  const holdUrl = (orgId: string) => `/api/v1/orgs/${orgId}/audit/legal-hold`;

  it('should let an org_admin set a hold with a reason on their own organization, audited; 404 for another organization, 403 for a lawyer', async () => {
    const res = await t.inject({
      method: 'PUT',
      url: holdUrl(adminB.orgId),
      headers: adminB.headers,
      payload: { reason: 'Litigation hold, case 2024-17' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      orgId: adminB.orgId,
      reason: 'Litigation hold, case 2024-17',
      setBy: adminB.userId,
    });
    expect((await t.inject({ method: 'GET', url: holdUrl(adminB.orgId), headers: adminB.headers })).statusCode).toBe(
      200,
    );
    expect(
      (await t.inject({ method: 'PUT', url: holdUrl(adminB.orgId), headers: adminA.headers, payload: { reason: 'x' } }))
        .statusCode,
    ).toBe(404);
    expect((await t.inject({ method: 'DELETE', url: holdUrl(adminB.orgId), headers: adminA.headers })).statusCode).toBe(
      404,
    );
    expect(
      (
        await t.inject({
          method: 'PUT',
          url: holdUrl(adminB.orgId),
          headers: lawyerB.headers,
          payload: { reason: 'x' },
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (await t.inject({ method: 'PUT', url: holdUrl(adminB.orgId), headers: adminB.headers, payload: { reason: '' } }))
        .statusCode,
    ).toBe(400);
    expect(
      (
        await t.inject({
          method: 'PUT',
          url: holdUrl(adminB.orgId),
          headers: adminB.headers,
          payload: { reason: 'x', extra: 1 },
        })
      ).statusCode,
    ).toBe(400);
    await t.ctx.auditSealer.sealNow();
    expect((await count(t, sql`action = 'retention.hold_set' AND org_id = ${adminB.orgId}`)).n).toBe(1);
  });

  it('should purge nothing of the held organization, and thus nothing at or after its first held event', async () => {
    await bulkEvents(t, adminA.orgId, 600);
    await bulkEvents(t, adminB.orgId, 5);
    await bulkEvents(t, adminA.orgId, 600);
    firstHeld = Number((await count(t, sql`org_id = ${adminB.orgId}`)).min);
    clock.advance(3 * YEAR);
    const r = await unsafeRunPurge(t.ctx, { dryRun: false });
    expect(r.prunedBelow).toBe(firstHeld - (firstHeld % 256));
    expect(r.prunedBelow).toBeLessThanOrEqual(firstHeld);
    expect((await count(t, sql`org_id = ${adminB.orgId}`)).n).toBeGreaterThanOrEqual(5 + 1);
    expect((await count(t, sql`seq >= ${firstHeld}`)).n).toBe(t.ctx.auditSealer.tree.size - firstHeld);
    expect(await verifyLive(t)).toMatchObject({ ok: true });
  });

  it('should purge past the organization once a super_admin lifts the hold (audited)', async () => {
    clock.set(new Date());
    const res = await t.inject({ method: 'DELETE', url: holdUrl(adminB.orgId), headers: root.headers });
    expect(res.statusCode).toBe(204);
    expect((await t.inject({ method: 'DELETE', url: holdUrl(adminB.orgId), headers: root.headers })).statusCode).toBe(
      404,
    );
    await t.ctx.auditSealer.sealNow();
    expect((await count(t, sql`action = 'retention.hold_lifted'`)).n).toBe(1);
    clock.advance(3 * YEAR);
    const r = await unsafeRunPurge(t.ctx, { dryRun: false });
    expect(r.prunedBelow).toBeGreaterThan(firstHeld);
    expect((await count(t, sql`org_id = ${adminB.orgId} AND action = 'matter.view'`)).n).toBe(0);
    expect(await verifyLive(t)).toMatchObject({ ok: true });
  });
});

describe('retention categories', () => {
  const clock = manualClock();
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      clock,
      env: { AUDIT_RETENTION_GENERAL_DAYS: '30', AUDIT_RETENTION_JUDICIAL_DAYS: '365' },
    });
  });
  afterAll(async () => t?.close());

  it("should keep a court's case events for the judicial period and the rest for the general one", async () => {
    const court = await unsafeWithOwner(t.ctx.db, (tx) =>
      tx
        .insertInto('chambers.organizations')
        .values({ name: 'Court', kind: 'court' })
        .returning('id')
        .executeTakeFirstOrThrow(),
    );
    await bulkEvents(t, null, 300, 'auth.login');
    await bulkEvents(t, court.id, 300, 'matter.view');
    await bulkEvents(t, null, 300, 'auth.login');
    const firstJudicial = Number((await count(t, sql`org_id = ${court.id}`)).min);
    clock.advance(60 * 24 * 3600 * 1000);
    const r = await unsafeRunPurge(t.ctx, { dryRun: false });
    expect(r.prunedBelow).toBe(firstJudicial - (firstJudicial % 256));
    clock.advance(400 * 24 * 3600 * 1000);
    const later = await unsafeRunPurge(t.ctx, { dryRun: false });
    expect(later.prunedBelow).toBeGreaterThan(firstJudicial + 300);
    expect(await verifyLive(t)).toMatchObject({ ok: true });
  });
});
