import { sql } from 'kysely';
import type { AppContext } from '../context/index.ts';
import { unsafeWithOwner } from '../platform/db/index.ts';
import { BLOCK_SIZE } from '../transparency/index.ts';

/**
 * Retention of the audit log. Each event has a category (SQL
 * audit.retention_category: 'judicial' for a court organization's case actions,
 * 'general' otherwise) with its own retention period. The log is ONE Merkle tree,
 * so the purge removes only a whole prefix [0, N): N is the first event still
 * within its retention or belonging to an organization under legal hold, rounded
 * down to a block of 256 (the tree keeps whole blocks).
 */
export type RetentionPolicy = { generalDays: number; judicialDays: number };

export type PurgePlan = {
  /** The purge would remove every event with seq below this. */
  below: number;
  /** Already purged below this. */
  prunedBelow: number;
  /** Events the purge would remove now. */
  removable: number;
  /** Organizations under legal hold. */
  heldOrganizations: number;
};

export type PurgeOutcome = PurgePlan & { dryRun: boolean; removed: number };

/** The first sequence number that must be kept, at the application clock's now. */
export async function unsafeFirstRetainedSeq(
  ctx: Pick<AppContext, 'db' | 'clock'>,
  policy: RetentionPolicy,
): Promise<number> {
  const { rows } = await unsafeWithOwner(ctx.db, (tx) =>
    sql<{ keep: number }>`SELECT audit.first_retained_seq(${ctx.clock.now()}::timestamptz,
      make_interval(days => ${policy.generalDays}::int), make_interval(days => ${policy.judicialDays}::int)) AS keep`.execute(
      tx,
    ),
  );
  return Number(rows[0]?.keep ?? 0);
}

export async function unsafePlanPurge(
  ctx: Pick<AppContext, 'db' | 'clock' | 'auditSealer'>,
  policy: RetentionPolicy,
): Promise<PurgePlan> {
  const keep = Math.min(await unsafeFirstRetainedSeq(ctx, policy), ctx.auditSealer.tree.size);
  const prunedBelow = ctx.auditSealer.status().prunedBelow;
  const below = Math.max(prunedBelow, keep - (keep % BLOCK_SIZE));
  const held = await unsafeWithOwner(ctx.db, (tx) =>
    sql<{ n: number }>`SELECT count(*)::int AS n FROM audit.legal_holds`.execute(tx),
  );
  return { below, prunedBelow, removable: below - prunedBelow, heldOrganizations: held.rows[0]?.n ?? 0 };
}

/**
 * Runs the purge (or only plans it, `dryRun`). A real purge signs the 'pruned below N'
 * checkpoint first, deletes through audit.purge_before (the only deletion path), and
 * records a `retention.purge` event.
 */
export async function unsafeRunPurge(
  ctx: AppContext,
  opts: { dryRun: boolean; actorId?: string | null },
): Promise<PurgeOutcome> {
  const policy = {
    generalDays: ctx.config.auditRetention.generalDays,
    judicialDays: ctx.config.auditRetention.judicialDays,
  };
  if (opts.dryRun) {
    await ctx.auditSealer.sealNow();
    return { ...(await unsafePlanPurge(ctx, policy)), dryRun: true, removed: 0 };
  }
  const before = ctx.auditSealer.status().prunedBelow;
  const result = await ctx.auditSealer.prune(() => unsafeFirstRetainedSeq(ctx, policy));
  const plan = await unsafePlanPurge(ctx, policy);
  if (result.removed > 0 || result.prunedBelow > before) {
    await ctx.audit.record({
      action: 'retention.purge',
      outcome: 'success',
      orgId: null,
      actorId: opts.actorId ?? null,
      details: {
        prunedBelow: result.prunedBelow,
        removed: result.removed,
        generalDays: policy.generalDays,
        judicialDays: policy.judicialDays,
      },
    });
  }
  return {
    ...plan,
    below: result.prunedBelow,
    prunedBelow: result.prunedBelow,
    removable: 0,
    dryRun: false,
    removed: result.removed,
  };
}

/** The purge on an interval (AUDIT_PURGE_INTERVAL_MINUTES); failures are logged and retried next time. */
export function startRetentionJob(ctx: AppContext): () => void {
  const timer = setInterval(() => {
    unsafeRunPurge(ctx, { dryRun: false }).catch((err: Error) =>
      ctx.logger.error({ err: { message: err.message } }, 'audit retention purge failed'),
    );
  }, ctx.config.auditRetention.purgeIntervalMinutes * 60_000);
  timer.unref();
  return () => clearInterval(timer);
}
