import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { manualClock } from '../platform/clock.ts';
import { unsafeWithOwner } from '../platform/db/index.ts';
import { aiUsage } from './account-data.repository.ts';
import { unsafeRunRetentionClasses } from './index.ts';

const DAY = 24 * 60 * 60 * 1000;
const clock = manualClock(new Date());
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ clock });
});
afterAll(async () => t?.close());

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/** The AI usage class: the counters of chambers.ai_usage (0012_ai.sql), 395 days by their day. */
describe('the ai_usage retention class', () => {
  it("should remove the counters older than 395 days, keep the newer ones, and list a person's counters in their export", async () => {
    const m = await createMember(t, { role: 'lawyer' });
    const now = clock.now();
    const days = [400, 396, 394, 1].map((ago) => isoDay(new Date(now.getTime() - ago * DAY)));
    await unsafeWithOwner(t.ctx.db, async (tx) => {
      for (const day of days)
        await sql`INSERT INTO chambers.ai_usage (org_id, user_id, day, tool, count)
          VALUES (${m.orgId}, ${m.userId}, ${day}::date, 'summarize', 3)`.execute(tx);
    });
    const exported = await unsafeWithOwner(t.ctx.db, (tx) => aiUsage(tx, m.userId));
    expect(exported).toEqual(days.map((day) => ({ orgId: m.orgId, day, tool: 'summarize', count: 3 })));

    const left = async () =>
      unsafeWithOwner(t.ctx.db, async (tx) =>
        (
          await sql<{ day: string }>`SELECT to_char(day, 'YYYY-MM-DD') AS day FROM chambers.ai_usage
            WHERE user_id = ${m.userId} ORDER BY day`.execute(tx)
        ).rows.map((r) => r.day),
      );
    const first = await unsafeRunRetentionClasses(t.ctx);
    expect(first.ai_usage).toBe(2);
    expect(await left()).toEqual(days.slice(2));
    // Idempotent: a second run removes nothing more.
    expect((await unsafeRunRetentionClasses(t.ctx)).ai_usage).toBe(0);

    // A year on, the counter of 394 days ago has aged out too; yesterday's has not.
    clock.advance(2 * DAY);
    expect((await unsafeRunRetentionClasses(t.ctx)).ai_usage).toBe(1);
    expect(await left()).toEqual(days.slice(3));

    await t.ctx.auditSealer.sealNow();
    const purges = await unsafeWithOwner(t.ctx.db, async (tx) =>
      (
        await sql<{ details: unknown }>`SELECT details FROM audit.events
          WHERE action = 'retention.class_purge' AND target = 'ai_usage' ORDER BY seq`.execute(tx)
      ).rows.map((r) => r.details),
    );
    expect(purges).toEqual([
      { retentionClass: 'ai_usage', removed: 2, olderThanDays: 395 },
      { retentionClass: 'ai_usage', removed: 1, olderThanDays: 395 },
    ]);
  });
});
