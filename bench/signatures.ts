// Signatures phase of `npm run bench` (BENCH_ONLY=signatures): CPU per sealed document for a 1-page and a
// 100-page PDF (flatten fields, evidence page and attachment, one PAdES B-B signature), and 50 signers of one
// parallel envelope completing at the same moment over HTTP: no error, exactly one sealed file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CryptoKeySigner } from '@libpdf/core';
import { sql } from 'kysely';
import pino from 'pino';
import { boot } from '../src/boot.ts';
import { loadConfig } from '../src/platform/config.ts';
import { composeFinalPdf, sealPdf, type FlatField } from '../src/signatures/pades.ts';
import { importSealKey, issueSealCertificate, pemToDer } from '../src/signatures/seal-keys.ts';
import { multipart } from '../test/helpers/documents.ts';
import { bearer, createMember, login, type TestApp } from '../test/helpers/test-app.ts';
import { makePdf } from '../test/helpers/tsa-pdf.ts';

const cpuMs = (from: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
};

async function sealCpu(pages: number, runs: number) {
  const issued = await issueSealCertificate('Bench LLP', new Date());
  const { key, kind } = await importSealKey(issued.sealKeyPkcs8);
  const signer = new CryptoKeySigner(
    key,
    pemToDer(issued.certificatePem)[0]!,
    kind.keyType,
    kind.algorithm,
    pemToDer(issued.rootPem),
  );
  const original = await makePdf(pages, 'Bench contract');
  const fields: FlatField[] = [
    {
      kind: 'signature',
      page: pages,
      x: 60,
      y: 80,
      width: 180,
      height: 40,
      value: null,
      signature: { method: 'typed', text: 'Anna Keller' },
    },
    { kind: 'date', page: pages, x: 300, y: 80, width: 100, height: 20, value: '2026-01-01', signature: null },
  ];
  const evidence = {
    lines: ['Signature evidence', ...Array.from({ length: 20 }, (_, i) => `line ${i} of the evidence record`)],
    json: Buffer.from(JSON.stringify({ envelopeId: 'bench', recipients: [] })),
    at: new Date(),
  };
  const once = async () => {
    const composed = await composeFinalPdf(original, fields, evidence);
    return sealPdf(composed, { signer, tsa: null, signingTime: new Date(), reason: 'bench' });
  };
  for (let i = 0; i < 3; i++) await once(); // warm-up (JIT)
  let sealOnly = 0;
  const t0 = process.cpuUsage();
  const w0 = performance.now();
  let size = 0;
  for (let i = 0; i < runs; i++) {
    const composed = await composeFinalPdf(original, fields, evidence);
    const s0 = process.cpuUsage();
    size = (await sealPdf(composed, { signer, tsa: null, signingTime: new Date(), reason: 'bench' })).length;
    sealOnly += cpuMs(s0);
  }
  return {
    pages,
    cpuPerDoc: cpuMs(t0) / runs,
    sealOnlyPerDoc: sealOnly / runs,
    wallPerDoc: (performance.now() - w0) / runs,
    size,
  };
}

async function concurrentSigners(databaseUrl: string, signers: number) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chambers-bench-sign-'));
  const runtime = await boot(
    loadConfig({
      CHAMBERS_DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: 'silent',
      PUBLIC_URL: 'https://chambers.example',
      RATE_LIMIT_AUTH_PER_MINUTE: '100000',
    }),
    { logger: pino({ level: 'silent' }) },
  );
  try {
    const t = { ctx: runtime.ctx, inject: (o: never) => runtime.app.inject(o) } as unknown as TestApp;
    const lawyer = await createMember(t, { role: 'lawyer' });
    const headers = bearer((await login(t, lawyer.email)).accessToken);
    const matterId = (
      await runtime.app.inject({ method: 'POST', url: '/api/v1/matters', headers, payload: { title: 'Bench' } })
    ).json().id;
    const body = multipart([{ filename: 'c.pdf', content: await makePdf(2) }]);
    const documentId = (
      await runtime.app.inject({
        method: 'POST',
        url: `/api/v1/matters/${matterId}/documents`,
        headers: { ...headers, ...body.headers },
        payload: body.payload,
      })
    ).json().id;
    const emails = Array.from({ length: signers }, (_, i) => `signer${i}@example.org`);
    const created = await runtime.app.inject({
      method: 'POST',
      url: '/api/v1/envelopes',
      headers,
      payload: {
        title: 'Fifty signers',
        documentId,
        order: 'parallel',
        recipients: emails.map((email, i) => ({ name: `Signer ${i}`, email, role: 'signer' })),
        fields: emails.map((_, i) => ({
          recipient: i,
          type: 'signature',
          page: 2,
          x: 40 + (i % 5) * 100,
          y: 40 + Math.floor(i / 5) * 60,
          width: 90,
          height: 30,
        })),
      },
    });
    const { id } = created.json();
    await runtime.app.inject({ method: 'POST', url: `/api/v1/envelopes/${id}/send`, headers });
    await runtime.ctx.mailer.flush(10_000);
    const outbox = path.join(dataDir, 'outbox');
    const tokens = fs
      .readdirSync(outbox)
      .map(
        (f) =>
          /\/sign\/([A-Za-z0-9_-]{43})/.exec(fs.readFileSync(path.join(outbox, f), 'utf8').replace(/=\r?\n/g, ''))?.[1],
      )
      .filter((x): x is string => Boolean(x));
    // Open and consent from each signer's own address (the signer routes are limited per IP).
    await Promise.all(
      tokens.map(async (token, i) => {
        const remoteAddress = `198.51.100.${i + 1}`;
        await runtime.app.inject({ method: 'GET', url: `/api/v1/sign/${token}`, remoteAddress });
        await runtime.app.inject({
          method: 'POST',
          url: `/api/v1/sign/${token}/consent`,
          payload: { disclosureVersion: '2025-01' },
          remoteAddress,
        });
      }),
    );
    await runtime.app.listen({ host: '127.0.0.1', port: 0 });
    const port = (runtime.app.server.address() as { port: number }).port;
    const t0 = performance.now();
    const results = await Promise.all(
      tokens.map(async (token) => {
        const s = performance.now();
        const res = await fetch(`http://127.0.0.1:${port}/api/v1/sign/${token}/complete`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ signature: { kind: 'typed', value: 'Signer' } }),
        });
        await res.arrayBuffer();
        return { status: res.status, ms: performance.now() - s };
      }),
    );
    const wall = performance.now() - t0;
    const state = (
      await sql<{ status: string; seals: number }>`
        SELECT status, (SELECT count(*)::int FROM chambers.envelope_events v WHERE v.envelope_id = e.id AND v.kind = 'seal') AS seals
        FROM chambers.envelopes e WHERE id = ${id}`.execute(runtime.ctx.db.owner)
    ).rows[0]!;
    const ms = results.map((r) => r.ms).sort((a, b) => a - b);
    return {
      signers: tokens.length,
      errors: results.filter((r) => r.status !== 200).length,
      wall,
      p50: ms[Math.floor(ms.length / 2)] ?? 0,
      max: ms.at(-1) ?? 0,
      status: state.status,
      seals: state.seals,
    };
  } finally {
    await runtime.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function benchSignatures(databaseUrl: string): Promise<void> {
  console.log('\nSignatures: seal CPU per document (compose + one PAdES B-B signature, in process)');
  for (const [pages, runs] of [
    [1, 40],
    [100, 15],
  ] as const) {
    const r = await sealCpu(pages, runs);
    console.log(
      `${String(r.pages).padStart(3)}-page PDF: ${r.cpuPerDoc.toFixed(1)} ms CPU/doc (signature step alone ${r.sealOnlyPerDoc.toFixed(1)} ms), ${r.wallPerDoc.toFixed(1)} ms wall, sealed file ${(r.size / 1024).toFixed(0)} KB`,
    );
  }
  const c = await concurrentSigners(databaseUrl, 50);
  console.log(
    `${c.signers} signers completing at once over HTTP: ${c.errors} errors, all done in ${c.wall.toFixed(0)} ms (p50 ${c.p50.toFixed(0)} ms, max ${c.max.toFixed(0)} ms); envelope ${c.status}, ${c.seals} sealed file(s)`,
  );
}
