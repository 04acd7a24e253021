/**
 * Fault: the process is killed while it seals an envelope (here: while the time-stamp
 * authority holds its request). The signature is already committed; the envelope waits
 * under the dead worker's lease. After a restart, once the lease runs out, sealing resumes
 * and produces exactly one sealed file, however many workers try at once.
 */
import { fork } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { multipart } from '../../test/helpers/documents.ts';
import { createScratchDatabase, testDatabaseKind } from '../../test/helpers/test-db.ts';
import { bearer, createMember, login, type TestApp } from '../../test/helpers/test-app.ts';
import { startTestTsa, type TestTsa } from '../../test/helpers/tsa.ts';
import { makePdf, validateWithTools } from '../../test/helpers/tsa-pdf.ts';
import { boot } from '../boot.ts';
import { loadConfig } from '../platform/config.ts';
import { sealDueEnvelopes, sealEnvelope } from './finalize.ts';

const child = fileURLToPath(new URL('../../test/helpers/tsa-crash-child.ts', import.meta.url));

/** A time-stamp authority that takes the request and never answers: the seal is in flight. */
async function startHangingTsa() {
  const sockets = new Set<Socket>();
  let hits = 0;
  const server = http.createServer((req) => {
    req.resume();
    hits += 1;
  });
  server.on('connection', (s) => sockets.add(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/tsr`,
    hits: () => hits,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

describe('sealing when the process is killed in the middle', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chambers-seal-crash-'));
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>> | null = null;
  let tsa: TestTsa | null = null;
  afterAll(async () => {
    await tsa?.close();
    await scratch?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('should resume after a restart and seal exactly once', { timeout: 120_000 }, async () => {
    if (testDatabaseKind() === 'postgres') scratch = await createScratchDatabase();
    const env = {
      CHAMBERS_DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      PUBLIC_URL: 'https://chambers.example',
      RATE_LIMIT_AUTH_PER_MINUTE: '100000',
      ...(scratch ? { DATABASE_URL: scratch.url } : {}),
    };
    // PGlite on files in the data directory (not in memory), so each life sees the one before.
    const start = (extra: Record<string, string> = {}) =>
      boot(loadConfig({ ...env, ...extra }), { logger: pino({ level: 'silent' }) });

    // First life: an envelope to one signer, who opens the link and consents.
    const first = await start();
    const t = { ctx: first.ctx, inject: (o: never) => first.app.inject(o) } as unknown as TestApp;
    const lawyer = await createMember(t, { role: 'lawyer' });
    const headers = bearer((await login(t, lawyer.email)).accessToken);
    const matterId = (
      await first.app.inject({ method: 'POST', url: '/api/v1/matters', headers, payload: { title: 'M' } })
    ).json().id;
    const body = multipart([{ filename: 'c.pdf', content: await makePdf(3) }]);
    const documentId = (
      await first.app.inject({
        method: 'POST',
        url: `/api/v1/matters/${matterId}/documents`,
        headers: { ...headers, ...body.headers },
        payload: body.payload,
      })
    ).json().id;
    const { id } = (
      await first.app.inject({
        method: 'POST',
        url: '/api/v1/envelopes',
        headers,
        payload: {
          title: 'Crash',
          documentId,
          order: 'parallel',
          recipients: [{ name: 'Last Signer', email: 'last@example.org', role: 'signer' }],
        },
      })
    ).json();
    await first.app.inject({ method: 'POST', url: `/api/v1/envelopes/${id}/send`, headers });
    await first.ctx.mailer.flush(5_000);
    const outbox = path.join(dataDir, 'outbox');
    const mailText = fs
      .readdirSync(outbox)
      .map((f) => fs.readFileSync(path.join(outbox, f), 'utf8').replace(/=\r?\n/g, ''))
      .join('\n');
    const token = /\/sign\/([A-Za-z0-9_-]{43})/.exec(mailText)![1]!;
    await first.app.inject({ method: 'GET', url: `/api/v1/sign/${token}` });
    await first.app.inject({
      method: 'POST',
      url: `/api/v1/sign/${token}/consent`,
      payload: { disclosureVersion: '2025-01' },
    });
    await first.close();

    // Second life, in its own process: the last signature starts sealing; the TSA holds it; SIGKILL.
    const hanging = await startHangingTsa();
    const proc = fork(child, [], {
      execArgv: ['--import', 'tsx'],
      env: {
        ...process.env,
        CHAMBERS_CHILD_ENV: JSON.stringify({ ...env, TSA_URLS: hanging.url }),
        CHAMBERS_SIGN_TOKEN: token,
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const messages: string[] = [];
    proc.on('message', (m) => messages.push(String(m)));
    const deadline = Date.now() + 60_000;
    while (hanging.hits() === 0 && Date.now() < deadline && proc.exitCode === null)
      await new Promise((r) => setTimeout(r, 50));
    expect(hanging.hits(), 'the child reached the time-stamp request').toBeGreaterThan(0);
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGKILL');
    await exited;
    await hanging.close();
    expect(messages.some((m) => m.startsWith('completed'))).toBe(false);

    // Third life: the signature is there, the seal is not; the dead worker's lease holds it until it runs out.
    tsa = await startTestTsa();
    const third = await start({ TSA_URLS: tsa.url });
    try {
      const state = async () =>
        (
          await sql<{ status: string; seal_state: string | null; final_sha256: string | null; seals: number }>`
            SELECT status, seal_state, final_sha256,
              (SELECT count(*)::int FROM chambers.envelope_events v WHERE v.envelope_id = e.id AND v.kind = 'seal') AS seals
            FROM chambers.envelopes e WHERE id = ${id}`.execute(third.ctx.db.owner)
        ).rows[0]!;
      expect(await state()).toMatchObject({ status: 'sent', seal_state: 'pending', final_sha256: null, seals: 0 });
      const signed = await sql<{ status: string }>`
        SELECT status FROM chambers.envelope_recipients WHERE envelope_id = ${id}`.execute(third.ctx.db.owner);
      expect(signed.rows[0]?.status).toBe('signed');
      expect(await sealEnvelope(third.ctx, id)).toBe('skipped');

      // The lease (two minutes) runs out; then several workers try at once.
      await sql`UPDATE chambers.envelopes SET seal_lease_until = now() - interval '1 second' WHERE id = ${id}`.execute(
        third.ctx.db.owner,
      );
      const outcomes = await Promise.all([
        sealEnvelope(third.ctx, id),
        sealEnvelope(third.ctx, id),
        sealDueEnvelopes(third.ctx).then(() => 'job'),
      ]);
      expect(outcomes.filter((o) => o === 'sealed').length).toBeLessThanOrEqual(1);
      const after = await state();
      expect(after).toMatchObject({ status: 'completed', seal_state: 'done', seals: 1 });
      expect(await sealEnvelope(third.ctx, id)).toBe('skipped');

      const file = (
        await third.app.inject({
          method: 'GET',
          url: `/api/v1/envelopes/${id}/document`,
          headers: bearer(
            (await login({ ...t, ctx: third.ctx, inject: (o: never) => third.app.inject(o) } as TestApp, lawyer.email))
              .accessToken,
          ),
        })
      ).rawPayload;
      const chain = await sql<{ chain_pem: string }>`
        SELECT chain_pem FROM chambers.seal_certificates WHERE org_id = ${lawyer.orgId}`.execute(third.ctx.db.owner);
      validateWithTools(file, chain.rows[0]!.chain_pem);
      expect(after.final_sha256).toBe(crypto.createHash('sha256').update(file).digest('hex'));
    } finally {
      await third.close();
    }
  });
});
