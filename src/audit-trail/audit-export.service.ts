import { Readable } from 'node:stream';
import type { AppContext } from '../context/index.ts';
import type { Principal, RequestFacts } from '../access/index.ts';
import { prepareExport, type ExportQuery } from './audit-export.ts';

/**
 * The audit export as a stream of the bundle's text. Refusals are errors before the
 * first byte (prepareExport); `audit.export` is recorded once the last byte is handed
 * over, with the count, and an aborted download is recorded as a failure.
 */
export async function streamAuditExport(
  ctx: AppContext,
  p: Principal,
  query: ExportQuery,
  facts: RequestFacts,
): Promise<Readable> {
  const exp = await prepareExport(ctx, p, query);
  async function* recorded(): AsyncGenerator<string> {
    let complete = false;
    try {
      yield* exp.chunks;
      complete = true;
    } finally {
      await ctx.audit.record({
        action: 'audit.export',
        outcome: complete ? 'success' : 'failure',
        orgId: p.orgId,
        actorId: p.userId,
        details: { events: exp.exported(), treeSize: exp.checkpoint.treeSize },
        ...facts,
      });
    }
  }
  return Readable.from(recorded());
}
