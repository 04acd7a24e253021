import { sql, type Kysely } from 'kysely';
import type { AppContext } from '../app-context.ts';
import type { Principal } from '../http/route-access.ts';
import type { DB } from '../platform/db/schema.ts';
import { AppError } from '../platform/errors.ts';
import { unsafeWithOwner, withTenant } from '../platform/db/tenant.ts';
import { canonicalEventJson, type SealedEventFields } from './canonical-event.ts';
import { eventColumns, toFields, type EventRow } from './audit.repository.ts';
import { CHECKPOINT_COLUMNS, checkpointFromRow, type Checkpoint, type CheckpointRow } from './checkpoint.ts';
import { consistencyProofRanges, inclusionProofRanges } from './merkle/index.ts';
import type { AuditBundle, BundleEvent, BundleProof } from './verify-bundle.ts';

export type EventQuery = { from?: string; to?: string; actor?: string; action?: string; cursor?: string; limit: number };

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
  if (p.role !== 'org_admin' || !p.orgId) throw new AppError('FORBIDDEN', 'the audit log is for organization administrators');
  return withTenant(ctx.db, { orgId: p.orgId, userId: p.userId }, fn);
}

export async function listEvents(tx: Kysely<DB>, q: EventQuery): Promise<{ events: ApiEvent[]; nextCursor: string | null }> {
  const before = q.cursor ? Number(Buffer.from(q.cursor, 'base64url').toString('utf8')) : null;
  if (before !== null && !Number.isSafeInteger(before)) throw new AppError('VALIDATION_FAILED', 'invalid cursor');
  const conds = [sql`true`];
  if (before !== null) conds.push(sql`id < ${before}`);
  if (q.from) conds.push(sql`at >= ${q.from}::timestamptz`);
  if (q.to) conds.push(sql`at < ${q.to}::timestamptz`);
  if (q.actor) conds.push(sql`actor_id = ${q.actor}::uuid`);
  if (q.action) conds.push(q.action.endsWith('*') ? sql`starts_with(action, ${q.action.slice(0, -1)})` : sql`action = ${q.action}`);
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
  return { ...toApi(r), leaf: canonicalEventJson(toFields(r, r.seq)), leafHash: Buffer.from(r.leaf_hash).toString('base64') };
}

export async function unsafeLatestCheckpoint(ctx: AppContext): Promise<Checkpoint | null> {
  const { rows } = await unsafeWithOwner(ctx.db, (tx) =>
    sql<CheckpointRow>`SELECT ${sql.raw(CHECKPOINT_COLUMNS)} FROM audit.checkpoints
       WHERE kind = 'checkpoint' ORDER BY tree_size DESC LIMIT 1`.execute(tx),
  );
  const r = rows[0];
  return r ? checkpointFromRow(r) : null;
}

async function ensureTree(ctx: AppContext, treeSize: number): Promise<void> {
  if (ctx.auditSealer.tree.size < treeSize) await ctx.auditSealer.catchUp();
  if (ctx.auditSealer.tree.size < treeSize) throw new AppError('NOT_FOUND', `the log has ${ctx.auditSealer.tree.size} sealed events`);
}

/** Hashes only: a proof reveals nothing of other organizations' events. */
export async function inclusionProof(ctx: AppContext, seq: number, treeSize: number): Promise<{ leafIndex: number; treeSize: number; leafHash: string; path: string[] }> {
  if (seq >= treeSize) throw new AppError('VALIDATION_FAILED', 'seq must be below treeSize');
  await ensureTree(ctx, treeSize);
  const [leaf] = await ctx.auditSealer.fetchLeaves(seq, seq + 1);
  if (!leaf) throw new AppError('NOT_FOUND');
  const path = await ctx.auditSealer.tree.subtreeRoots(inclusionProofRanges(seq, treeSize), ctx.auditSealer.fetchLeaves);
  return { leafIndex: seq, treeSize, leafHash: leaf.toString('base64'), path: path.map((h) => h.toString('base64')) };
}

export async function consistencyProof(ctx: AppContext, from: number, to: number): Promise<{ from: number; to: number; path: string[] }> {
  if (from > to) throw new AppError('VALIDATION_FAILED', 'from must not exceed to');
  await ensureTree(ctx, to);
  const ranges = from === 0 || from === to ? [] : consistencyProofRanges(from, to);
  const path = await ctx.auditSealer.tree.subtreeRoots(ranges, ctx.auditSealer.fetchLeaves);
  return { from, to, path: path.map((h) => h.toString('base64')) };
}

export const EXPORT_LIMIT = 10_000;

/** The events the caller may read in [from, to), each with its leaf and inclusion proof against the newest checkpoint. */
export async function exportBundle(ctx: AppContext, p: Principal, q: { from?: string; to?: string }): Promise<AuditBundle> {
  if (!p.isSuperAdmin && (p.role !== 'org_admin' || !p.orgId)) throw new AppError('FORBIDDEN', 'the audit log is for organization administrators');
  if (ctx.auditSealer.status().state === 'ok') await ctx.auditSealer.sealNow({ checkpoint: true });
  const cp = await unsafeLatestCheckpoint(ctx);
  if (!cp) throw new AppError('NOT_FOUND', 'no checkpoint has been signed yet');
  const rows = await unsafeReadAs(ctx, p, async (tx) => {
    const conds = [sql`seq IS NOT NULL AND seq < ${cp.treeSize}`];
    if (q.from) conds.push(sql`at >= ${q.from}::timestamptz`);
    if (q.to) conds.push(sql`at < ${q.to}::timestamptz`);
    return (await sql<EventRow>`SELECT ${eventColumns} FROM audit.events WHERE ${sql.join(conds, sql` AND `)} ORDER BY seq LIMIT ${EXPORT_LIMIT}`.execute(tx)).rows;
  });
  await ensureTree(ctx, cp.treeSize);
  // Leaves of a block are read once per export, however many of its events are exported.
  const blocks = new Map<string, Promise<Buffer[]>>();
  const fetch = (a: number, b: number) => {
    const k = `${a}-${b}`;
    let hit = blocks.get(k);
    if (!hit) blocks.set(k, (hit = ctx.auditSealer.fetchLeaves(a, b)));
    return hit;
  };
  const events: BundleEvent[] = [];
  const proofs: BundleProof[] = [];
  for (const r of rows) {
    const seq = r.seq!;
    const fields = toFields(r, seq);
    events.push({ ...fields, leaf: canonicalEventJson(fields) });
    const path = await ctx.auditSealer.tree.subtreeRoots(inclusionProofRanges(seq, cp.treeSize), fetch);
    proofs.push({ seq, leafIndex: seq, treeSize: cp.treeSize, path: path.map((h) => h.toString('base64')) });
  }
  return {
    format: 'chambers-audit-bundle/1',
    checkpoint: cp,
    publicKey: publicKeyOf(ctx),
    events,
    proofs,
  };
}

export const publicKeyOf = (ctx: AppContext) => ({
  keyId: ctx.keys.auditKey.keyId,
  algorithm: 'Ed25519' as const,
  publicKey: ctx.keys.auditKey.publicKeyRaw.toString('base64'),
});
