import { Readable } from 'node:stream';
import type { AppContext } from '../context/index.ts';
import { toFields } from '../audit/index.ts';
import { unsafeSealedEvents } from './siem.repository.ts';

const PAGE = 1000;

/**
 * Every sealed event with seq > after, one JSON object per line (the sealed fields,
 * details included), in seq order, up to the sealed size at the call: pending events
 * are sealed first. Pages are read as the stream is consumed, on the owner path (the
 * whole deployment's log, for a super_admin's SIEM).
 */
export async function unsafeOpenAuditStream(ctx: AppContext, after: number): Promise<Readable> {
  await ctx.auditSealer.sealNow();
  const end = ctx.auditSealer.tree.size;
  const start = Math.max(after + 1, ctx.auditSealer.status().prunedBelow);
  async function* lines() {
    for (let from = start; from < end; from += PAGE) {
      const rows = await unsafeSealedEvents(ctx.db, from, Math.min(end, from + PAGE));
      if (rows.length === 0) return;
      yield rows.map((row) => `${JSON.stringify(toFields(row, row.seq!))}\n`).join('');
    }
  }
  return Readable.from(lines());
}
