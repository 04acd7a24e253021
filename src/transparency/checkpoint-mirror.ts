import { ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '../platform/storage/index.ts';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { AuditMirrorConfig } from '../platform/config.ts';
import type { Clock } from '../platform/clock.ts';
import { type Database, unsafeWithOwner } from '../platform/db/index.ts';
import { CHECKPOINT_COLUMNS, checkpointFromRow, type Checkpoint, type CheckpointRow } from './checkpoint.ts';
import { formatCheckpointNote } from './checkpoint-note.ts';

export type MirrorStatus = {
  state: 'ok' | 'failing';
  lastTreeSize: number;
  failures: number;
  lastError: string | null;
};

export type CheckpointMirror = {
  /** Mirror every checkpoint not yet in the bucket. Never throws; serialized; a call during a run queues one more run. */
  sync(): Promise<void>;
  status(): MirrorStatus;
  stop(): Promise<void>;
  /** The S3 client (tests hook its middleware to see the request headers). */
  client: S3Client;
};

const BATCH = 100;
const pad = (n: number) => String(n).padStart(20, '0');
const stamp = (iso: string) => iso.replace(/[-:]/g, '');

/** `<prefix>checkpoints/<zero-padded treeSize>-<signedAt>[-pruned].note`: sorted by tree size; a pruned checkpoint never collides with a normal one of the same size. */
export const mirrorKey = (prefix: string, cp: Checkpoint) =>
  `${prefix}checkpoints/${pad(cp.treeSize)}-${stamp(cp.signedAt)}${cp.kind === 'pruned' ? '-pruned' : ''}.note`;

const KEY_RE = /checkpoints\/(\d{20})-[0-9T.Z]+(-pruned)?\.note$/;

/**
 * Copies each signed checkpoint to an S3 bucket as its own object under Object Lock
 * (COMPLIANCE, retained for the general audit retention), so a copy lives outside
 * this server's disk and database. The database is the queue: each sync writes every
 * checkpoint above the last mirrored tree size (one cursor per kind), so a failed
 * write is simply retried on the next checkpoint and never blocks sealing.
 */
export function createCheckpointMirror(opts: {
  settings: AuditMirrorConfig;
  db: Database;
  publicKeyRaw: Uint8Array;
  retentionDays: number;
  clock: Clock;
  logger: Logger;
}): CheckpointMirror {
  const { settings, logger } = opts;
  // One attempt per call: the mirror retries on its own schedule and must never hold up a checkpoint.
  const client = createS3Client(settings, { maxAttempts: 1 });
  // null until read from the bucket (on the first successful sync after a start).
  let cursor: { checkpoint: number; pruned: number } | null = null;
  let state: MirrorStatus['state'] = 'ok';
  let failures = 0;
  let lastError: string | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;

  async function readCursor(): Promise<{ checkpoint: number; pruned: number }> {
    const found = { checkpoint: -1, pruned: -1 };
    let token: string | undefined;
    do {
      const out = await client.send(
        new ListObjectsV2Command({
          Bucket: settings.bucket,
          Prefix: `${settings.prefix}checkpoints/`,
          ContinuationToken: token,
        }),
      );
      for (const o of out.Contents ?? []) {
        const m = KEY_RE.exec(o.Key ?? '');
        if (!m) continue;
        const kind = m[2] ? 'pruned' : 'checkpoint';
        found[kind] = Math.max(found[kind], Number(m[1]));
      }
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token);
    return found;
  }

  async function unsafePendingCheckpoints(c: { checkpoint: number; pruned: number }): Promise<Checkpoint[]> {
    const { rows } = await unsafeWithOwner(opts.db, (tx) =>
      sql<CheckpointRow>`SELECT ${sql.raw(CHECKPOINT_COLUMNS)} FROM audit.checkpoints
        WHERE (kind = 'checkpoint' AND tree_size > ${c.checkpoint}) OR (kind = 'pruned' AND tree_size > ${c.pruned})
        ORDER BY id LIMIT ${BATCH}`.execute(tx),
    );
    return rows.map(checkpointFromRow);
  }

  async function put(cp: Checkpoint): Promise<void> {
    const retainUntil = new Date(opts.clock.now().getTime() + opts.retentionDays * 86_400_000);
    await client.send(
      new PutObjectCommand({
        Bucket: settings.bucket,
        Key: mirrorKey(settings.prefix, cp),
        Body: formatCheckpointNote(cp, opts.publicKeyRaw),
        ContentType: 'text/plain; charset=utf-8',
        ObjectLockMode: 'COMPLIANCE',
        ObjectLockRetainUntilDate: retainUntil,
      }),
    );
  }

  async function runOnce(): Promise<void> {
    try {
      cursor ??= await readCursor();
      for (;;) {
        const batch = await unsafePendingCheckpoints(cursor);
        for (const cp of batch) {
          await put(cp);
          cursor[cp.kind] = Math.max(cursor[cp.kind], cp.treeSize);
        }
        if (batch.length < BATCH) break;
      }
      if (state === 'failing') logger.info({ lastTreeSize: cursor.checkpoint }, 'audit checkpoint mirror caught up');
      state = 'ok';
      lastError = null;
    } catch (err) {
      failures += 1;
      lastError = (err as Error).message || (err as Error).name;
      state = 'failing';
      logger.error(
        { err: { message: lastError }, failures },
        'audit checkpoint mirror write failed; will retry at the next checkpoint',
      );
    }
  }

  function sync(): Promise<void> {
    if (stopped) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await runOnce();
      } while (again);
    })().finally(() => {
      running = null;
    });
    return running;
  }

  return {
    client,
    sync,
    status: () => ({ state, lastTreeSize: Math.max(cursor?.checkpoint ?? 0, 0), failures, lastError }),
    async stop() {
      stopped = true;
      await running;
      client.destroy();
    },
  };
}
