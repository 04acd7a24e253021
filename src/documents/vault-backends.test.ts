import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EICAR, clamdMissingReason, startClamd, type TestClamd } from '../../test/helpers/clamd.ts';
import { multipart, pdf, vaultCounts } from '../../test/helpers/documents.ts';
import { startS3Server, type TestS3Server } from '../../test/helpers/s3-server.ts';
import { signedInMember, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { manualClock } from '../platform/clock.ts';
import { ORPHAN_GRACE_MS, runOrphanSweep } from '../jobs/orphan-sweep-job.ts';

async function matterOf(t: TestApp, headers: Record<string, string>): Promise<string> {
  return (await t.inject({ method: 'POST', url: '/api/v1/matters', headers, payload: { title: 'Backends' } })).json()
    .id;
}
const send = (
  t: TestApp,
  headers: Record<string, string>,
  matterId: string,
  filename: string,
  content: Buffer | string,
) => {
  const body = multipart([{ filename, content }]);
  return t.inject({
    method: 'POST',
    url: `/api/v1/matters/${matterId}/documents`,
    headers: { ...headers, ...body.headers },
    payload: body.payload,
  });
};

function filesUnder(dir: string): Buffer[] {
  const out: Buffer[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile()) out.push(fs.readFileSync(path.join(e.parentPath, e.name)));
  return out;
}

describe('the vault on S3 (s3rver)', () => {
  let s3: TestS3Server;
  let t: TestApp;
  beforeAll(async () => {
    s3 = await startS3Server();
    t = await startTestApp({ env: s3.env });
  });
  afterAll(async () => {
    await t?.close();
    await s3?.close();
  });

  it('should round-trip a document through the bucket, which holds only ciphertext, and delete its object', async () => {
    const lawyer = await signedInMember(t, { role: 'lawyer' });
    const matterId = await matterOf(t, lawyer.headers);
    const content = pdf('s3-plaintext-marker', 300_000);
    const up = await send(t, lawyer.headers, matterId, 'bucket.pdf', content);
    expect(up.statusCode, up.body).toBe(201);
    const got = await t.inject({
      method: 'GET',
      url: `/api/v1/documents/${up.json().id}/content`,
      headers: lawyer.headers,
    });
    expect(got.rawPayload.equals(content)).toBe(true);
    for (const f of filesUnder(s3.directory)) expect(f.includes('s3-plaintext-marker')).toBe(false);
    expect((await vaultCounts(t)).blobs).toBe(1);
    expect(
      (await t.inject({ method: 'DELETE', url: `/api/v1/documents/${up.json().id}`, headers: lawyer.headers }))
        .statusCode,
    ).toBe(204);
    expect((await vaultCounts(t)).blobs).toBe(0);
  });
});

describe('virus scanning with a real clamd', () => {
  let clamd: TestClamd | null = null;
  let t: TestApp;
  let admin: Awaited<ReturnType<typeof signedInMember>>;
  let matterId: string;
  const skip = clamdMissingReason();
  beforeAll(async () => {
    if (skip) return;
    clamd = await startClamd();
    t = await startTestApp({ env: clamd.env });
    admin = await signedInMember(t, { role: 'org_admin' });
    matterId = await matterOf(t, admin.headers);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await clamd?.stop();
  });

  it.skipIf(skip)(
    'should refuse an infected file with 422 FILE_INFECTED, audit it and store nothing; accept a clean one as clean',
    async () => {
      const before = await vaultCounts(t);
      const infected = await send(t, admin.headers, matterId, 'eicar.txt', EICAR);
      expect(infected.statusCode, infected.body).toBe(422);
      expect(infected.json().code).toBe('FILE_INFECTED');
      expect(await vaultCounts(t)).toEqual(before);
      const clean = await send(t, admin.headers, matterId, 'clean.pdf', pdf('clean'));
      expect(clean.json().scanStatus).toBe('clean');
    },
  );

  it.skipIf(skip)(
    'should follow the organization policy when clamd is down: refuse (503) by default, or accept as unscanned',
    async () => {
      await clamd?.stop();
      clamd = null;
      const before = await vaultCounts(t);
      const refused = await send(t, admin.headers, matterId, 'while-down.pdf', pdf('down'));
      expect(refused.statusCode, refused.body).toBe(503);
      expect(refused.json().code).toBe('SCANNER_UNAVAILABLE');
      expect(await vaultCounts(t)).toEqual(before);
      await t.inject({
        method: 'PUT',
        url: '/api/v1/document-policy',
        headers: admin.headers,
        payload: { scannerUnavailable: 'accept_unscanned' },
      });
      const accepted = await send(t, admin.headers, matterId, 'while-down.pdf', pdf('down'));
      expect(accepted.statusCode, accepted.body).toBe(201);
      expect(accepted.json().scanStatus).toBe('unscanned');
    },
  );
});

describe('the orphan-blob sweep', () => {
  it('should delete a blob no version names once past the grace period, and keep live ones', async () => {
    const clock = manualClock();
    const t = await startTestApp({ clock });
    try {
      const lawyer = await signedInMember(t, { role: 'lawyer' });
      const matterId = await matterOf(t, lawyer.headers);
      expect((await send(t, lawyer.headers, matterId, 'live.pdf', pdf('live'))).statusCode).toBe(201);
      const { Readable } = await import('node:stream');
      await t.ctx.blobStore.put(
        `${lawyer.orgId}/00000000-0000-4000-8000-000000000000`,
        Readable.from([Buffer.from('left by a crash')]),
      );
      // Blobs other modules own: a data export (kept until its own retention) and a judicial orphan.
      await t.ctx.blobStore.put(
        'privacy-exports/00000000-0000-4000-8000-000000000001',
        Readable.from([Buffer.from('zip')]),
      );
      await t.ctx.blobStore.put(
        `judicial/${lawyer.orgId}/00000000-0000-4000-8000-000000000002`,
        Readable.from([Buffer.from('left by a crash')]),
      );
      expect((await vaultCounts(t)).blobs).toBe(4);
      expect(await runOrphanSweep(t.ctx)).toBe(0);
      clock.advance(ORPHAN_GRACE_MS + 60_000);
      expect(await runOrphanSweep(t.ctx)).toBe(2);
      expect((await vaultCounts(t)).blobs).toBe(2);
      const left: string[] = [];
      for await (const b of t.ctx.blobStore.list('privacy-exports/')) left.push(b.key);
      expect(left).toEqual(['privacy-exports/00000000-0000-4000-8000-000000000001']);
    } finally {
      await t.close();
    }
  });
});
