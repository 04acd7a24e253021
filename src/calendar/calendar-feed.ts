import ical from 'ical-generator';
import type { AppContext } from '../context/index.ts';
import { tasksDueBetween } from '../matter-work/index.ts';
import { randomToken, sha256 } from '../platform/crypto-basics.ts';
import { withTenant, type Tx } from '../platform/db/index.ts';
import { notFound } from '../platform/errors.ts';
import * as repo from './calendar.repository.ts';

type Actor = { orgId: string; userId: string };

const DAY_MS = 86_400_000;
/** What a feed holds: the last 90 days and the next 2 years. */
const FEED_PAST_DAYS = 90;
const FEED_FUTURE_DAYS = 730;

/** The path of a feed; its last segment is the secret, named `token` so the request log redacts it. */
export const FEED_PATH = '/api/v1/calendar/feed/';

/**
 * Creates (or replaces) the member's feed and returns its URL, the only time the token is seen:
 * 256 random bits, of which only the SHA-256 is stored. The previous URL stops working.
 */
export async function createFeed(tx: Tx, actor: Actor, publicUrl: string): Promise<{ url: string }> {
  const token = randomToken(32);
  await repo.replaceFeed(tx, actor.orgId, actor.userId, sha256(token));
  return { url: `${publicUrl.replace(/\/$/, '')}${FEED_PATH}${token}` };
}

export async function revokeFeed(tx: Tx, actor: Actor): Promise<void> {
  if (!(await repo.deleteFeed(tx, actor.orgId, actor.userId))) throw notFound();
}

export async function feedStatus(tx: Tx, actor: Actor): Promise<{ active: boolean; createdAt: string | null }> {
  const at = await repo.feedCreatedAt(tx, actor.orgId, actor.userId);
  return { active: at !== null, createdAt: at?.toISOString() ?? null };
}

/**
 * The iCalendar document a feed URL opens, built with ical-generator (never by hand). An
 * unknown or revoked token, or a member no longer active, is 404. The events are read in a
 * tenant transaction as the feed's owner, so RLS (walls included) decides exactly as it would
 * for them in the app. Titles only: no notes, parties or client names leave in the feed.
 */
export async function renderFeed(ctx: AppContext, token: string): Promise<string> {
  const owner = await repo.unsafeFindFeedOwner(ctx.db, sha256(token));
  if (!owner) throw notFound();
  const now = ctx.clock.now().getTime();
  const from = new Date(now - FEED_PAST_DAYS * DAY_MS);
  const to = new Date(now + FEED_FUTURE_DAYS * DAY_MS);
  const [deadlines, tasks] = await withTenant(
    ctx.db,
    owner,
    async (tx) =>
      [
        await repo.listDeadlines(tx, { from, to, limit: 5000 }),
        await tasksDueBetween(tx, owner.userId, from, to),
      ] as const,
  );
  const base = ctx.config.publicUrl.replace(/\/$/, '');
  const calendar = ical({ name: 'Chambers', prodId: { company: 'Chambers', product: 'calendar', language: 'EN' } });
  for (const d of deadlines) {
    const start = new Date(d.due_at);
    calendar.createEvent({
      id: `deadline-${d.id}@chambers`,
      start,
      end: new Date(start.getTime() + (d.kind === 'hearing' ? 60 : 30) * 60_000),
      summary: `${d.kind === 'hearing' ? 'Hearing' : 'Deadline'}: ${d.title}`,
      url: `${base}/matters/${d.matter_id}`,
      stamp: new Date(d.created_at),
    });
  }
  for (const t of tasks) {
    if (!t.dueAt) continue;
    const start = new Date(t.dueAt);
    calendar.createEvent({
      id: `task-${t.id}@chambers`,
      start,
      end: new Date(start.getTime() + 30 * 60_000),
      summary: `Task: ${t.title}`,
      url: `${base}/matters/${t.matterId}`,
      stamp: new Date(t.createdAt),
    });
  }
  return calendar.toString();
}
