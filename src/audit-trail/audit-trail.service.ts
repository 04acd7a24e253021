import { sql, type Kysely } from 'kysely';
import type { AppContext } from '../context/index.ts';
import type { Principal } from '../access/index.ts';
import { type DB, unsafeWithOwner, withTenant } from '../platform/db/index.ts';
import { AppError } from '../platform/errors.ts';
import {
  COMMITMENT_PREFIX,
  canonicalEventJson,
  type SealedEventFields,
  eventColumns,
  toFields,
  type EventRow,
  unsafeRevealPersonalData,
} from '../audit/index.ts';
import {
  CHECKPOINT_COLUMNS,
  checkpointFromRow,
  type Checkpoint,
  type CheckpointRow,
  type LeafFetcher,
  consistencyProofRanges,
  inclusionProofRanges,
} from '../transparency/index.ts';

export type EventQuery = {
  from?: string;
  to?: string;
  actor?: string;
  action?: string;
  /** Events about this matter or one of its documents (as far as the reader sees its documents). */
  matter?: string;
  cursor?: string;
  limit: number;
};

/** An event as the API lists it: the sealed fields without details, and seq null until sealed. */
export type ApiEvent = Omit<SealedEventFields, 'seq' | 'details'> & { seq: number | null };

const toApi = (r: EventRow): ApiEvent => {
  const { details: _details, ...fields } = toFields(r, r.seq ?? 0);
  return { ...fields, seq: r.seq };
};

/**
 * Reads as the caller may: a super_admin reads the whole deployment through the
 * owner path (unsafe…), an org_admin through RLS (own organization only). Anyone
 * else is refused before any query.
 */
export function unsafeReadAs<T>(ctx: AppContext, p: Principal, fn: (tx: Kysely<DB>) => Promise<T>): Promise<T> {
  if (p.isSuperAdmin) return unsafeWithOwner(ctx.db, fn);
  if (p.role !== 'org_admin' || !p.orgId)
    throw new AppError('FORBIDDEN', 'the audit log is for organization administrators');
  return withTenant(ctx.db, { orgId: p.orgId, userId: p.userId }, fn);
}

/** What an admin sees for personal data whose person was erased (the key is destroyed: nothing to reveal). */
export const ERASED = 'erased';

/**
 * The admin views show the plain IP address and user agent behind each `pii1:` commitment
 * (events the caller may already read: the tenant read came first), and "erased" once
 * the person's key is destroyed. The owner path is needed because person keys are
 * owner-only. The canonical `leaf` keeps the commitments (proofs hash those), and so do
 * the export bundle and the SIEM stream.
 */
export async function unsafeRevealForAdmin<E extends Pick<ApiEvent, 'ip' | 'userAgent'>>(
  ctx: AppContext,
  events: E[],
): Promise<E[]> {
  const values = events.flatMap((e) => [e.ip, e.userAgent]);
  if (!values.some((v) => v?.startsWith(COMMITMENT_PREFIX))) return events;
  const plain = await unsafeWithOwner(ctx.db, (tx) => unsafeRevealPersonalData(tx, ctx.keys.masterKey, values));
  const show = (v: string | null) => (v === null ? null : (plain.get(v) ?? ERASED));
  return events.map((e) => ({ ...e, ip: show(e.ip), userAgent: show(e.userAgent) }));
}

export async function listEvents(
  tx: Kysely<DB>,
  q: EventQuery,
): Promise<{ events: ApiEvent[]; nextCursor: string | null }> {
  const before = q.cursor ? Number(Buffer.from(q.cursor, 'base64url').toString('utf8')) : null;
  if (before !== null && !Number.isSafeInteger(before)) throw new AppError('VALIDATION_FAILED', 'invalid cursor');
  const conds = [sql`true`];
  if (before !== null) conds.push(sql`id < ${before}`);
  if (q.from) conds.push(sql`at >= ${q.from}::timestamptz`);
  if (q.to) conds.push(sql`at < ${q.to}::timestamptz`);
  if (q.actor) conds.push(sql`actor_id = ${q.actor}::uuid`);
  if (q.matter)
    conds.push(
      sql`(target = ${q.matter} OR target IN (SELECT id::text FROM chambers.documents WHERE matter_id = ${q.matter}::uuid))`,
    );
  if (q.action)
    conds.push(q.action.endsWith('*') ? sql`starts_with(action, ${q.action.slice(0, -1)})` : sql`action = ${q.action}`);
  const { rows } = await sql<EventRow>`SELECT ${eventColumns} FROM audit.events WHERE ${sql.join(conds, sql` AND `)}
    ORDER BY id DESC LIMIT ${q.limit + 1}`.execute(tx);
  const page = rows.slice(0, q.limit);
  const lastRow = page.at(-1);
  return {
    events: page.map(toApi),
    nextCursor: rows.length > q.limit && lastRow ? Buffer.from(String(lastRow.id)).toString('base64url') : null,
  };
}

export async function getEvent(tx: Kysely<DB>, seq: number): Promise<ApiEvent & { leaf: string; leafHash: string }> {
  const { rows } = await sql<EventRow>`SELECT ${eventColumns} FROM audit.events WHERE seq = ${seq}`.execute(tx);
  const r = rows[0];
  if (!r || r.seq === null || !r.leaf_hash) throw new AppError('NOT_FOUND');
  return {
    ...toApi(r),
    leaf: canonicalEventJson(toFields(r, r.seq)),
    leafHash: Buffer.from(r.leaf_hash).toString('base64'),
  };
}

export async function unsafeLatestCheckpoint(ctx: AppContext): Promise<Checkpoint | null> {
  const { rows } = await unsafeWithOwner(ctx.db, (tx) =>
    sql<CheckpointRow>`SELECT ${sql.raw(CHECKPOINT_COLUMNS)} FROM audit.checkpoints
       WHERE kind = 'checkpoint' ORDER BY tree_size DESC LIMIT 1`.execute(tx),
  );
  const r = rows[0];
  return r ? checkpointFromRow(r) : null;
}

/** Below the pruned size the leaves are gone: proofs start at the 'pruned below N' checkpoint. */
function refusePruned(ctx: AppContext, index: number): void {
  const below = ctx.auditSealer.status().prunedBelow;
  if (index < below)
    throw new AppError(
      'NOT_FOUND',
      `events below seq ${below} were removed by the retention purge; proofs start there`,
    );
}

export async function ensureTree(ctx: AppContext, treeSize: number): Promise<void> {
  if (ctx.auditSealer.tree.size < treeSize) await ctx.auditSealer.catchUp();
  if (ctx.auditSealer.tree.size < treeSize)
    throw new AppError('NOT_FOUND', `the log has ${ctx.auditSealer.tree.size} sealed events`);
}

/** A leaf fetcher that reads each range once (a proof, or a whole export). */
export function memoFetch(fetch: LeafFetcher): LeafFetcher {
  const seen = new Map<string, Promise<Buffer[]>>();
  return (a, b) => {
    const k = `${a}-${b}`;
    let hit = seen.get(k);
    if (!hit) seen.set(k, (hit = fetch(a, b)));
    return hit;
  };
}

/** Hashes only: a proof reveals nothing of other organizations' events. */
export async function inclusionProof(
  ctx: AppContext,
  seq: number,
  treeSize: number,
): Promise<{ leafIndex: number; treeSize: number; leafHash: string; path: string[] }> {
  if (seq >= treeSize) throw new AppError('VALIDATION_FAILED', 'seq must be below treeSize');
  refusePruned(ctx, seq);
  await ensureTree(ctx, treeSize);
  // The leaf and every sibling below the cached levels come from one aligned chunk: one read.
  const fetch = memoFetch(ctx.auditSealer.fetchLeaves);
  const leaf = await ctx.auditSealer.tree.leafAt(seq, fetch);
  if (!leaf) throw new AppError('NOT_FOUND');
  const path = await ctx.auditSealer.tree.subtreeRoots(inclusionProofRanges(seq, treeSize), fetch);
  return { leafIndex: seq, treeSize, leafHash: leaf.toString('base64'), path: path.map((h) => h.toString('base64')) };
}

export async function consistencyProof(
  ctx: AppContext,
  from: number,
  to: number,
): Promise<{ from: number; to: number; path: string[] }> {
  if (from > to) throw new AppError('VALIDATION_FAILED', 'from must not exceed to');
  if (from > 0 && from < to) refusePruned(ctx, from);
  await ensureTree(ctx, to);
  const ranges = from === 0 || from === to ? [] : consistencyProofRanges(from, to);
  const path = await ctx.auditSealer.tree.subtreeRoots(ranges, ctx.auditSealer.fetchLeaves);
  return { from, to, path: path.map((h) => h.toString('base64')) };
}

export const publicKeyOf = (ctx: AppContext) => ({
  keyId: ctx.keys.auditKey.keyId,
  algorithm: 'Ed25519' as const,
  publicKey: ctx.keys.auditKey.publicKeyRaw.toString('base64'),
});

/** The sealer's health for the admin banner and monitoring, plus whether the DDL guard is installed. */
export async function unsafeAuditStatus(ctx: AppContext) {
  const st = ctx.auditSealer.status();
  const { rows } = await unsafeWithOwner(ctx.db, (tx) =>
    sql<{ active: boolean }>`SELECT audit.ddl_guard_active() AS active`.execute(tx),
  );
  const cp = st.lastCheckpoint;
  return {
    state: st.state,
    alarm:
      st.state === 'alarm'
        ? {
            reason: st.alarm ?? 'unknown',
            since: st.alarmSince,
            treeSize: st.treeSize,
            checkpointSize: cp?.treeSize ?? null,
          }
        : null,
    treeSize: st.treeSize,
    prunedBelow: st.prunedBelow,
    lastCheckpoint: cp ? { treeSize: cp.treeSize, rootHash: cp.rootHash, signedAt: cp.signedAt } : null,
    ddlGuard: rows[0]?.active === true,
    mirror: mirrorStatus(ctx),
  };
}

/** The S3 checkpoint mirror, or null when AUDIT_S3_BUCKET is unset. */
function mirrorStatus(ctx: AppContext): { state: 'ok' | 'failing'; lastTreeSize: number } | null {
  const m = ctx.checkpointMirror?.status();
  return m ? { state: m.state, lastTreeSize: m.lastTreeSize } : null;
}
