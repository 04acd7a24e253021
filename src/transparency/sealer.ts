import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '../platform/clock.ts';
import type { Database } from '../platform/db/index.ts';
import { unsafeWithOwner } from '../platform/db/index.ts';
import type { KeyRing } from '../platform/keys.ts';
import { canonicalEventBytes } from '../audit/index.ts';
import { AuditTree, BLOCK_SIZE } from './audit-tree.ts';
import { leafHashes, nextSeq, sealedRows, toFields, type EventRow } from '../audit/index.ts';
import { CHECKPOINT_COLUMNS, appendCheckpointFile, checkpointFromRow, checkpointOrigin, readCheckpointFile, signCheckpoint, type Checkpoint, type CheckpointRow } from './checkpoint.ts';
import { MerkleAccumulator, hashEquals, leafHash, rootFromLeafHashes } from './merkle/index.ts';
import { newestPrunedCheckpoint, verifyLiveLog } from './verify-log.ts';

/** Serializes sealers across processes: only one assigns sequence numbers at a time. */
const SEAL_LOCK = 7261005;
/**
 * Events sealed per transaction. Embedded PGlite runs each statement synchronously on the
 * server's own thread, so there a backlog is sealed in smaller batches; on both, a turn of
 * the event loop between batches keeps requests served while it drains.
 */
const BATCH_BY_KIND = { pglite: 2000, postgres: 5000 } as const;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
/**
 * How many sealed events each checkpoint re-reads and re-hashes (a rolling window over the whole log).
 * Whole blocks: a window ending inside a complete block would compare a partial block with its cached hash.
 */
const REVERIFY_WINDOW = 80 * BLOCK_SIZE;

export type SealerStatus = {
  state: 'starting' | 'ok' | 'alarm' | 'stopped';
  alarm: string | null;
  /** When the alarm was raised (ISO), or null. */
  alarmSince: string | null;
  treeSize: number;
  lastCheckpoint: Checkpoint | null;
  /** Events below this sequence number were removed by the retention purge. */
  prunedBelow: number;
  /** How far the background re-hash of every event's content since start has come. */
  contentVerifiedTo: number;
};

export type PruneResult = { prunedBelow: number; removed: number; checkpoint: Checkpoint | null };

export type AuditSealer = {
  tree: AuditTree;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Seals every pending event now (tests, export); `checkpoint: true` signs a checkpoint even before it is due. */
  sealNow(opts?: { checkpoint?: boolean }): Promise<{ sealed: number; checkpoint: Checkpoint | null }>;
  status(): SealerStatus;
  /** Settles when the re-hash of every event's content that follows start is over (or stopped). */
  contentSweepDone(): Promise<void>;
  /** Brings the in-memory tree up to the sealed log (another process may have sealed). */
  catchUp(): Promise<number>;
  fetchLeaves(from: number, to: number): Promise<Buffer[]>;
  /**
   * The retention purge: seals and checkpoints, asks `plan` (under the same lock) for
   * the first sequence number to keep, rounds it down to a whole block, signs and
   * stores a 'pruned below N' checkpoint, then deletes [0, N) through audit.purge_before.
   */
  prune(plan: () => Promise<number>): Promise<PruneResult>;
};

export type SealerOptions = {
  db: Database;
  keys: Pick<KeyRing, 'auditKey'>;
  logger: Logger;
  clock: Clock;
  dataDir: string;
  publicUrl: string;
  checkpointEvery: number;
  checkpointSeconds: number;
  intervalMs?: number;
  /** Called after each checkpoint (normal or pruned) is stored; must not throw (the S3 mirror). */
  onCheckpoint?: () => void;
};

export async function loadCheckpoints(db: Database): Promise<Checkpoint[]> {
  return unsafeWithOwner(db, async (tx) => {
    const { rows } = await sql<CheckpointRow>`SELECT ${sql.raw(CHECKPOINT_COLUMNS)} FROM audit.checkpoints ORDER BY id`.execute(tx);
    return rows.map(checkpointFromRow);
  });
}

/** The newest normal checkpoint of a list (largest tree). */
export const latestCheckpoint = (cps: Checkpoint[]): Checkpoint | null =>
  cps.filter((c) => c.kind === 'checkpoint').reduce<Checkpoint | null>((best, c) => (!best || c.treeSize > best.treeSize || (c.treeSize === best.treeSize && c.signedAt > best.signedAt) ? c : best), null);

/**
 * The one writer of the Merkle structure. Every ≤1 s it takes unsealed events in
 * id order, gives them the next gap-free sequence numbers and their leaf hashes
 * (as the owner, under an advisory lock so two processes never seal at once),
 * and every N events or T seconds with activity signs a checkpoint, stored in the
 * database and appended to <data>/audit/checkpoints.log. Before it seals anything,
 * and before each checkpoint, it checks the stored log is still the one it signed;
 * if not it raises an alarm and stops sealing for good: it never re-chains.
 */
export function createAuditSealer(opts: SealerOptions): AuditSealer {
  const { db, logger } = opts;
  const BATCH = BATCH_BY_KIND[db.kind];
  const tree = new AuditTree();
  const origin = checkpointOrigin(opts.publicUrl);
  const intervalMs = opts.intervalMs ?? 1000;
  let state: SealerStatus['state'] = 'starting';
  let alarm: string | null = null;
  let alarmSince: string | null = null;
  let prunedBelow = 0;
  let last: Checkpoint | null = null;
  let lastCheckpointAt = 0;
  let reverifyCursor = 0;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn, fn);
    chain = run.catch(() => undefined);
    return run;
  };

  const fetchLeaves = (from: number, to: number) => unsafeWithOwner(db, (tx) => leafHashes(tx, from, to));

  const raise = (message: string) => {
    if (!alarm) logger.error({ audit: message }, 'AUDIT ALARM: the stored audit log no longer matches its signed checkpoints; sealing stopped');
    alarm = message;
    alarmSince ??= opts.clock.now().toISOString();
    state = 'alarm';
  };

  const catchUp = () =>
    tree.exclusive(async () => {
      for (;;) {
        const from = tree.size;
        const hashes = await fetchLeaves(from, from + BATCH);
        for (const h of hashes) tree.append(h);
        if (hashes.length < BATCH) return tree.size;
        await yieldToEventLoop();
      }
    });

  async function sealBatch(): Promise<number> {
    const known = Math.max(tree.size, last?.treeSize ?? 0);
    const sealed = await unsafeWithOwner(db, async (tx) => {
      await sql`SELECT pg_advisory_xact_lock(${SEAL_LOCK})`.execute(tx);
      const first = await nextSeq(tx);
      // Fewer sealed events than already signed or cached: the tail was cut. Never seal on top of it.
      if (first < known) return { first, hashes: [] as Buffer[], cut: true };
      const { rows } = await sql<EventRow>`SELECT id, NULL::bigint AS seq, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at,
          org_id, actor_id, action, target, ip, user_agent, outcome, request_id, details, NULL::bytea AS leaf_hash
        FROM audit.events WHERE seq IS NULL ORDER BY id LIMIT ${BATCH}`.execute(tx);
      if (rows.length === 0) return { first, hashes: [] as Buffer[], cut: false };
      const hashes = rows.map((r, i) => leafHash(canonicalEventBytes(toFields(r, first + i))));
      await sql`UPDATE audit.events e SET seq = v.seq, leaf_hash = decode(v.h, 'hex')
        FROM unnest(${rows.map((r) => String(r.id))}::bigint[], ${rows.map((_, i) => String(first + i))}::bigint[], ${hashes.map((h) => h.toString('hex'))}::text[]) AS v(id, seq, h)
        WHERE e.id = v.id AND e.seq IS NULL`.execute(tx);
      return { first, hashes, cut: false };
    });
    if (sealed.cut) {
      raise(`the log ends at size ${sealed.first} but ${known} events were already sealed and signed`);
      return 0;
    }
    if (sealed.hashes.length === 0) return 0;
    await tree.exclusive(async () => {
      if (tree.size < sealed.first) {
        // Another process sealed in between: read its leaves first.
        for (;;) {
          const more = await fetchLeaves(tree.size, Math.min(sealed.first, tree.size + BATCH));
          for (const h of more) tree.append(h);
          if (tree.size >= sealed.first || more.length === 0) break;
        }
      }
      sealed.hashes.forEach((h, i) => {
        const seq = sealed.first + i;
        if (seq === tree.size) tree.append(h);
      });
    });
    return sealed.hashes.length;
  }

  /** Is the stored log still consistent with the last checkpoint? Count, the checkpoint's root, and a rolling re-hash window. */
  async function consistentWithLast(): Promise<string | null> {
    if (!last) return null;
    await refreshPrunedBelow();
    const size = tree.size;
    const { rows } = await unsafeWithOwner(db, (tx) =>
      sql<{ n: number; max: number | null }>`SELECT count(*)::bigint AS n, max(seq) AS max FROM audit.events WHERE seq IS NOT NULL`.execute(tx),
    );
    const n = Number(rows[0]?.n ?? 0);
    const max = rows[0]?.max === null || rows[0]?.max === undefined ? -1 : Number(rows[0].max);
    const top = Math.max(max + 1, prunedBelow);
    if (n !== top - prunedBelow) return `sealed events have a gap: ${n} rows from seq ${prunedBelow} up to seq ${max}`;
    if (top < last.treeSize) return `the log ends at size ${top} but the checkpoint was signed at size ${last.treeSize}`;
    const root = await tree.rootAt(last.treeSize, fetchLeaves);
    if (root.toString('base64') !== last.rootHash) return `the root at size ${last.treeSize} no longer matches its signed checkpoint`;
    // Re-read a window of whole blocks: recompute each leaf from its content and compare with the cache.
    if (size > 0) {
      if (reverifyCursor >= size || reverifyCursor < prunedBelow) reverifyCursor = prunedBelow;
      const from = reverifyCursor - (reverifyCursor % BLOCK_SIZE);
      const to = Math.min(size, from + REVERIFY_WINDOW);
      const problem = await reverifyContent(from, to);
      if (problem) return problem;
      reverifyCursor = to;
    }
    return null;
  }

  /** Recomputes the leaves of [from, to) (whole blocks) from the events' content and compares them with the tree. */
  async function reverifyContent(from: number, to: number): Promise<string | null> {
    const evs = await unsafeWithOwner(db, (tx) => sealedRows(tx, from, to));
    const tail = tree.tail();
    for (let b = from; b < to; b += BLOCK_SIZE) {
      const block = evs.slice(b - from, b - from + BLOCK_SIZE);
      const leaves: Buffer[] = [];
      for (const [i, r] of block.entries()) {
        if (r.seq !== b + i) return `seq ${b + i} is missing`;
        const h = leafHash(canonicalEventBytes(toFields(r, b + i)));
        if (!r.leaf_hash || !hashEquals(h, Buffer.from(r.leaf_hash))) return `seq ${b + i} does not match its leaf hash: it was edited`;
        leaves.push(h);
      }
      if (block.length < Math.min(BLOCK_SIZE, to - b)) return `seq ${b + block.length} is missing`;
      const cached = tree.blockHash(b / BLOCK_SIZE);
      if (cached) {
        if (!hashEquals(cached, rootFromLeafHashes(leaves))) return `the leaves of seq ${b}..${b + BLOCK_SIZE - 1} were rewritten`;
      } else if (b >= tail.start) {
        for (const [i, h] of leaves.entries()) if (!hashEquals(tail.leaves[b - tail.start + i], h)) return `seq ${b + i} was rewritten`;
      }
    }
    return null;
  }

  /**
   * After the structural check at start, every event's content is re-hashed once in the
   * background, a window at a time between sealing rounds, so a large log does not hold up
   * start. An edit that left the stored leaf hash alone raises the alarm here.
   */
  let contentSweep: Promise<void> = Promise.resolve();
  let contentVerifiedTo = 0;
  async function sweepContent(upTo: number): Promise<void> {
    const startedAt = Date.now();
    for (let from = prunedBelow - (prunedBelow % BLOCK_SIZE); from < upTo && !stopped && state === 'ok'; ) {
      const window = from;
      const problem = await serial(async () => {
        // A purge may have run between windows: start again above it.
        if (window < prunedBelow) return null;
        return reverifyContent(window, Math.min(upTo, window + REVERIFY_WINDOW));
      });
      if (problem) {
        raise(problem);
        return;
      }
      from = Math.max(window + REVERIFY_WINDOW, prunedBelow - (prunedBelow % BLOCK_SIZE));
      contentVerifiedTo = Math.min(upTo, from);
      await new Promise((r) => setImmediate(r));
    }
    if (state === 'ok' && !stopped) logger.info({ events: upTo - prunedBelow, ms: Date.now() - startedAt }, 'audit log content re-verified since start');
  }

  /** Another process (or `chambers audit purge`) may have purged: take the newest validly signed pruned checkpoint. */
  async function refreshPrunedBelow(): Promise<void> {
    const { rows } = await unsafeWithOwner(db, (tx) =>
      sql<CheckpointRow>`SELECT ${sql.raw(CHECKPOINT_COLUMNS)} FROM audit.checkpoints WHERE kind = 'pruned' ORDER BY tree_size DESC LIMIT 1`.execute(tx),
    );
    const pruned = newestPrunedCheckpoint(rows.map(checkpointFromRow), opts.keys.auditKey.publicKeyRaw);
    if (pruned && pruned.treeSize > prunedBelow) prunedBelow = pruned.treeSize;
  }

  async function prune(plan: () => Promise<number>): Promise<PruneResult> {
    if (state !== 'ok') throw new Error(`the audit log is not sealing (${state}): no purge`);
    await runOnce(true);
    if (state !== 'ok') throw new Error('the audit log raised an alarm: no purge');
    await refreshPrunedBelow();
    const keep = Math.min(await plan(), tree.size);
    const below = keep - (keep % BLOCK_SIZE);
    if (below <= prunedBelow) return { prunedBelow, removed: 0, checkpoint: null };
    const peaks = tree.peaksAt(below);
    const root = MerkleAccumulator.fromState(below, peaks).root();
    const cp = signCheckpoint(opts.keys.auditKey, { origin, treeSize: below, root, signedAt: opts.clock.now(), kind: 'pruned', prunedBelow: below, peaks });
    // Signed and kept (database and file) before a single row goes: verification carries on from N.
    await unsafeWithOwner(db, (tx) =>
      sql`INSERT INTO audit.checkpoints (tree_size, root_hash, signed_at, signature, key_id, origin, kind, pruned_below, peaks)
        VALUES (${cp.treeSize}, decode(${Buffer.from(cp.rootHash, 'base64').toString('hex')}, 'hex'), ${cp.signedAt},
          decode(${Buffer.from(cp.signature, 'base64').toString('hex')}, 'hex'), ${cp.keyId}, ${cp.origin}, 'pruned', ${below},
          (SELECT array_agg(decode(h, 'hex') ORDER BY i) FROM unnest(${peaks.map((p) => p.toString('hex'))}::text[]) WITH ORDINALITY AS x(h, i)))
        ON CONFLICT (tree_size, kind) DO NOTHING`.execute(tx),
    );
    appendCheckpointFile(opts.dataDir, cp);
    opts.onCheckpoint?.();
    const removed = await unsafeWithOwner(db, async (tx) => {
      const { rows } = await sql<{ n: number }>`SELECT audit.purge_before(${below}) AS n`.execute(tx);
      return Number(rows[0]?.n ?? 0);
    });
    prunedBelow = below;
    return { prunedBelow, removed, checkpoint: cp };
  }

  async function checkpoint(): Promise<Checkpoint | null> {
    await catchUp();
    if (last && tree.size <= last.treeSize) return null;
    const problem = await consistentWithLast();
    if (problem) {
      raise(problem);
      return null;
    }
    const cp = signCheckpoint(opts.keys.auditKey, { origin, treeSize: tree.size, root: tree.root(), signedAt: opts.clock.now() });
    const stored = await unsafeWithOwner(db, async (tx) => {
      const { rows } = await sql<{ id: number }>`INSERT INTO audit.checkpoints (tree_size, root_hash, signed_at, signature, key_id, origin, kind)
        VALUES (${cp.treeSize}, decode(${Buffer.from(cp.rootHash, 'base64').toString('hex')}, 'hex'), ${cp.signedAt}, decode(${Buffer.from(cp.signature, 'base64').toString('hex')}, 'hex'), ${cp.keyId}, ${cp.origin}, 'checkpoint')
        ON CONFLICT (tree_size, kind) DO NOTHING RETURNING id`.execute(tx);
      return rows.length > 0;
    });
    if (stored) appendCheckpointFile(opts.dataDir, cp);
    opts.onCheckpoint?.();
    last = cp;
    lastCheckpointAt = opts.clock.now().getTime();
    return cp;
  }

  async function runOnce(force: boolean): Promise<{ sealed: number; checkpoint: Checkpoint | null }> {
    if (state !== 'ok') return { sealed: 0, checkpoint: null };
    let sealed = 0;
    for (;;) {
      const n = await sealBatch();
      sealed += n;
      if (n < BATCH || state !== 'ok') break;
      await yieldToEventLoop();
    }
    if (state !== 'ok') return { sealed, checkpoint: null };
    // Another process may have sealed the last events: a forced checkpoint covers them too.
    if (force) await catchUp();
    const pending = tree.size - (last?.treeSize ?? 0);
    const due =
      pending > 0 && (force || pending >= opts.checkpointEvery || opts.clock.now().getTime() - lastCheckpointAt >= opts.checkpointSeconds * 1000);
    const cp = due ? await checkpoint() : null;
    return { sealed, checkpoint: cp };
  }

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      void serial(() => runOnce(false))
        .catch((err: Error) => logger.error({ err: { message: err.message } }, 'audit sealing failed; retrying'))
        .finally(schedule);
    }, intervalMs);
    timer.unref();
  };

  return {
    tree,
    fetchLeaves,
    catchUp,
    async start() {
      await serial(async () => {
        const fromDb = await loadCheckpoints(db);
        const fromFile = readCheckpointFile(opts.dataDir);
        const all = [...fromDb, ...fromFile];
        // Structure only (stored leaf hashes against every signed root): content follows in the background.
        const verdict = await tree.exclusive(() =>
          unsafeWithOwner(db, (tx) => verifyLiveLog(tx, { checkpoints: all, publicKeyRaw: opts.keys.auditKey.publicKeyRaw, tree, check: 'hashes' })),
        );
        last = latestCheckpoint(all);
        prunedBelow = verdict.prunedBelow;
        lastCheckpointAt = last ? new Date(last.signedAt).getTime() : opts.clock.now().getTime();
        if (!verdict.ok) {
          state = 'starting';
          raise(verdict.problems.join('; '));
          return;
        }
        const dbLatest = latestCheckpoint(fromDb);
        if (fromFile.length > 0 && last && (!dbLatest || dbLatest.treeSize < last.treeSize)) {
          logger.warn({ treeSize: last.treeSize }, 'the newest audit checkpoint is in checkpoints.log but not in the database');
        }
        state = 'ok';
      });
      if (state === 'ok') contentSweep = sweepContent(tree.size);
      schedule();
    },
    contentSweepDone: () => contentSweep,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await contentSweep;
      await chain;
      if (state !== 'alarm') state = 'stopped';
    },
    sealNow: (o = {}) => serial(() => runOnce(o.checkpoint === true)),
    prune: (plan) => serial(() => prune(plan)),
    status: () => ({ state, alarm, alarmSince, treeSize: tree.size, lastCheckpoint: last, prunedBelow, contentVerifiedTo }),
  };
}
