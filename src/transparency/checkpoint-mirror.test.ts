import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Server, type TestS3Server } from '../../test/helpers/s3-server.ts';
import { signedInMember, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { BLOCK_SIZE } from './audit-tree.ts';
import { verifyCheckpointSignature, type Checkpoint } from './checkpoint.ts';
import { parseCheckpointNote } from './checkpoint-note.ts';

/**
 * AUDIT_S3_BUCKET: every signed checkpoint (and 'pruned below N' checkpoint) is
 * copied to S3 as its own Object Lock'ed note; a bucket outage never stops sealing
 * and the mirror catches up by itself. Against a real S3-protocol server (s3rver).
 */
describe('the S3 checkpoint mirror', () => {
  let s3: TestS3Server;
  let t: TestApp;
  let reader: S3Client;
  let admin: Awaited<ReturnType<typeof signedInMember>>;
  const putHeaders: Array<Record<string, string>> = [];
  const PREFIX = 'audit-mirror/';

  beforeAll(async () => {
    s3 = await startS3Server('chambers-audit');
    t = await startTestApp({
      env: {
        AUDIT_S3_BUCKET: s3.bucket,
        AUDIT_S3_PREFIX: PREFIX,
        S3_ENDPOINT: s3.endpoint,
        S3_REGION: 'us-east-1',
        S3_ACCESS_KEY_ID: 'S3RVER',
        S3_SECRET_ACCESS_KEY: 'S3RVER',
        S3_FORCE_PATH_STYLE: 'true',
      },
    });
    // See what actually goes on the wire: the headers of every PutObject the mirror sends.
    t.ctx.checkpointMirror?.client.middlewareStack.add(
      (next, context) => async (args) => {
        const req = args.request as { headers?: Record<string, string> };
        if (context.commandName === 'PutObjectCommand' && req.headers) putHeaders.push({ ...req.headers });
        return next(args);
      },
      { step: 'finalizeRequest', name: 'captureMirrorHeaders' },
    );
    reader = new S3Client({
      endpoint: s3.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    admin = await signedInMember(t, { role: 'org_admin' });
  });
  afterAll(async () => {
    reader?.destroy();
    await t?.close();
    await s3?.close();
  });

  const record = async (n: number) => {
    for (let i = 0; i < n; i++) {
      await t.ctx.audit.record({
        action: 'matter.view',
        outcome: 'success',
        orgId: admin.orgId,
        actorId: admin.userId,
        target: `matter:${i}`,
      });
    }
  };
  const checkpoint = async () => (await t.ctx.auditSealer.sealNow({ checkpoint: true })).checkpoint as Checkpoint;
  const mirrored = async () => {
    const out = await reader.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: `${PREFIX}checkpoints/` }));
    const notes = [];
    for (const o of out.Contents ?? []) {
      const body = await reader.send(new GetObjectCommand({ Bucket: s3.bucket, Key: o.Key }));
      notes.push({
        key: o.Key ?? '',
        text: await (body.Body as { transformToString(): Promise<string> }).transformToString(),
      });
    }
    return notes;
  };
  const status = async () =>
    (await t.inject({ method: 'GET', url: '/api/v1/audit/status', headers: admin.headers })).json().mirror as {
      state: string;
      lastTreeSize: number;
    };
  const publicKey = () => t.ctx.keys.auditKey.publicKeyRaw;

  it('should write each checkpoint as its own object whose note verifies with the audit public key', async () => {
    await record(5);
    const cp = await checkpoint();
    await t.ctx.checkpointMirror?.sync();
    const notes = await mirrored();
    const note = notes.find((n) => n.key.includes(`${String(cp.treeSize).padStart(20, '0')}-`));
    expect(note, JSON.stringify(notes.map((n) => n.key))).toBeDefined();
    expect(note?.key.startsWith(`${PREFIX}checkpoints/`)).toBe(true);
    const parsed = parseCheckpointNote(note?.text ?? '');
    expect(parsed).toMatchObject({ treeSize: cp.treeSize, rootHash: cp.rootHash, kind: 'checkpoint' });
    expect(verifyCheckpointSignature({ ...cp, ...parsed }, publicKey())).toBe(true);
    // A note whose tree size was altered no longer verifies.
    expect(verifyCheckpointSignature({ ...cp, ...parsed, treeSize: cp.treeSize + 1 }, publicKey())).toBe(false);
    expect(await status()).toEqual({ state: 'ok', lastTreeSize: cp.treeSize });
  });

  it('should send each PutObject with Object Lock COMPLIANCE retained for the general audit retention', async () => {
    // s3rver does not implement Object Lock (it ignores these headers), so this checks the request, not enforcement.
    expect(putHeaders.length).toBeGreaterThan(0);
    const h = putHeaders.at(-1) ?? {};
    expect(h['x-amz-object-lock-mode']).toBe('COMPLIANCE');
    const until = new Date(h['x-amz-object-lock-retain-until-date'] ?? '').getTime();
    const expected = Date.now() + t.config.auditRetention.generalDays * 86_400_000;
    expect(Math.abs(until - expected)).toBeLessThan(5 * 60_000);
  });

  it('should keep sealing while the bucket is down, report failing, and catch up when it is back', async () => {
    await s3.stop();
    await record(3);
    const down1 = await checkpoint();
    await record(3);
    const down2 = await checkpoint();
    expect(down2.treeSize).toBeGreaterThan(down1.treeSize);
    await t.ctx.checkpointMirror?.sync();
    const failing = await status();
    expect(failing.state).toBe('failing');
    expect(failing.lastTreeSize).toBeLessThan(down1.treeSize);
    expect(t.ctx.auditSealer.status().state).toBe('ok');
    expect(t.ctx.checkpointMirror?.status().failures).toBeGreaterThan(0);

    await s3.restart();
    await record(1);
    const up = await checkpoint();
    await t.ctx.checkpointMirror?.sync();
    expect(await status()).toEqual({ state: 'ok', lastTreeSize: up.treeSize });
    const sizes = (await mirrored()).map((n) => parseCheckpointNote(n.text)?.treeSize);
    expect(sizes).toEqual(expect.arrayContaining([down1.treeSize, down2.treeSize, up.treeSize]));
  });

  it("should mirror a 'pruned below N' checkpoint too", async () => {
    const need = BLOCK_SIZE + 1 - t.ctx.auditSealer.tree.size;
    if (need > 0) await record(need);
    const result = await t.ctx.auditSealer.prune(async () => BLOCK_SIZE);
    expect(result.checkpoint?.kind).toBe('pruned');
    await t.ctx.checkpointMirror?.sync();
    const note = (await mirrored()).find((n) => n.key.endsWith('-pruned.note'));
    const parsed = parseCheckpointNote(note?.text ?? '');
    expect(parsed).toMatchObject({ kind: 'pruned', prunedBelow: BLOCK_SIZE, treeSize: BLOCK_SIZE });
    expect(verifyCheckpointSignature({ ...(result.checkpoint as Checkpoint), ...parsed }, publicKey())).toBe(true);
  });

  it('should find where it left off in the bucket after a restart and write only what is missing', async () => {
    const before = (await mirrored()).length;
    // The running mirror goes away (as at shutdown); a checkpoint is then signed that only the database has.
    await t.ctx.checkpointMirror?.stop();
    await record(2);
    const cp = await checkpoint();
    // A fresh mirror (as after a restart) over the same database and bucket.
    const { createCheckpointMirror } = await import('./checkpoint-mirror.ts');
    const fresh = createCheckpointMirror({
      settings: t.config.auditMirror!,
      db: t.ctx.db,
      publicKeyRaw: publicKey(),
      retentionDays: 1,
      clock: t.ctx.clock,
      logger: t.ctx.logger,
    });
    let puts = 0;
    fresh.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'PutObjectCommand') puts += 1;
        return next(args);
      },
      { step: 'initialize', name: 'countPuts' },
    );
    await fresh.sync();
    await fresh.stop();
    expect(fresh.status()).toMatchObject({ state: 'ok', lastTreeSize: cp.treeSize });
    expect(puts).toBe(1);
    expect((await mirrored()).length).toBe(before + 1);
  });
});
