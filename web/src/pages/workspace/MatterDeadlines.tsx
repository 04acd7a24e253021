import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { get, post } from '../../api/client.ts';
import { Alert, Button, Empty, Field, Section, SelectField, formatDate } from '../../components/ui.tsx';
import { useFormAction } from '../../components/use-form-action.ts';
import { localToIso, type Deadline } from './workspace-types.ts';

const REMINDERS = [
  { value: '1440', label: 'One day before' },
  { value: '10080', label: 'One week before' },
  { value: '60', label: 'One hour before' },
  { value: 'none', label: 'No reminder' },
];

/** A matter's deadlines and hearings; each appears on the firm calendar, and a reminder mail goes out before it. */
export function MatterDeadlines({ matterId, canWrite }: { matterId: string; canWrite: boolean }) {
  const [deadlines, setDeadlines] = useState<Deadline[] | null>(null);
  const [title, setTitle] = useState('');
  const [kind, setKind] = useState<'deadline' | 'hearing'>('deadline');
  const [dueAt, setDueAt] = useState('');
  const [remind, setRemind] = useState('1440');
  const { busy, error, success, onSubmit, fail } = useFormAction();
  const load = useCallback(
    async () => setDeadlines((await get<{ deadlines: Deadline[] }>(`/api/v1/matters/${matterId}/deadlines`)).deadlines),
    [matterId],
  );
  useEffect(() => {
    load().catch(fail);
  }, [load, fail]);
  const submit = onSubmit(async () => {
    await post(`/api/v1/matters/${matterId}/deadlines`, {
      title,
      kind,
      dueAt: localToIso(dueAt),
      remindMinutesBefore: remind === 'none' ? null : Number(remind),
    });
    setTitle('');
    setDueAt('');
    await load();
    return `${kind === 'hearing' ? 'Hearing' : 'Deadline'} “${title}” added to the calendar.`;
  });
  return (
    <Section title="Deadlines and hearings" description="Shown on the firm calendar and in your calendar feed.">
      <Alert>{error}</Alert>
      <Alert kind="success">{success}</Alert>
      {canWrite && (
        <form onSubmit={submit} className="form-inline">
          <Field
            label="What"
            name="deadlineTitle"
            required
            maxLength={300}
            value={title}
            onChange={(e) => setTitle(e.target.value)}
          />
          <SelectField
            label="Kind"
            name="kind"
            value={kind}
            onChange={(v) => setKind(v === 'hearing' ? 'hearing' : 'deadline')}
            options={[
              { value: 'deadline', label: 'Deadline' },
              { value: 'hearing', label: 'Hearing' },
            ]}
          />
          <Field
            label="When"
            name="deadlineDue"
            type="datetime-local"
            required
            value={dueAt}
            onChange={(e) => setDueAt(e.target.value)}
          />
          <SelectField label="Reminder" name="reminder" value={remind} onChange={setRemind} options={REMINDERS} />
          <Button type="submit" busy={busy}>
            Add to calendar
          </Button>
        </form>
      )}
      {deadlines && deadlines.length === 0 && <Empty>No deadlines or hearings yet.</Empty>}
      {deadlines && deadlines.length > 0 && (
        <ul aria-label="Deadlines and hearings">
          {deadlines.map((d) => (
            <li key={d.id}>
              <span className="badge">{d.kind === 'hearing' ? 'Hearing' : 'Deadline'}</span> {d.title} —{' '}
              {formatDate(d.dueAt)}
            </li>
          ))}
        </ul>
      )}
      <p>
        <Link to="/calendar">Open the calendar</Link>
      </p>
    </Section>
  );
}
