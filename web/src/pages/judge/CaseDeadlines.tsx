import { useState } from 'react';
import { post } from '../../api/client.ts';
import { Alert, Button, Empty, Field, Section } from '../../components/ui.tsx';
import { useFormAction } from '../../components/use-form-action.ts';
import type { Deadline } from './judicial-types.ts';

/** A case's deadlines, soonest first, and the form to set one (judge or a clerk the case is shared with). */
export function CaseDeadlines({
  caseId,
  deadlines,
  onAdded,
}: {
  caseId: string;
  deadlines: Deadline[];
  onAdded: () => void;
}) {
  const [dueOn, setDueOn] = useState('');
  const [description, setDescription] = useState('');
  const { busy, error, onSubmit } = useFormAction();
  const submit = onSubmit(async () => {
    await post(`/api/v1/judicial/cases/${caseId}/deadlines`, { dueOn, description });
    setDueOn('');
    setDescription('');
    onAdded();
  });
  return (
    <Section title="Deadlines">
      {deadlines.length === 0 && <Empty>No deadlines set.</Empty>}
      {deadlines.length > 0 && (
        <ul className="plain-list">
          {deadlines.map((d) => (
            <li key={d.id} data-deadline={d.description}>
              <time dateTime={d.dueOn}>{d.dueOn}</time> · {d.description}
            </li>
          ))}
        </ul>
      )}
      <form className="form-grid" onSubmit={submit}>
        <Field label="Due on" type="date" required value={dueOn} onChange={(e) => setDueOn(e.target.value)} />
        <Field
          label="What is due"
          required
          maxLength={300}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
        />
        <Alert>{error}</Alert>
        <Button type="submit" busy={busy} variant="secondary">
          Set deadline
        </Button>
      </form>
    </Section>
  );
}
