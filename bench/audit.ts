// The audit phase of `npm run bench`: sealed log vs plain inserts (8 writers, PostgreSQL), offline
// verification speed, and inclusion-proof latency at BENCH_AUDIT_EVENTS events (default 1,000,000).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pino from 'pino';
import { inclusionProof, publicKeyOf } from '../src/audit-trail/audit-trail.service.ts';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { verifyBundleFile } from '../src/cli/audit.cli.ts';
import { prepareExport } from '../src/audit-trail/audit-export.ts';
import type { AuditBundleV1 } from '../src/export/verify-bundle.ts';
import { sealedRows, toFields } from '../src/audit/audit.repository.ts';
import { canonicalEventJson } from '../src/audit/canonical-event.ts';
import { inclusionProofRanges } from '../src/transparency/merkle/index.ts';
import { boot } from '../src/boot.ts';
import { createAuditSealer } from '../src/transparency/sealer.ts';
import { createGroupCommitter } from '../src/platform/db/group-commit.ts';
import { loadConfig } from '../src/platform/config.ts';
import { unsafeWithOwner, withTenant } from '../src/platform/db/tenant.ts';

const WRITERS = 8;
const PER_WRITER = Number(process.env.BENCH_AUDIT_PER_WRITER ?? 2000);
const TOTAL = Number(process.env.BENCH_AUDIT_EVENTS ?? 1_000_000);

export async function benchAudit(dbUrl: string): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chambers-bench-audit-'));
  const config = loadConfig({ CHAMBERS_DATA_DIR: dataDir, DATABASE_URL: dbUrl, LOG_LEVEL: 'silent' });
  const rt = await boot(config, { logger: pino({ level: 'silent' }) });
  const { ctx } = rt;
  try {
    // An identical table without sealing, RLS or triggers: the baseline.
    // (As the DATABASE_URL login, a superuser here: it is bench scaffolding, not part of the schema.)
    await ctx.db.owner.transaction().execute(async (tx) => {
      await sql`CREATE SCHEMA bench_baseline`.execute(tx);
      await sql`CREATE TABLE bench_baseline.events (LIKE audit.events INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES INCLUDING IDENTITY)`.execute(
        tx,
      );
      await sql`GRANT USAGE ON SCHEMA bench_baseline TO chambers_app`.execute(tx);
      await sql`GRANT INSERT, SELECT ON bench_baseline.events TO chambers_app`.execute(tx);
    });
    const run = async (write: (w: number, i: number) => Promise<void>) => {
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: WRITERS }, async (_, w) => {
          for (let i = 0; i < PER_WRITER; i++) await write(w, i);
        }),
      );
      return performance.now() - t0;
    };
    // Both paths warm (connections, JIT) before anything is timed.
    const plainEach = (w: number, i: number) =>
      withTenant(ctx.db, { orgId: null, userId: null }, async (tx) => {
        await sql`INSERT INTO bench_baseline.events (action, outcome, details) VALUES ('auth.login', 'success', ${JSON.stringify({ w, i })}::jsonb)`.execute(
          tx,
        );
      });
    // The same group commit the audit log uses, into the plain table: the like-for-like baseline.
    const plainGrouped = createGroupCommitter<{ w: number; i: number }>({
      maxBatch: 256,
      write: (items) =>
        withTenant(ctx.db, { orgId: null, userId: null }, async (tx) => {
          await tx
            .insertInto('bench_baseline.events' as 'audit.events')
            .values(
              items.map((x) => ({ action: 'auth.login', outcome: 'success' as const, details: JSON.stringify(x) })),
            )
            .execute();
        }),
    });
    const sealedWrite = (w: number, i: number) =>
      ctx.audit.record({
        action: 'auth.login',
        outcome: 'success',
        orgId: null,
        actorId: null,
        details: { failures: w * PER_WRITER + i },
      });
    await Promise.all(
      Array.from({ length: WRITERS * 50 }, (_, i) =>
        Promise.all([plainEach(99, i), plainGrouped.submit({ w: 99, i }), sealedWrite(99, i)]),
      ),
    );
    await ctx.auditSealer.sealNow();

    const plainEachMs = await run(plainEach);
    const plainGroupedMs = await run((w, i) => plainGrouped.submit({ w, i }));
    const sealedMs = await run(sealedWrite);
    const t1 = performance.now();
    await ctx.auditSealer.sealNow({ checkpoint: true });
    const sealedTotalMs = sealedMs + (performance.now() - t1);
    const n = WRITERS * PER_WRITER;
    const rate = (ms: number) => n / (ms / 1000);
    const sealedRate = rate(sealedTotalMs);
    console.log(
      `\naudit: ${WRITERS} writers x ${PER_WRITER} events on PostgreSQL (load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores)`,
    );
    console.log(`plain inserts, a transaction each     ${rate(plainEachMs).toFixed(0).padStart(7)} events/s`);
    console.log(`plain inserts, group commit           ${rate(plainGroupedMs).toFixed(0).padStart(7)} events/s`);
    console.log(
      `sealed log (record + sealing)         ${sealedRate.toFixed(0).padStart(7)} events/s   ratio ${(sealedRate / rate(plainGroupedMs)).toFixed(2)}x vs group-commit plain, ${(sealedRate / rate(plainEachMs)).toFixed(2)}x vs a transaction each (goal >= 0.7x and >= 2,000/s)`,
    );

    // Grow the log to TOTAL with one bulk insert, sealed by the sealer's batch path.
    const have = ctx.auditSealer.tree.size;
    if (TOTAL > have) {
      const t2 = performance.now();
      await unsafeWithOwner(ctx.db, (tx) =>
        sql`INSERT INTO audit.events (action, outcome, details) SELECT 'auth.login', 'success', jsonb_build_object('i', i) FROM generate_series(1, ${TOTAL - have}) AS i`.execute(
          tx,
        ),
      );
      const t3 = performance.now();
      await ctx.auditSealer.sealNow({ checkpoint: true });
      const t4 = performance.now();
      console.log(
        `bulk insert of ${(TOTAL - have).toLocaleString()} events ${((t3 - t2) / 1000).toFixed(1)} s, sealing ${((t4 - t3) / 1000).toFixed(1)} s (${((TOTAL - have) / ((t4 - t3) / 1000)).toFixed(0)} events/s)`,
      );
    }

    // Offline verification, the `chambers audit verify <bundle>` path: the whole log exported by the
    // streaming export (format 2: range proofs) to a file, then read and verified. Baseline in the
    // same run: the newest 200,000 events as a format-1 bundle (an inclusion proof per event).
    const cp = ctx.auditSealer.status().lastCheckpoint!;
    const sampleSize = Math.min(200_000, cp.treeSize);
    const sampleFirst = cp.treeSize - sampleSize;
    const superAdmin = {
      userId: '00000000-0000-0000-0000-000000000000',
      orgId: null,
      role: 'lawyer' as const,
      portal: 'lawyer' as const,
      isSuperAdmin: true,
      sessionId: 'bench',
      aal: 2 as const,
      amr: [],
      mfaVerifiedAt: null,
      identity: { email: '', name: '', orgName: null, orgKind: null, mfa: { totp: true, webauthn: 0 } },
    };
    const bundleFile = path.join(dataDir, 'bundle.json');
    const tExport = performance.now();
    const exp = await prepareExport(ctx, superAdmin, {});
    await pipeline(Readable.from(exp.chunks), fs.createWriteStream(bundleFile));
    const exportMs = performance.now() - tExport;
    const exported = exp.exported();
    const t6 = performance.now();
    const code = await verifyBundleFile(bundleFile, () => undefined);
    const verifyRate = exported / ((performance.now() - t6) / 1000);
    const v2Bytes = fs.statSync(bundleFile).size;

    const sample = await unsafeWithOwner(ctx.db, (tx) => sealedRows(tx, sampleFirst, cp.treeSize));
    const sampleLeaves = new Map(sample.map((r) => [r.seq!, Buffer.from(r.leaf_hash!)]));
    const fromSample = async (a: number, b: number) =>
      sampleLeaves.has(a) && sampleLeaves.has(b - 1)
        ? Array.from({ length: b - a }, (_, i) => sampleLeaves.get(a + i)!)
        : ctx.auditSealer.fetchLeaves(a, b);
    const v1: AuditBundleV1 = {
      format: 'chambers-audit-bundle/1',
      checkpoint: cp,
      publicKey: publicKeyOf(ctx),
      events: [],
      proofs: [],
    };
    for (const r of sample) {
      const fields = toFields(r, r.seq!);
      v1.events.push({ ...fields, leaf: canonicalEventJson(fields) });
      const proofPath = await ctx.auditSealer.tree.subtreeRoots(inclusionProofRanges(r.seq!, cp.treeSize), fromSample);
      v1.proofs.push({
        seq: r.seq!,
        leafIndex: r.seq!,
        treeSize: cp.treeSize,
        path: proofPath.map((h) => h.toString('base64')),
      });
    }
    const v1File = path.join(dataDir, 'bundle-v1.json');
    fs.writeFileSync(v1File, JSON.stringify(v1));
    const t5 = performance.now();
    const v1Code = await verifyBundleFile(v1File, () => undefined);
    const baselineRate = sample.length / ((performance.now() - t5) / 1000);
    console.log(
      `export of ${exported.toLocaleString()} events (streamed, format 2): ${(exportMs / 1000).toFixed(1)} s, ${(v2Bytes / exported).toFixed(0)} bytes/event`,
    );
    console.log(
      `offline verification of that bundle (read + parse + verify): ${verifyRate.toFixed(0)} events/s (goal >= 100,000/s)`,
    );
    console.log(
      `  baseline (format 1, an inclusion proof per event, ${(fs.statSync(v1File).size / sample.length).toFixed(0)} bytes/event) ${baselineRate.toFixed(0)} events/s; ratio ${(verifyRate / baselineRate).toFixed(2)}x; ${code === 0 && v1Code === 0 && exported === cp.treeSize ? 'both OK' : 'VERIFICATION FAILED'}`,
    );

    // Inclusion proofs against the newest checkpoint at the full size, interleaved with the
    // baseline of the previous design (reading the leaf's whole 256-leaf block) under the same load.
    const lat: number[] = [];
    const blockLat: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const seq = Math.floor(Math.random() * cp.treeSize);
      const t7 = performance.now();
      await inclusionProof(ctx, seq, cp.treeSize);
      lat.push(performance.now() - t7);
      const t8 = performance.now();
      await ctx.auditSealer.fetchLeaves(seq - (seq % 256), seq - (seq % 256) + 256);
      blockLat.push(performance.now() - t8);
    }
    lat.sort((a, b) => a - b);
    blockLat.sort((a, b) => a - b);
    console.log(
      `inclusion proof at ${cp.treeSize.toLocaleString()} events: p50 ${lat[500]!.toFixed(2)} ms, p99 ${lat[990]!.toFixed(2)} ms (goal p99 < 20 ms)`,
    );
    console.log(
      `  baseline: one 256-leaf block read alone p50 ${blockLat[500]!.toFixed(2)} ms, p99 ${blockLat[990]!.toFixed(2)} ms (load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores)`,
    );

    // What a restart costs at this size: the structural check before serving, then the content sweep.
    const restarted = createAuditSealer({
      db: ctx.db,
      keys: ctx.keys,
      logger: pino({ level: 'silent' }),
      clock: ctx.clock,
      dataDir,
      publicUrl: config.publicUrl,
      checkpointEvery: 1000,
      checkpointSeconds: 60,
    });
    const t9 = performance.now();
    await restarted.start();
    const startMs = performance.now() - t9;
    await restarted.contentSweepDone();
    const sweepMs = performance.now() - t9 - startMs;
    const st = restarted.status();
    await restarted.stop();
    console.log(
      `restart at ${cp.treeSize.toLocaleString()} events: structural check before serving ${(startMs / 1000).toFixed(1)} s; background content re-hash ${(sweepMs / 1000).toFixed(1)} s (${st.state === 'ok' && st.contentVerifiedTo === st.treeSize ? 'OK' : `NOT OK: ${st.alarm ?? st.state}`})`,
    );
  } finally {
    await rt.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
