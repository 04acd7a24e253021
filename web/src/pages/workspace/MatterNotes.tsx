import { useCallback, useEffect, useId, useState } from 'react';
import { get, post } from '../../api/client.ts';
import { Alert, Button, Empty, Section, formatDate } from '../../components/ui.tsx';
import { useFormAction } from '../../components/use-form-action.ts';
import { Markdown } from './Markdown.tsx';
import type { Note } from './workspace-types.ts';

/** A matter's notes, newest first, written in markdown and rendered safely (Markdown.tsx). */
export function MatterNotes({ matterId, canWrite }: { matterId: string; canWrite: boolean }) {
  const [notes, setNotes] = useState<Note[] | null>(null);
  const [body, setBody] = useState('');
  const id = useId();
  const { busy, error, success, onSubmit, fail } = useFormAction();
  const load = useCallback(
    async () => setNotes((await get<{ notes: Note[] }>(`/api/v1/matters/${matterId}/notes`)).notes),
    [matterId],
  );
  useEffect(() => {
    load().catch(fail);
  }, [load, fail]);
  const submit = onSubmit(async () => {
    await post(`/api/v1/matters/${matterId}/notes`, { body });
    setBody('');
    await load();
    return 'Note added.';
  });
  return (
    <Section title="Notes" description="Markdown: **bold**, *italic*, lists and https links.">
      <Alert>{error}</Alert>
      <Alert kind="success">{success}</Alert>
      {canWrite && (
        <form onSubmit={submit}>
          <div className="field">
            <label htmlFor={id}>New note</label>
            <textarea
              id={id}
              rows={4}
              required
              maxLength={20000}
              value={body}
              onChange={(e) => setBody(e.target.value)}
            />
          </div>
          <Button type="submit" busy={busy}>
            Add note
          </Button>
        </form>
      )}
      {notes && notes.length === 0 && <Empty>No notes yet.</Empty>}
      {notes && notes.length > 0 && (
        <ul className="stack" aria-label="Notes">
          {notes.map((n) => (
            <li key={n.id} className="card">
              <p className="muted">{formatDate(n.createdAt)}</p>
              <Markdown source={n.body} />
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}
