import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInMember, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { withTenant } from '../platform/db/tenant.ts';
import { printLogVerdict, verifyBundleFile, unsafeVerifyDatabaseLog } from '../cli/audit.cli.ts';
import { canonicalEventJson } from '../audit/canonical-event.ts';
import {
  checkpointFile,
  readCheckpointFile,
  verifyCheckpointSignature,
  type Checkpoint,
} from '../transparency/checkpoint.ts';
import { leafHash, verifyConsistency, verifyInclusion } from '../transparency/merkle/index.ts';
import { createAuditSealer } from '../transparency/sealer.ts';
import type { AuditBundleV2 } from '../export/bundle-v2.ts';
import { verifyBundle, type AuditBundleV1 } from '../export/verify-bundle.ts';

const b64 = (s: string) => Buffer.from(s, 'base64');

describe('the audit API', () => {
  let t: TestApp;
  let adminA: Awaited<ReturnType<typeof signedInMember>>;
  let adminB: Awaited<ReturnType<typeof signedInMember>>;
  let lawyerA: Awaited<ReturnType<typeof signedInMember>>;
  let root: Awaited<ReturnType<typeof signedInMember>>;
  beforeAll(async () => {
    t = await startTestApp();
    adminA = await signedInMember(t, { role: 'org_admin' });
    adminB = await signedInMember(t, { role: 'org_admin' });
    lawyerA = await signedInMember(t, { role: 'lawyer', orgId: adminA.orgId });
    root = await signedInMember(t, { role: 'lawyer', superAdmin: true });
    for (let i = 0; i < 30; i++) {
      const who = i % 2 === 0 ? adminA : adminB;
      await t.ctx.audit.record({
        action: 'matter.view',
        outcome: 'success',
        orgId: who.orgId,
        actorId: who.userId,
        target: `matter:${i}`,
        details: { i },
      });
    }
    await t.ctx.auditSealer.sealNow({ checkpoint: true });
  });
  afterAll(async () => t?.close());

  const get = (url: string, headers: Record<string, string>) => t.inject({ method: 'GET', url, headers });

  it("should list only the org_admin's own organization's events, and every event to a super_admin", async () => {
    const a = await get('/api/v1/audit/events?limit=200', adminA.headers);
    expect(a.statusCode).toBe(200);
    const events = a.json().events as Array<{ orgId: string; seq: number | null }>;
    expect(events.length).toBeGreaterThanOrEqual(15);
    expect(events.every((e) => e.orgId === adminA.orgId)).toBe(true);
    const all = (await get('/api/v1/audit/events?limit=200', root.headers)).json().events as Array<{ orgId: string }>;
    expect(new Set(all.map((e) => e.orgId))).toEqual(expect.objectContaining({ size: expect.any(Number) }));
    expect(all.some((e) => e.orgId === adminB.orgId) && all.some((e) => e.orgId === adminA.orgId)).toBe(true);
  });

  it('should refuse the audit log to a lawyer with 403 FORBIDDEN (the role check comes before any step-up)', async () => {
    for (const url of ['/api/v1/audit/events', '/api/v1/audit/export', '/api/v1/audit/events/0']) {
      const res = await get(url, lawyerA.headers);
      expect(res.statusCode, url).toBe(403);
      expect(res.json().code).toBe('FORBIDDEN');
      expect(res.body).not.toContain('matter.view');
    }
  });

  it('should report the log as healthy to admins on /audit/status (the banner poll), and refuse it to a lawyer', async () => {
    const res = await get('/api/v1/audit/status', adminA.headers);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      state: 'ok',
      alarm: null,
      prunedBelow: 0,
      ddlGuard: true,
      lastCheckpoint: { treeSize: expect.any(Number) },
    });
    expect((await get('/api/v1/audit/status', root.headers)).statusCode).toBe(200);
    const lawyer = await get('/api/v1/audit/status', lawyerA.headers);
    expect(lawyer.statusCode).toBe(403);
  });

  it('should page with a cursor and filter by action and actor', async () => {
    const first = (
      await get(`/api/v1/audit/events?limit=5&action=matter.view&actor=${adminA.userId}`, adminA.headers)
    ).json();
    expect(first.events).toHaveLength(5);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = (
      await get(
        `/api/v1/audit/events?limit=5&action=matter.view&actor=${adminA.userId}&cursor=${first.nextCursor}`,
        adminA.headers,
      )
    ).json();
    const seqs = [...first.events, ...second.events].map((e: { seq: number }) => e.seq);
    expect(new Set(seqs).size).toBe(10);
    expect(
      [...first.events, ...second.events].every(
        (e: { action: string; actorId: string }) => e.action === 'matter.view' && e.actorId === adminA.userId,
      ),
    ).toBe(true);
  });

  it("should serve an event's canonical leaf, and 404 an event of another organization", async () => {
    const mine = (await get('/api/v1/audit/events?action=matter.view&limit=1', adminA.headers)).json().events[0];
    const res = await get(`/api/v1/audit/events/${mine.seq}`, adminA.headers);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(JSON.parse(body.leaf)).toMatchObject({ seq: mine.seq, orgId: adminA.orgId, action: 'matter.view' });
    expect(leafHash(Buffer.from(body.leaf)).toString('base64')).toBe(body.leafHash);
    const theirs = (await get('/api/v1/audit/events?action=matter.view&limit=1', adminB.headers)).json().events[0];
    expect((await get(`/api/v1/audit/events/${theirs.seq}`, adminA.headers)).statusCode).toBe(404);
  });

  it('should sign the checkpoint with the published Ed25519 key over the C2SP note body', async () => {
    const cp = (await get('/api/v1/audit/checkpoint', lawyerA.headers)).json();
    const key = (await get('/api/v1/audit/public-key', lawyerA.headers)).json();
    expect(key).toMatchObject({ algorithm: 'Ed25519', keyId: cp.keyId });
    expect(b64(key.publicKey)).toHaveLength(32);
    expect(cp.note).toBe(`${cp.origin}\n${cp.treeSize}\n${cp.rootHash}\n`);
    expect(verifyCheckpointSignature({ ...cp, kind: 'checkpoint' } as Checkpoint, b64(key.publicKey))).toBe(true);
    expect(
      verifyCheckpointSignature(
        { ...cp, kind: 'checkpoint', treeSize: cp.treeSize - 1 } as Checkpoint,
        b64(key.publicKey),
      ),
    ).toBe(false);
  });

  it('should serve inclusion proofs that verify against the signed root, for every leaf', async () => {
    const cp = (await get('/api/v1/audit/checkpoint', adminA.headers)).json();
    for (let seq = 0; seq < cp.treeSize; seq++) {
      const p = (await get(`/api/v1/audit/proof/inclusion?seq=${seq}&treeSize=${cp.treeSize}`, lawyerA.headers)).json();
      expect(verifyInclusion(seq, cp.treeSize, b64(p.leafHash), p.path.map(b64), b64(cp.rootHash)), `seq ${seq}`).toBe(
        true,
      );
    }
    expect(
      (await get(`/api/v1/audit/proof/inclusion?seq=${cp.treeSize}&treeSize=${cp.treeSize}`, lawyerA.headers))
        .statusCode,
    ).toBe(400);
  });

  it('should serve consistency proofs between two checkpoints that verify', async () => {
    const before = (await get('/api/v1/audit/checkpoint', adminA.headers)).json();
    for (let i = 0; i < 7; i++)
      await t.ctx.audit.record({
        action: 'matter.view',
        outcome: 'success',
        orgId: adminB.orgId,
        actorId: adminB.userId,
      });
    await t.ctx.auditSealer.sealNow({ checkpoint: true });
    const after = (await get('/api/v1/audit/checkpoint', adminA.headers)).json();
    expect(after.treeSize).toBeGreaterThan(before.treeSize);
    const p = (
      await get(`/api/v1/audit/proof/consistency?from=${before.treeSize}&to=${after.treeSize}`, lawyerA.headers)
    ).json();
    expect(
      verifyConsistency(before.treeSize, after.treeSize, b64(before.rootHash), b64(after.rootHash), p.path.map(b64)),
    ).toBe(true);
    expect(
      verifyConsistency(before.treeSize, after.treeSize, b64(after.rootHash), b64(after.rootHash), p.path.map(b64)),
    ).toBe(false);
  });

  it('should export a bundle of only the own organization that verifies offline, and name the first tampered index', async () => {
    const res = await get('/api/v1/audit/export', adminA.headers);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/json');
    const bundle = JSON.parse(res.body) as AuditBundleV2;
    expect(bundle.format).toBe('chambers-audit-bundle/2');
    expect(bundle.events.length).toBeGreaterThanOrEqual(15);
    expect(bundle.events.every((e) => e.orgId === adminA.orgId)).toBe(true);
    expect(verifyBundle(bundle)).toMatchObject({ ok: true, checked: bundle.events.length });

    // The file as downloaded: a line per event, verified as it is read.
    const file = path.join(t.dataDir, 'bundle.json');
    const verifyText = async (text: string) => {
      fs.writeFileSync(file, text);
      const lines: string[] = [];
      return { code: await verifyBundleFile(file, (l) => lines.push(l)), out: lines.join('\n') };
    };
    expect(await verifyText(res.body)).toEqual({
      code: 0,
      out: `OK: ${bundle.events.length} events verified against the signed checkpoint`,
    });
    // Re-indented by another tool: still the same JSON, verified from the parsed fields.
    expect((await verifyText(JSON.stringify(bundle, null, 2))).code).toBe(0);

    const lines = res.body.split('\n');
    const edited = [...lines];
    edited[4] = edited[4]!.replace(/"outcome":"success"/, '"outcome":"failure"');
    expect(edited[4]).not.toBe(lines[4]);
    expect(await verifyText(edited.join('\n'))).toMatchObject({
      code: 1,
      out: expect.stringContaining('FAILED at index 3'),
    });
    const garbage = [...lines];
    garbage[3] = 'not an event,';
    expect(await verifyText(garbage.join('\n'))).toMatchObject({
      code: 1,
      out: expect.stringContaining('FAILED at index 2'),
    });
    const dropped = lines.filter((_, i) => i !== 4);
    expect((await verifyText(dropped.join('\n'))).code).toBe(1);
    const swapped = [...lines];
    [swapped[2], swapped[3]] = [lines[3]!, lines[2]!];
    expect((await verifyText(swapped.join('\n'))).code).toBe(1);
    expect(await verifyText(lines.slice(0, -2).join('\n'))).toMatchObject({
      code: 1,
      out: expect.stringContaining('truncated'),
    });

    const tampered = structuredClone(bundle);
    const victim = tampered.events[3]!;
    victim.outcome = victim.outcome === 'success' ? 'failure' : 'success';
    expect(verifyBundle(tampered)).toMatchObject({ ok: false, firstBadIndex: 3 });
    // The attacker also rewrites the listed leaf hash: still refused.
    const run = tampered.proofs.find((r) => r.start <= victim.seq && victim.seq < r.end)!;
    const listed = Buffer.from(run.leafHashes, 'base64');
    leafHash(Buffer.from(canonicalEventJson(victim))).copy(listed, (victim.seq - run.start) * 32);
    run.leafHashes = listed.toString('base64');
    expect(verifyBundle(tampered)).toMatchObject({ ok: false });
    expect(verifyBundle(tampered).firstBadIndex).toBeLessThanOrEqual(3);

    const forged = structuredClone(bundle);
    forged.checkpoint.treeSize += 1;
    expect(verifyBundle(forged)).toMatchObject({ ok: false, firstBadIndex: null });
    const noProofs = { ...structuredClone(bundle), proofs: bundle.proofs.slice(1) };
    expect(verifyBundle(noProofs).ok).toBe(false);
  });

  it('should still verify a format-1 bundle (an inclusion proof per event) exported before format 2', async () => {
    const v2 = JSON.parse((await get('/api/v1/audit/export', adminA.headers)).body) as AuditBundleV2;
    const proofs = [];
    for (const e of v2.events) {
      const p = (
        await get(`/api/v1/audit/proof/inclusion?seq=${e.seq}&treeSize=${v2.checkpoint.treeSize}`, adminA.headers)
      ).json();
      proofs.push({ seq: e.seq, leafIndex: p.leafIndex, treeSize: p.treeSize, path: p.path });
    }
    const v1: AuditBundleV1 = {
      format: 'chambers-audit-bundle/1',
      checkpoint: v2.checkpoint,
      publicKey: v2.publicKey,
      events: v2.events,
      proofs,
    };
    expect(verifyBundle(v1)).toMatchObject({ ok: true, checked: v2.events.length });
    v1.events[2] = { ...v1.events[2]!, target: 'matter:tampered' };
    expect(verifyBundle(v1)).toMatchObject({ ok: false, firstBadIndex: 2 });
  });

  it('should record the export itself', async () => {
    await t.ctx.auditSealer.sealNow();
    const events = (await get('/api/v1/audit/events?action=audit.export', adminA.headers)).json().events;
    expect(events.length).toBeGreaterThan(0);
    expect(events[0].outcome).toBe('success');
  });

  it('should stream an export of more than 10,000 events (no cap) that verifies from the file', async () => {
    await t.ctx.db.owner.transaction().execute(async (tx) => {
      await sql`SELECT set_config('role', 'chambers_owner', true)`.execute(tx);
      await sql`INSERT INTO audit.events (action, outcome, details) SELECT 'auth.login', 'success', jsonb_build_object('i', i) FROM generate_series(1, 10050) AS i`.execute(
        tx,
      );
    });
    const res = await get('/api/v1/audit/export', root.headers);
    expect(res.statusCode).toBe(200);
    const bundle = JSON.parse(res.body) as AuditBundleV2;
    expect(bundle.events.length).toBe(bundle.checkpoint.treeSize);
    expect(bundle.events.length).toBeGreaterThan(10_050);
    expect(bundle.proofs).toHaveLength(1);
    expect(bundle.proofs[0]!.path).toEqual([]);
    const file = path.join(t.dataDir, 'big-bundle.json');
    fs.writeFileSync(file, res.body);
    const out: string[] = [];
    expect(await verifyBundleFile(file, (l) => out.push(l))).toBe(0);
    expect(out[0]).toBe(`OK: ${bundle.events.length} events verified against the signed checkpoint`);
  });
});

describe('the append-only log in the database', () => {
  let t: TestApp;
  let admin: Awaited<ReturnType<typeof signedInMember>>;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await signedInMember(t, { role: 'org_admin' });
    await t.ctx.audit.record({ action: 'matter.view', outcome: 'success', orgId: admin.orgId, actorId: admin.userId });
    await t.ctx.audit.record({ action: 'matter.view', outcome: 'success', orgId: admin.orgId, actorId: admin.userId });
    await t.ctx.auditSealer.sealNow({ checkpoint: true });
  });
  afterAll(async () => t?.close());

  const asApp = (q: string) =>
    withTenant(t.ctx.db, { orgId: admin.orgId, userId: admin.userId }, (tx) => sql.raw(q).execute(tx));
  const asOwner = (q: string) =>
    t.ctx.db.owner.transaction().execute(async (tx) => {
      await sql`SELECT set_config('role', 'chambers_owner', true)`.execute(tx);
      return sql.raw(q).execute(tx);
    });

  it.each([
    ['UPDATE', "UPDATE audit.events SET outcome = 'failure'"],
    ['UPDATE of seq', 'UPDATE audit.events SET seq = seq + 1000'],
    ['DELETE', 'DELETE FROM audit.events'],
    ['TRUNCATE', 'TRUNCATE audit.events'],
    ['the purge function', 'SELECT audit.purge_before(1000)'],
    [
      'a forged checkpoint',
      "INSERT INTO audit.checkpoints (tree_size, root_hash, signed_at, signature, key_id, origin) VALUES (1, decode(repeat('00', 32), 'hex'), now(), '\\x00', 'k', 'o')",
    ],
  ])('should refuse %s to chambers_app', async (_what, q) => {
    await expect(asApp(q)).rejects.toMatchObject({ code: '42501' });
  });

  it.each([
    ['changing the content of a sealed event', "UPDATE audit.events SET outcome = 'failure' WHERE seq = 0"],
    ['re-sealing a sealed event', "UPDATE audit.events SET leaf_hash = decode(repeat('00', 32), 'hex') WHERE seq = 0"],
    ['a plain DELETE', 'DELETE FROM audit.events WHERE seq = 0'],
    ['TRUNCATE', 'TRUNCATE audit.events'],
    ['a purge without a signed pruned checkpoint first', 'SELECT audit.purge_before(1)'],
    ['deleting a checkpoint', 'DELETE FROM audit.checkpoints'],
    [
      'a DELETE with the purge flag set by hand',
      "SELECT set_config('chambers.audit_purge_below', '1000', true); DELETE FROM audit.events",
    ],
  ])('should refuse %s even to the owner', async (_what, q) => {
    await expect(asOwner(q)).rejects.toMatchObject({ code: '42501' });
  });

  it('should delete whole old ranges through audit.purge_before once a pruned checkpoint covers them (the one deletion path)', async () => {
    await asOwner(`INSERT INTO audit.checkpoints (tree_size, root_hash, signed_at, signature, key_id, origin, kind, pruned_below)
      VALUES (1, decode(repeat('00', 32), 'hex'), now(), '\\x00', 'k', 'o', 'pruned', 1)`);
    const res = await asOwner('SELECT audit.purge_before(1) AS n');
    expect(res.rows).toEqual([{ n: 1 }]);
    await expect(asOwner('DELETE FROM audit.events WHERE seq = 1')).rejects.toMatchObject({ code: '42501' });
  });
});

/**
 * Attack: someone with the owner's or the superuser's powers switches the
 * triggers off and rewrites history. The database cannot stop them; the
 * checkpoints signed before (in the database and in checkpoints.log) catch it.
 */
type Tamper = (run: (q: string) => Promise<unknown>, t: TestApp) => Promise<void>;
const recomputeAll: Tamper = async (run, t) => {
  await run('UPDATE audit.events SET details = \'{"i":999}\'::jsonb WHERE seq = 4');
  // Then recompute every leaf hash honestly from the (edited) content: each row is self-consistent.
  const { sealedRows, toFields } = await import('../audit/audit.repository.ts');
  const { canonicalEventBytes } = await import('../audit/canonical-event.ts');
  for (const r of await sealedRows(t.ctx.db.owner, 0, 1_000_000)) {
    const h = leafHash(canonicalEventBytes(toFields(r, r.seq!))).toString('hex');
    await run(`UPDATE audit.events SET leaf_hash = decode('${h}', 'hex') WHERE seq = ${r.seq}`);
  }
};
const TAMPERS: Array<[string, Tamper, RegExp, number | null]> = [
  [
    'editing a row',
    (run) => run("UPDATE audit.events SET outcome = 'failure' WHERE seq = 5").then(() => undefined),
    /edited/,
    5,
  ],
  ['deleting a row', (run) => run('DELETE FROM audit.events WHERE seq = 3').then(() => undefined), /deleted/, 3],
  [
    'cutting the tail',
    (run) => run('DELETE FROM audit.events WHERE seq >= 7').then(() => undefined),
    /removed from the end/,
    7,
  ],
  ['recomputing every hash after an edit', recomputeAll, /rewritten/, null],
];

describe.each(TAMPERS)('tampering by %s', (_what, tamper, message, firstBad) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    for (let i = 0; i < 10; i++)
      await t.ctx.audit.record({
        action: 'matter.view',
        outcome: 'success',
        orgId: null,
        actorId: null,
        details: { i },
      });
    await t.ctx.auditSealer.sealNow({ checkpoint: true });
  });
  afterAll(async () => t?.close());

  it('should pass verification before, and be detected by `audit verify --db` after', async () => {
    const key = t.ctx.keys.auditKey.publicKeyRaw;
    expect(await unsafeVerifyDatabaseLog(t.ctx.db, t.dataDir, key)).toMatchObject({ ok: true });
    expect(readCheckpointFile(t.dataDir).length).toBeGreaterThan(0);
    expect(fs.statSync(checkpointFile(t.dataDir)).mode & 0o777).toBe(0o600);
    // As the superuser (PGlite's embedded session, DATABASE_URL's postgres on PostgreSQL): triggers off, history rewritten.
    const run = (q: string) =>
      t.ctx.db.owner.transaction().execute(async (tx) => {
        // A superuser can pass the DDL guard (or drop it): that is why the checkpoints exist.
        await sql`SELECT set_config('chambers.migrating', 'on', true), pg_advisory_xact_lock(7261002)`.execute(tx);
        await sql`ALTER TABLE audit.events DISABLE TRIGGER USER`.execute(tx);
        const r = await sql.raw(q).execute(tx);
        await sql`ALTER TABLE audit.events ENABLE TRIGGER USER`.execute(tx);
        return r;
      });
    await tamper(run, t);
    const verdict = await unsafeVerifyDatabaseLog(t.ctx.db, t.dataDir, key);
    expect(verdict.ok).toBe(false);
    expect(verdict.problems.join('; ')).toMatch(message);
    expect(verdict.firstBad).toBe(firstBad);
    const lines: string[] = [];
    expect(printLogVerdict(verdict, (l) => lines.push(l))).toBe(1);
  });

  it('should raise the alarm at the next checkpoint, report it in /readyz and stop sealing', async () => {
    await t.ctx.audit.record({ action: 'matter.view', outcome: 'success', orgId: null, actorId: null });
    const r = await t.ctx.auditSealer.sealNow({ checkpoint: true });
    expect(r.checkpoint).toBeNull();
    expect(t.ctx.auditSealer.status()).toMatchObject({ state: 'alarm', alarm: expect.any(String) });
    const ready = await t.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().checks.audit).toBe('alarm');
    const admin = await signedInMember(t, { role: 'org_admin' });
    const status = await t.inject({ method: 'GET', url: '/api/v1/audit/status', headers: admin.headers });
    expect(status.statusCode).toBe(200);
    expect(status.json()).toMatchObject({
      state: 'alarm',
      alarm: {
        reason: expect.any(String),
        since: expect.any(String),
        treeSize: expect.any(Number),
        checkpointSize: 10,
      },
    });
    await t.ctx.audit.record({ action: 'matter.view', outcome: 'success', orgId: null, actorId: null });
    expect(await t.ctx.auditSealer.sealNow({ checkpoint: true })).toEqual({ sealed: 0, checkpoint: null });
  });

  it('should be caught by a restarted server: by the structural check at start, or by the content sweep that follows it', async () => {
    const restarted = createAuditSealer({
      db: t.ctx.db,
      keys: t.ctx.keys,
      logger: pino({ level: 'silent' }),
      clock: t.ctx.clock,
      dataDir: t.dataDir,
      publicUrl: t.config.publicUrl,
      checkpointEvery: 1000,
      checkpointSeconds: 60,
    });
    try {
      await restarted.start();
      await restarted.contentSweepDone();
      expect(restarted.status()).toMatchObject({
        state: 'alarm',
        alarm: expect.stringMatching(/edited|deleted|removed|rewritten|ends at size|no longer matches|missing/),
      });
    } finally {
      await restarted.stop();
    }
  });
});

describe('a restarted server on an intact log', () => {
  it('should start on the stored leaf hashes and then re-hash every event in the background without an alarm', async () => {
    const t = await startTestApp();
    try {
      // Past one 256-event block, so the sweep compares a whole cached block and the tail.
      for (let i = 0; i < 300; i += 20) {
        await Promise.all(
          Array.from({ length: 20 }, (_, j) =>
            t.ctx.audit.record({
              action: 'matter.view',
              outcome: 'success',
              orgId: null,
              actorId: null,
              details: { i: i + j },
            }),
          ),
        );
        await new Promise((r) => setImmediate(r));
      }
      await t.ctx.auditSealer.sealNow({ checkpoint: true });
      const size = t.ctx.auditSealer.tree.size;
      const restarted = createAuditSealer({
        db: t.ctx.db,
        keys: t.ctx.keys,
        logger: pino({ level: 'silent' }),
        clock: t.ctx.clock,
        dataDir: t.dataDir,
        publicUrl: t.config.publicUrl,
        checkpointEvery: 1000,
        checkpointSeconds: 60,
      });
      await restarted.start();
      expect(restarted.status()).toMatchObject({ state: 'ok', treeSize: size });
      await restarted.contentSweepDone();
      expect(restarted.status()).toMatchObject({ state: 'ok', alarm: null, contentVerifiedTo: size });
      await restarted.stop();
    } finally {
      await t.close();
    }
  });
});

describe('concurrent writers and sealers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  // The 8 × 5,000 load of docs/audit.md. Each writer appends in small batches (one short transaction of 50 rows as the
  // runtime role, like 50 record() calls back to back) so the suite stays quick; the sealers race throughout.
  const PER_WRITER = Number(process.env.CHAMBERS_AUDIT_STRESS ?? 5000);
  const WRITE_BATCH = 50;

  it(`should give 8 writers × ${PER_WRITER} events gap-free, unique sequence numbers under two racing sealers, and a tree that verifies`, async () => {
    const second = createAuditSealer({
      db: t.ctx.db,
      keys: t.ctx.keys,
      logger: pino({ level: 'silent' }),
      clock: t.ctx.clock,
      dataDir: t.dataDir,
      publicUrl: t.config.publicUrl,
      checkpointEvery: 1000,
      checkpointSeconds: 60,
    });
    await second.start();
    const before = t.ctx.auditSealer.tree.size;
    let writing = true;
    const sealers = (async () => {
      while (writing) await Promise.all([t.ctx.auditSealer.sealNow(), second.sealNow()]);
    })();
    await Promise.all(
      Array.from({ length: 8 }, async (_, w) => {
        for (let i = 0; i < PER_WRITER; i += WRITE_BATCH) {
          const n = Math.min(WRITE_BATCH, PER_WRITER - i);
          await withTenant(t.ctx.db, { orgId: null, userId: null }, (tx) =>
            tx
              .insertInto('audit.events')
              .values(
                Array.from({ length: n }, (_, j) => ({
                  org_id: null,
                  actor_id: null,
                  action: 'matter.view',
                  outcome: 'success' as const,
                  details: JSON.stringify({ w, i: i + j }),
                })),
              )
              .execute(),
          );
        }
      }),
    );
    writing = false;
    await sealers;
    await t.ctx.auditSealer.sealNow({ checkpoint: true });
    await second.stop();
    const { rows } = await sql<{ n: number; distinct: number; min: number; max: number; unsealed: number }>`
      SELECT count(seq)::int AS n, count(DISTINCT seq)::int AS distinct, min(seq) AS min, max(seq) AS max,
             count(*) FILTER (WHERE seq IS NULL)::int AS unsealed FROM audit.events`.execute(t.ctx.db.owner);
    const total = before + 8 * PER_WRITER;
    expect(rows[0]!.unsealed).toBe(0);
    expect(rows[0]!.n).toBeGreaterThanOrEqual(total);
    expect(rows[0]).toMatchObject({ distinct: rows[0]!.n, min: 0, max: rows[0]!.n - 1 });
    expect(await unsafeVerifyDatabaseLog(t.ctx.db, t.dataDir, t.ctx.keys.auditKey.publicKeyRaw)).toMatchObject({
      ok: true,
      size: rows[0]!.n,
    });
    expect(t.ctx.auditSealer.status().alarm).toBeNull();
    expect(t.ctx.auditSealer.status().state).toBe('ok');
    expect(t.ctx.auditSealer.tree.size).toBe(rows[0]!.n);
    // Proof over the big tree, from the cache plus stored leaves.
    const cp = t.ctx.auditSealer.status().lastCheckpoint!;
    const { inclusionProof } = await import('./audit-trail.service.ts');
    for (const seq of [0, 255, 256, 1000, cp.treeSize - 1]) {
      const p = await inclusionProof(t.ctx, seq, cp.treeSize);
      expect(verifyInclusion(seq, cp.treeSize, b64(p.leafHash), p.path.map(b64), b64(cp.rootHash)), `seq ${seq}`).toBe(
        true,
      );
    }
  }, 300_000);
});
