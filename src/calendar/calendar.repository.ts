import { type Kysely } from 'kysely';
import { unsafeWithOwner, type Database, type DB, type Tx } from '../platform/db/index.ts';
import type { CalendarTables, DeadlineKind } from './calendar.tables.ts';

/**
 * All SQL of deadlines and feeds. Request paths run under RLS (0016_workspace.sql): a deadline
 * is visible only when its matter is. The `unsafe…` functions are the owner path of the feed
 * look-up (before any tenant is known) and of the reminder job (across organizations).
 */
const k = (tx: Tx): Kysely<DB & CalendarTables> => tx.withTables<CalendarTables>();

const deadlineColumns = [
  'id',
  'matter_id',
  'kind',
  'title',
  'due_at',
  'remind_at',
  'created_by',
  'created_at',
] as const;

export async function insertDeadline(
  tx: Tx,
  row: {
    orgId: string;
    matterId: string;
    kind: DeadlineKind;
    title: string;
    dueAt: Date;
    remindAt: Date | null;
    createdBy: string;
  },
) {
  return k(tx)
    .insertInto('chambers.matter_deadlines')
    .values({
      org_id: row.orgId,
      matter_id: row.matterId,
      kind: row.kind,
      title: row.title,
      due_at: row.dueAt,
      remind_at: row.remindAt,
      created_by: row.createdBy,
    })
    .returning(deadlineColumns)
    .executeTakeFirstOrThrow();
}

export async function listDeadlines(tx: Tx, opts: { matterId?: string; from?: Date; to?: Date; limit: number }) {
  let q = k(tx).selectFrom('chambers.matter_deadlines').select(deadlineColumns);
  if (opts.matterId) q = q.where('matter_id', '=', opts.matterId);
  if (opts.from) q = q.where('due_at', '>=', opts.from);
  if (opts.to) q = q.where('due_at', '<', opts.to);
  return q.orderBy('due_at').orderBy('id').limit(opts.limit).execute();
}

export async function feedCreatedAt(tx: Tx, orgId: string, userId: string): Promise<Date | null> {
  const row = await k(tx)
    .selectFrom('chambers.calendar_feeds')
    .select('created_at')
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row ? new Date(row.created_at) : null;
}

/** Replaces the member's feed: the old URL stops working in the same transaction. */
export async function replaceFeed(tx: Tx, orgId: string, userId: string, tokenHash: Buffer): Promise<void> {
  await deleteFeed(tx, orgId, userId);
  await k(tx)
    .insertInto('chambers.calendar_feeds')
    .values({ org_id: orgId, user_id: userId, token_hash: tokenHash })
    .execute();
}

export async function deleteFeed(tx: Tx, orgId: string, userId: string): Promise<boolean> {
  const res = await k(tx)
    .deleteFrom('chambers.calendar_feeds')
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return res.numDeletedRows > 0n;
}

/**
 * Whose feed a token hash opens, if the member is still an active member of that organization.
 * Owner path: the runtime role cannot read token hashes, and no tenant is known yet.
 */
export async function unsafeFindFeedOwner(
  db: Database,
  tokenHash: Buffer,
): Promise<{ orgId: string; userId: string } | null> {
  return unsafeWithOwner(db, async (tx) => {
    const row = await k(tx)
      .selectFrom('chambers.calendar_feeds as f')
      .innerJoin('chambers.memberships as m', (j) =>
        j.onRef('m.org_id', '=', 'f.org_id').onRef('m.user_id', '=', 'f.user_id'),
      )
      .select(['f.org_id', 'f.user_id'])
      .where('f.token_hash', '=', tokenHash)
      .where('m.suspended_at', 'is', null)
      .executeTakeFirst();
    return row ? { orgId: row.org_id, userId: row.user_id } : null;
  });
}

/** Deadlines whose reminder is due and not yet sent, with the address of the member who set them. Across organizations. */
export async function unsafeDueReminders(db: Database, now: Date, limit: number) {
  return unsafeWithOwner(db, (tx) =>
    k(tx)
      .selectFrom('chambers.matter_deadlines as d')
      .innerJoin('chambers.users as u', 'u.id', 'd.created_by')
      .innerJoin('chambers.memberships as m', (j) =>
        j.onRef('m.org_id', '=', 'd.org_id').onRef('m.user_id', '=', 'd.created_by'),
      )
      .select(['d.id', 'd.org_id', 'd.matter_id', 'd.kind', 'd.due_at', 'd.created_by', 'u.email'])
      .where('d.remind_at', '<=', now)
      .where('d.reminded_at', 'is', null)
      // A reminder for what is already past is noise: those are marked sent without a mail.
      .where('d.due_at', '>', now)
      .where('m.suspended_at', 'is', null)
      .orderBy('d.remind_at')
      .limit(limit)
      .execute(),
  );
}

/** Claims a reminder: true for exactly one caller, so two processes never both mail it. */
export async function unsafeClaimReminder(db: Database, id: string, now: Date): Promise<boolean> {
  return unsafeWithOwner(db, async (tx) => {
    const res = await k(tx)
      .updateTable('chambers.matter_deadlines')
      .set({ reminded_at: now })
      .where('id', '=', id)
      .where('reminded_at', 'is', null)
      .executeTakeFirst();
    return res.numUpdatedRows > 0n;
  });
}

/** Reminders that came due only after their deadline passed (the server was down): closed without a mail. */
export async function unsafeCloseStaleReminders(db: Database, now: Date): Promise<void> {
  await unsafeWithOwner(db, (tx) =>
    k(tx)
      .updateTable('chambers.matter_deadlines')
      .set({ reminded_at: now })
      .where('reminded_at', 'is', null)
      .where('remind_at', '<=', now)
      .where('due_at', '<=', now)
      .execute(),
  );
}
