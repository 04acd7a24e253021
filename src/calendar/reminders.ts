import type { AppContext } from '../context/index.ts';
import { findMatter } from '../matters/index.ts';
import { withTenant } from '../platform/db/index.ts';
import * as repo from './calendar.repository.ts';

/** Reminders mailed per run at most; the next run continues. */
const BATCH = 200;

/**
 * Mails each due deadline or hearing reminder to the member who set it, once. A background job
 * crosses organizations by design (the unsafe… reads); before mailing, the matter is looked up
 * as the recipient under RLS, so a member since walled out of it (or suspended) gets nothing.
 * The mail names no matter, party or title: it says what is due and when, and links to the
 * calendar, where the member signs in to see the rest.
 *
 * @example await sendDueReminders(ctx) // → number of reminders mailed
 */
export async function sendDueReminders(ctx: AppContext): Promise<number> {
  const now = ctx.clock.now();
  await repo.unsafeCloseStaleReminders(ctx.db, now);
  const due = await repo.unsafeDueReminders(ctx.db, now, BATCH);
  let mailed = 0;
  for (const r of due) {
    const visible = await withTenant(ctx.db, { orgId: r.org_id, userId: r.created_by }, async (tx) =>
      Boolean(await findMatter(tx, r.matter_id)),
    );
    if (!(await repo.unsafeClaimReminder(ctx.db, r.id, now)) || !visible) continue;
    const what = r.kind === 'hearing' ? 'A hearing' : 'A deadline';
    const when = new Date(r.due_at).toISOString().replace('T', ' ').slice(0, 16);
    ctx.mailer.send({
      to: r.email,
      subject: `Reminder: ${what.toLowerCase()} is due ${when} UTC`,
      text:
        `${what} you set in Chambers is due on ${when} UTC.\n\n` +
        `Open your calendar to see it: ${ctx.config.publicUrl.replace(/\/$/, '')}/calendar\n`,
      kind: 'calendar.reminder',
    });
    mailed++;
  }
  return mailed;
}
