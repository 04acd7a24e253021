import fs from 'node:fs';
import path from 'node:path';
import type { AppContext } from '../context/index.ts';
import { unsafeShredPersonKey } from '../audit/index.ts';
import { unsafeWithOwner } from '../platform/db/index.ts';
import { archiveBlobKey } from './archive-key.ts';
import { heldAuditOrgs } from './erasure.repository.ts';
import { deleteExports } from './export.repository.ts';
import * as repo from './retention.repository.ts';
import { recordShred } from './shred-ledger.ts';

const DAY = 24 * 60 * 60 * 1000;

/**
 * One data class under retention: how long its records stay after they stop being
 * needed, and the purge. Purges are idempotent (a run repeated or cut short and
 * resumed removes nothing twice) and each one that removed something is audited.
 * Documents (their per-organization policy) and the audit log (2 years general,
 * 10 years judicial) have their own jobs in documents/ and retention/.
 */
export type RetentionClass = { name: string; days: number; unsafePurge(ctx: AppContext, now: Date): Promise<number> };

export const RETENTION_CLASSES: readonly RetentionClass[] = [
  {
    // A link works at most 7 days; its row goes 7 days after it stopped working.
    name: 'share_links',
    days: 7,
    unsafePurge: (ctx, now) =>
      unsafeWithOwner(ctx.db, (tx) => repo.purgeShareLinks(tx, new Date(now.getTime() - 7 * DAY))),
  },
  {
    // Archives live 24 h from the request; the blob goes on download, the row and any blob left at expiry.
    name: 'exports',
    days: 1,
    async unsafePurge(ctx, now) {
      const gone = await unsafeWithOwner(ctx.db, (tx) => deleteExports(tx, { expiredBefore: now }));
      for (const e of gone) await ctx.blobStore.delete(e.blob_key ?? archiveBlobKey(e.id)).catch(() => undefined);
      return gone.length;
    },
  },
  {
    // 30 days after closure: the revoked session rows go, and an audit key a legal hold kept is destroyed once no hold remains.
    name: 'closed_accounts',
    days: 30,
    async unsafePurge(ctx, now) {
      const due = await unsafeWithOwner(ctx.db, (tx) => repo.closedAccountsDue(tx, now));
      let removed = 0;
      for (const a of due)
        removed += await unsafeWithOwner(ctx.db, async (tx) => {
          const n = await repo.deleteSessionRows(tx, a.user_id);
          const held = (await heldAuditOrgs(tx, a.user_id)).length > 0;
          if (a.audit_key_held && !held) {
            await unsafeShredPersonKey(tx, a.user_id, now);
            await recordShred(tx, ctx.config.dataDir, 'person_key', a.user_id, now);
          }
          await repo.markClosedAccountPurged(tx, a.user_id, now, held);
          return n + (held ? 0 : 1);
        });
      return removed;
    },
  },
  {
    // Per-person AI usage counts (never prompts or outputs): 13 months, a year of billing plus a month.
    name: 'ai_usage',
    days: 395,
    unsafePurge: (ctx, now) =>
      unsafeWithOwner(ctx.db, (tx) => repo.purgeAiUsage(tx, new Date(now.getTime() - 395 * DAY))),
  },
  {
    // System logs: the per-API-key call log and the mail outbox files, 30 days.
    name: 'system_logs',
    days: 30,
    async unsafePurge(ctx, now) {
      const before = new Date(now.getTime() - 30 * DAY);
      let n = await unsafeWithOwner(ctx.db, (tx) => repo.purgeApiCalls(tx, before));
      const outbox = path.join(ctx.config.dataDir, 'outbox');
      if (fs.existsSync(outbox))
        for (const f of fs.readdirSync(outbox)) {
          const file = path.join(outbox, f);
          if (f.endsWith('.eml') && fs.statSync(file).mtime < before) {
            fs.rmSync(file, { force: true });
            n += 1;
          }
        }
      return n;
    },
  },
];

/** Runs every class once; one class failing does not stop the others. Returns what each removed. */
export async function unsafeRunRetentionClasses(ctx: AppContext): Promise<Record<string, number>> {
  const now = ctx.clock.now();
  const out: Record<string, number> = {};
  for (const c of RETENTION_CLASSES) {
    try {
      out[c.name] = await c.unsafePurge(ctx, now);
      if (out[c.name]! > 0)
        await ctx.audit.record({
          action: 'retention.class_purge',
          outcome: 'success',
          orgId: null,
          actorId: null,
          target: c.name,
          details: { retentionClass: c.name, removed: out[c.name]!, olderThanDays: c.days },
        });
    } catch (err) {
      ctx.logger.error({ err: { message: (err as Error).message }, dataClass: c.name }, 'retention purge failed');
      await ctx.audit.record({
        action: 'retention.class_purge',
        outcome: 'failure',
        orgId: null,
        actorId: null,
        target: c.name,
        details: { retentionClass: c.name, removed: 0, olderThanDays: c.days },
      });
    }
  }
  return out;
}
