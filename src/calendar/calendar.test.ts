import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInMember, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { manualClock } from '../platform/clock.ts';
import { sendDueReminders } from './index.ts';

type Member = Awaited<ReturnType<typeof signedInMember>>;

describe('deadlines, the calendar, reminders and the iCalendar feed', () => {
  const clock = manualClock(new Date());
  let t: TestApp;
  let lawyer: Member;
  let matterId: string;
  beforeAll(async () => {
    t = await startTestApp({ clock });
    lawyer = await signedInMember(t, { role: 'lawyer' });
    matterId = (
      await t.inject({ method: 'POST', url: '/api/v1/matters', headers: lawyer.headers, payload: { title: 'Appeal' } })
    ).json().id;
  });
  afterAll(async () => t?.close());

  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object, headers = lawyer.headers) =>
    t.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  const inHours = (h: number) => new Date(clock.now().getTime() + h * 3_600_000).toISOString();

  it('should show deadlines, hearings and my due tasks on the calendar', async () => {
    const deadline = await call('POST', `/api/v1/matters/${matterId}/deadlines`, {
      title: 'File the appeal',
      dueAt: inHours(48),
    });
    expect(deadline.statusCode, deadline.body).toBe(201);
    expect(deadline.json()).toMatchObject({ kind: 'deadline', remindAt: inHours(24) });
    await call('POST', `/api/v1/matters/${matterId}/deadlines`, {
      title: 'Oral hearing',
      dueAt: inHours(72),
      kind: 'hearing',
      remindMinutesBefore: null,
    });
    await call('POST', `/api/v1/matters/${matterId}/tasks`, {
      title: 'Prepare bundle',
      assigneeId: lawyer.userId,
      dueAt: inHours(24),
    });
    const cal = await call('GET', `/api/v1/calendar?from=${inHours(0)}&to=${inHours(24 * 7)}`);
    expect(cal.statusCode, cal.body).toBe(200);
    expect(cal.json().events.map((e: { kind: string; title: string; matterId: string }) => [e.kind, e.title])).toEqual([
      ['task', 'Prepare bundle'],
      ['deadline', 'File the appeal'],
      ['hearing', 'Oral hearing'],
    ]);
    const list = (await call('GET', `/api/v1/matters/${matterId}/deadlines`)).json().deadlines;
    expect(list).toHaveLength(2);

    const wide = await call('GET', `/api/v1/calendar?from=${inHours(0)}&to=${inHours(24 * 500)}`);
    expect(wide.statusCode).toBe(400);
    expect(wide.json().code).toBe('CALENDAR_RANGE_TOO_LONG');
    expect((await call('GET', `/api/v1/calendar?from=yesterday&to=${inHours(1)}`)).statusCode).toBe(400);
  });

  it('should serve a secret iCalendar feed until it is replaced or revoked', async () => {
    expect((await call('GET', '/api/v1/calendar/feed')).json()).toEqual({ active: false, createdAt: null });
    const created = await call('POST', '/api/v1/calendar/feed');
    expect(created.statusCode, created.body).toBe(200);
    const url = new URL(created.json().url as string);
    const token = url.pathname.split('/').at(-1)!;
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);

    const feed = await t.inject({ method: 'GET', url: url.pathname });
    expect(feed.statusCode, feed.body).toBe(200);
    expect(feed.headers['content-type']).toMatch(/^text\/calendar/);
    expect(feed.body).toMatch(/^BEGIN:VCALENDAR/);
    expect(feed.body).toContain('SUMMARY:Deadline: File the appeal');
    expect(feed.body).toContain('SUMMARY:Hearing: Oral hearing');
    expect(feed.body).toContain('SUMMARY:Task: Prepare bundle');
    expect((await call('GET', '/api/v1/calendar/feed')).json().active).toBe(true);

    // A new URL replaces the old one.
    const replaced = new URL((await call('POST', '/api/v1/calendar/feed')).json().url as string);
    expect((await t.inject({ method: 'GET', url: url.pathname })).statusCode).toBe(404);
    expect((await t.inject({ method: 'GET', url: replaced.pathname })).statusCode).toBe(200);

    expect((await call('DELETE', '/api/v1/calendar/feed')).statusCode).toBe(204);
    const gone = await t.inject({ method: 'GET', url: replaced.pathname });
    expect(gone.statusCode).toBe(404);
    expect(gone.json().code).toBe('NOT_FOUND');
    expect((await call('DELETE', '/api/v1/calendar/feed')).statusCode).toBe(404);
  });

  // Last: it moves the clock past the tokens' lifetime.
  it('should mail a due reminder once, to the member who set the deadline, without the title', async () => {
    const member = await signedInMember(t, { role: 'lawyer' });
    const m = (await call('POST', '/api/v1/matters', { title: 'Reminder case' }, member.headers)).json();
    await call(
      'POST',
      `/api/v1/matters/${m.id}/deadlines`,
      { title: 'Secret filing title', dueAt: inHours(2), remindMinutesBefore: 60 },
      member.headers,
    );
    const before = (await t.mail()).filter((x) => x.to.includes(member.email)).length;
    expect(await sendDueReminders(t.ctx)).toBe(0);
    clock.advance(61 * 60_000);
    expect(await sendDueReminders(t.ctx)).toBeGreaterThanOrEqual(1);
    expect(await sendDueReminders(t.ctx)).toBe(0);
    const mails = (await t.mail()).filter((x) => x.to.includes(member.email));
    expect(mails.length - before).toBe(1);
    expect(mails.at(-1)!.subject).toMatch(/Reminder: a deadline is due/);
    expect(mails.at(-1)!.text).not.toContain('Secret filing title');
  });
});
