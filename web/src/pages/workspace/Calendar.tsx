import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { del, get, post } from '../../api/client.ts';
import { Alert, Button, Empty, Field, PageHeader, Section, formatDate } from '../../components/ui.tsx';
import { useFormAction } from '../../components/use-form-action.ts';
import type { CalendarEvent } from './workspace-types.ts';

const DAY_MS = 86_400_000;
const KIND_LABEL: Record<CalendarEvent['kind'], string> = { deadline: 'Deadline', hearing: 'Hearing', task: 'Task' };

/** The firm calendar: deadlines and hearings of the matters you may see and your own tasks, with your iCalendar feed. */
export default function Calendar() {
  const [days, setDays] = useState(60);
  const [events, setEvents] = useState<CalendarEvent[] | null>(null);
  const page = useFormAction();
  const load = useCallback(async () => {
    const from = new Date(Date.now() - DAY_MS);
    const to = new Date(from.getTime() + (days + 1) * DAY_MS);
    setEvents(
      (await get<{ events: CalendarEvent[] }>('/api/v1/calendar', { from: from.toISOString(), to: to.toISOString() }))
        .events,
    );
  }, [days]);
  useEffect(() => {
    load().catch(page.fail);
  }, [load, page.fail]);
  const byDay = new Map<string, CalendarEvent[]>();
  for (const e of events ?? []) {
    const day = new Date(e.at).toLocaleDateString(undefined, { dateStyle: 'full' });
    byDay.set(day, [...(byDay.get(day) ?? []), e]);
  }
  return (
    <>
      <PageHeader title="Calendar" description="Deadlines, hearings and your tasks, across the matters you may see." />
      <div className="stack">
        <Alert>{page.error}</Alert>
        <Section title={`Coming up (next ${days} days)`}>
          {events && events.length === 0 && <Empty>Nothing due in the next {days} days.</Empty>}
          {[...byDay.entries()].map(([day, list]) => (
            <div key={day}>
              <h3>{day}</h3>
              <ul aria-label={`Due on ${day}`}>
                {list.map((e) => (
                  <li key={`${e.kind}-${e.id}`}>
                    <span className="badge">{KIND_LABEL[e.kind]}</span> {e.title} —{' '}
                    {new Date(e.at).toLocaleTimeString(undefined, { timeStyle: 'short' })} ·{' '}
                    <Link to={`/matters/${e.matterId}`}>open matter</Link>
                  </li>
                ))}
              </ul>
            </div>
          ))}
          {days < 365 && (
            <Button type="button" variant="secondary" onClick={() => setDays(365)}>
              Show the next year
            </Button>
          )}
        </Section>
        <FeedSection />
      </div>
    </>
  );
}

/** The member's secret iCalendar URL: shown once when made, copied, replaced or revoked. */
function FeedSection() {
  const [status, setStatus] = useState<{ active: boolean; createdAt: string | null } | null>(null);
  const [url, setUrl] = useState<string | null>(null);
  const { busy, error, success, run, fail } = useFormAction();
  const load = useCallback(
    async () => setStatus(await get<{ active: boolean; createdAt: string | null }>('/api/v1/calendar/feed')),
    [],
  );
  useEffect(() => {
    load().catch(fail);
  }, [load, fail]);
  const create = () =>
    void run(async () => {
      const feed = await post<{ url: string }>('/api/v1/calendar/feed');
      setUrl(feed.url);
      await load();
      return 'Your calendar feed URL is ready. Copy it now: it is shown only once.';
    });
  const revoke = () =>
    void run(async () => {
      if (!window.confirm('Revoke your calendar feed? Calendar apps subscribed to it stop updating.')) return;
      await del('/api/v1/calendar/feed');
      setUrl(null);
      await load();
      return 'Calendar feed revoked. The old URL no longer works.';
    });
  const copy = () =>
    void run(async () => {
      if (!url) return;
      await navigator.clipboard.writeText(url);
      return 'Feed URL copied.';
    });
  return (
    <Section
      title="Calendar feed"
      description="Subscribe to your deadlines, hearings and tasks from Outlook, Apple or Google Calendar. The URL is a secret: anyone who has it can read the titles. Revoke it if it leaks."
    >
      <Alert>{error}</Alert>
      <Alert kind="success">{success}</Alert>
      {status && !status.active && !url && <p>You have no calendar feed.</p>}
      {status?.active && !url && <p>Your feed has been active since {formatDate(status.createdAt)}.</p>}
      {url && <Field label="Feed URL" name="feedUrl" readOnly value={url} onFocus={(e) => e.target.select()} />}
      <div className="form-inline">
        {url && (
          <Button type="button" onClick={copy}>
            Copy URL
          </Button>
        )}
        <Button type="button" variant={status?.active ? 'secondary' : 'primary'} busy={busy} onClick={create}>
          {status?.active ? 'Replace feed URL' : 'Create feed URL'}
        </Button>
        {status?.active && (
          <Button type="button" variant="danger" onClick={revoke}>
            Revoke feed
          </Button>
        )}
      </div>
    </Section>
  );
}
