import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clamdMissingReason, startClamd, type TestClamd } from '../../test/helpers/clamd.ts';
import { startS3Server, type TestS3Server } from '../../test/helpers/s3-server.ts';
import { startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { runDoctor } from '../cli/doctor.ts';

describe('vault services in the app context', () => {
  it('defaults to the local store under <data>/blobs and no scanner; /readyz checks storage', async () => {
    const t = await startTestApp();
    try {
      expect(t.ctx.blobStore.kind).toBe('local');
      expect(t.ctx.scanner).toBeNull();
      expect(typeof t.ctx.orgKeyring.newDataKey).toBe('function');
      const ready = await t.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(200);
      expect(ready.json().checks).toEqual({
        database: 'ok',
        storage: 'ok',
        keys: 'ok',
        audit: 'ok',
        'seal-certificates': 'ok',
      });
    } finally {
      await t.close();
    }
  });

  describe('with S3 and clamd configured', () => {
    let s3: TestS3Server;
    let clamd: TestClamd | null = null;
    let t: TestApp;
    beforeAll(async () => {
      s3 = await startS3Server();
      if (!clamdMissingReason()) clamd = await startClamd();
      t = await startTestApp({ env: { ...s3.env, ...(clamd?.env ?? { CLAMD_HOST: '127.0.0.1', CLAMD_PORT: '1' }) } });
    });
    afterAll(async () => {
      await t?.close();
      await clamd?.stop();
      await s3?.close().catch(() => undefined);
    });

    it('reports storage unavailable when the bucket cannot be reached, and a scanner outage as an alarm only', async () => {
      expect(t.ctx.blobStore.kind).toBe('s3');
      expect(t.ctx.scanner).not.toBeNull();
      const ready = await t.inject({ method: 'GET', url: '/readyz' });
      expect(ready.json().checks.storage).toBe('ok');
      expect(ready.json().checks.scanner).toBe(clamd ? 'ok' : 'alarm');
      await clamd?.stop();
      clamd = null;
      const degraded = await t.inject({ method: 'GET', url: '/readyz' });
      expect(degraded.statusCode).toBe(200);
      expect(degraded.json().checks.scanner).toBe('alarm');
      await s3.close();
      const down = await t.inject({ method: 'GET', url: '/readyz' });
      expect(down.statusCode).toBe(503);
      expect(down.json().checks.storage).toBe('unavailable');
    });
  });
});

describe('chambers doctor checks document storage', () => {
  it('passes a reachable bucket and fails a missing one and an unreachable clamd', async () => {
    const s3 = await startS3Server();
    try {
      const lines: string[] = [];
      await runDoctor({ ...s3.env, CHAMBERS_DATA_DIR: '/nonexistent/chambers-doctor' }, (l) => lines.push(l));
      expect(lines.join('\n')).toContain(`ok    document storage: S3 bucket ${s3.bucket} reachable`);
      const bad: string[] = [];
      await runDoctor(
        {
          ...s3.env,
          S3_BUCKET: 'missing-bucket',
          CLAMD_HOST: '127.0.0.1',
          CLAMD_PORT: '1',
          CHAMBERS_DATA_DIR: '/nonexistent/chambers-doctor',
        },
        (l) => bad.push(l),
      );
      expect(bad.join('\n')).toContain('FAIL  document storage: S3 bucket missing-bucket not reachable');
      expect(bad.join('\n')).toContain('FAIL  virus scanner');
    } finally {
      await s3.close();
    }
  });
});
