/**
 * GET /api/v1/audit/export, streamed: a format-2 bundle (bundle-v2.ts) of every
 * event the caller may read, however many, read in pages of PAGE events by
 * seq. The server holds 32 bytes per exported event (the runs' leaf hashes)
 * until the proofs are written at the end, never the events themselves.
 */
import { sql } from 'kysely';
import type { AppContext } from '../context/index.ts';
import type { Principal } from '../access/index.ts';
import { AppError } from '../platform/errors.ts';
import { eventColumns, toFields, type EventRow, canonicalEventJson } from '../audit/index.ts';
import { ensureTree, memoFetch, publicKeyOf, unsafeLatestCheckpoint, unsafeReadAs } from './audit-trail.service.ts';
import { LeafHashList, bundleHeaderLine } from '../export/index.ts';
import { type Checkpoint, rangeProofRanges } from '../transparency/index.ts';

const PAGE = 2000;

export type ExportQuery = { from?: string; to?: string };

export type AuditExport = {
  checkpoint: Checkpoint;
  /** The bundle's text in pieces; read it once. */
  chunks: AsyncGenerator<string>;
  /** Events written so far. */
  exported(): number;
};

/**
 * Checks the caller, seals what is pending and signs a checkpoint, so that
 * refusals are ordinary HTTP errors before the first byte is streamed.
 */
export async function prepareExport(ctx: AppContext, p: Principal, q: ExportQuery): Promise<AuditExport> {
  if (!p.isSuperAdmin && (p.role !== 'org_admin' || !p.orgId))
    throw new AppError('FORBIDDEN', 'the audit log is for organization administrators');
  if (ctx.auditSealer.status().state === 'ok') await ctx.auditSealer.sealNow({ checkpoint: true });
  const cp = await unsafeLatestCheckpoint(ctx);
  if (!cp) throw new AppError('NOT_FOUND', 'no checkpoint has been signed yet');
  await ensureTree(ctx, cp.treeSize);
  let count = 0;

  async function* chunks(): AsyncGenerator<string> {
    yield `${bundleHeaderLine(cp!, publicKeyOf(ctx))}\n`;
    const leaves = new LeafHashList();
    const runs: { start: number; end: number; at: number }[] = [];
    for (let after = -1; ;) {
      const rows = await unsafeReadAs(ctx, p, async (tx) => {
        const conds = [sql`seq > ${after}`, sql`seq < ${cp!.treeSize}`];
        if (q.from) conds.push(sql`at >= ${q.from}::timestamptz`);
        if (q.to) conds.push(sql`at < ${q.to}::timestamptz`);
        return (
          await sql<EventRow>`SELECT ${eventColumns} FROM audit.events WHERE ${sql.join(conds, sql` AND `)} ORDER BY seq LIMIT ${PAGE}`.execute(
            tx,
          )
        ).rows;
      });
      let text = '';
      for (const r of rows) {
        const seq = Number(r.seq);
        text += (count === 0 ? '' : ',\n') + canonicalEventJson(toFields(r, seq));
        leaves.push(r.leaf_hash ?? new Uint8Array(32));
        const run = runs.at(-1);
        if (run && run.end === seq) run.end++;
        else runs.push({ start: seq, end: seq + 1, at: count });
        count++;
      }
      if (text) yield text;
      if (rows.length < PAGE) break;
      // A turn of the event loop per page: embedded PGlite runs each page's query on this thread.
      await new Promise<void>((resolve) => setImmediate(resolve));
      after = Number(rows.at(-1)!.seq);
    }
    yield '\n],"proofs":[';
    for (const [i, run] of runs.entries()) {
      // A fresh memo per run: shared leaf chunks are read once per run, and nothing piles up across runs.
      const path = await ctx.auditSealer.tree.subtreeRoots(
        rangeProofRanges(run.start, run.end, cp!.treeSize),
        memoFetch(ctx.auditSealer.fetchLeaves),
      );
      const listed = Buffer.concat(Array.from({ length: run.end - run.start }, (_, j) => leaves.at(run.at + j)));
      yield (
        (i === 0 ? '' : ',') +
        JSON.stringify({
          start: run.start,
          end: run.end,
          treeSize: cp!.treeSize,
          path: path.map((h) => h.toString('base64')),
          leafHashes: listed.toString('base64'),
        })
      );
    }
    yield ']}\n';
  }

  return { checkpoint: cp, chunks: chunks(), exported: () => count };
}

/** The whole bundle as one string (tests and small exports). */
export async function exportBundleText(ctx: AppContext, p: Principal, q: ExportQuery = {}): Promise<string> {
  const exp = await prepareExport(ctx, p, q);
  let out = '';
  for await (const c of exp.chunks) out += c;
  return out;
}
