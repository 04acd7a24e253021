import { findMatter } from '../matters/index.ts';
import { tasksDueBetween } from '../matter-work/index.ts';
import type { Tx } from '../platform/db/index.ts';
import { AppError, notFound } from '../platform/errors.ts';
import * as repo from './calendar.repository.ts';
import type { CalendarEvent, CreateDeadlineInput, DeadlineView } from './calendar.schemas.ts';

// The feed and the reminder job are their own files; the routes reach them through this service.
export { createFeed, feedStatus, renderFeed, revokeFeed } from './calendar-feed.ts';
export { sendDueReminders } from './reminders.ts';

type Actor = { orgId: string; userId: string };
type DeadlineRow = Awaited<ReturnType<typeof repo.listDeadlines>>[number];

/** The widest window one calendar request may ask for. */
export const MAX_RANGE_DAYS = 400;
const DAY_MS = 86_400_000;

const iso = (d: Date | string) => new Date(d).toISOString();

const toDeadlineView = (r: DeadlineRow): DeadlineView => ({
  id: r.id,
  matterId: r.matter_id,
  kind: r.kind,
  title: r.title,
  dueAt: iso(r.due_at),
  remindAt: r.remind_at === null ? null : iso(r.remind_at),
  createdBy: r.created_by,
  createdAt: iso(r.created_at),
});

/** The matter must be one the caller sees (the matters module's check, walls included); otherwise 404. */
async function requireMatter(tx: Tx, matterId: string): Promise<void> {
  if (!(await findMatter(tx, matterId))) throw notFound();
}

export async function addDeadline(
  tx: Tx,
  actor: Actor,
  matterId: string,
  input: CreateDeadlineInput,
): Promise<DeadlineView> {
  await requireMatter(tx, matterId);
  const dueAt = new Date(input.dueAt);
  const remindAt =
    input.remindMinutesBefore === null ? null : new Date(dueAt.getTime() - input.remindMinutesBefore * 60_000);
  const row = await repo.insertDeadline(tx, {
    orgId: actor.orgId,
    matterId,
    kind: input.kind,
    title: input.title,
    dueAt,
    remindAt,
    createdBy: actor.userId,
  });
  return toDeadlineView(row);
}

export async function listMatterDeadlines(tx: Tx, matterId: string): Promise<{ deadlines: DeadlineView[] }> {
  await requireMatter(tx, matterId);
  return { deadlines: (await repo.listDeadlines(tx, { matterId, limit: 1000 })).map(toDeadlineView) };
}

/**
 * The firm calendar as one member sees it, in [from, to): every deadline and hearing of the
 * matters they may see (RLS hides walled ones), and their own open tasks that have a due date.
 */
export async function calendarEvents(tx: Tx, actor: Actor, from: Date, to: Date): Promise<CalendarEvent[]> {
  if (!(to > from)) throw new AppError('VALIDATION_FAILED', 'query.to: must be after query.from');
  if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY_MS)
    throw new AppError('CALENDAR_RANGE_TOO_LONG', `at most ${MAX_RANGE_DAYS} days per request`);
  const [deadlines, tasks] = [
    await repo.listDeadlines(tx, { from, to, limit: 5000 }),
    await tasksDueBetween(tx, actor.userId, from, to),
  ];
  const events: CalendarEvent[] = [
    ...deadlines.map((d) => ({ kind: d.kind, id: d.id, title: d.title, at: iso(d.due_at), matterId: d.matter_id })),
    ...tasks.map((t) => ({ kind: 'task' as const, id: t.id, title: t.title, at: t.dueAt ?? '', matterId: t.matterId })),
  ];
  return events.sort((a, b) => a.at.localeCompare(b.at));
}
