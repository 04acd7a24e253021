import { useCallback, useEffect, useState } from 'react';
import { get, patch, post } from '../../api/client.ts';
import { Alert, Button, Empty, Field, Section, SelectField, formatDate } from '../../components/ui.tsx';
import { useFormAction } from '../../components/use-form-action.ts';
import { localToIso, type Assignee, type Task } from './workspace-types.ts';

/** A matter's tasks: who does what by when, ticked off when done. */
export function MatterTasks({ matterId, canWrite }: { matterId: string; canWrite: boolean }) {
  const [tasks, setTasks] = useState<Task[] | null>(null);
  const [members, setMembers] = useState<Assignee[]>([]);
  const [title, setTitle] = useState('');
  const [assigneeId, setAssigneeId] = useState('');
  const [dueAt, setDueAt] = useState('');
  const { busy, error, success, onSubmit, run, fail } = useFormAction();
  const load = useCallback(async () => {
    const [t, m] = await Promise.all([
      get<{ tasks: Task[] }>(`/api/v1/matters/${matterId}/tasks`),
      get<{ members: Assignee[] }>('/api/v1/tasks/assignees'),
    ]);
    setTasks(t.tasks);
    setMembers(m.members);
  }, [matterId]);
  useEffect(() => {
    load().catch(fail);
  }, [load, fail]);
  const nameOf = (id: string | null) => members.find((m) => m.id === id)?.name ?? '—';
  const submit = onSubmit(async () => {
    const due = localToIso(dueAt);
    await post(`/api/v1/matters/${matterId}/tasks`, {
      title,
      ...(assigneeId ? { assigneeId } : {}),
      ...(due ? { dueAt: due } : {}),
    });
    setTitle('');
    setDueAt('');
    await load();
    return `Task “${title}” added.`;
  });
  const toggle = (t: Task) =>
    void run(async () => {
      await patch(`/api/v1/tasks/${t.id}`, { done: !t.done });
      await load();
      return t.done ? `“${t.title}” reopened.` : `“${t.title}” done.`;
    });
  return (
    <Section title="Tasks">
      <Alert>{error}</Alert>
      <Alert kind="success">{success}</Alert>
      {canWrite && (
        <form onSubmit={submit} className="form-inline">
          <Field
            label="Task"
            name="task"
            required
            maxLength={300}
            value={title}
            onChange={(e) => setTitle(e.target.value)}
          />
          <SelectField
            label="Assignee"
            name="assignee"
            value={assigneeId}
            onChange={setAssigneeId}
            options={[{ value: '', label: 'Nobody yet' }, ...members.map((m) => ({ value: m.id, label: m.name }))]}
          />
          <Field
            label="Task due"
            name="taskDue"
            type="datetime-local"
            value={dueAt}
            onChange={(e) => setDueAt(e.target.value)}
          />
          <Button type="submit" busy={busy}>
            Add task
          </Button>
        </form>
      )}
      {tasks && tasks.length === 0 && <Empty>No tasks yet.</Empty>}
      {tasks && tasks.length > 0 && (
        <table className="table">
          <caption className="sr-only">Tasks</caption>
          <thead>
            <tr>
              <th scope="col">Done</th>
              <th scope="col">Task</th>
              <th scope="col">Assignee</th>
              <th scope="col">Due</th>
            </tr>
          </thead>
          <tbody>
            {tasks.map((t) => (
              <tr key={t.id}>
                <td>
                  <input
                    type="checkbox"
                    checked={t.done}
                    disabled={!canWrite}
                    onChange={() => toggle(t)}
                    aria-label={`Done: ${t.title}`}
                  />
                </td>
                <td>{t.done ? <s>{t.title}</s> : t.title}</td>
                <td>{nameOf(t.assigneeId)}</td>
                <td>{formatDate(t.dueAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}
