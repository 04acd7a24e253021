import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { get, post } from '../../api/client.ts';
import type { Matter, MatterList } from '../../api/types.ts';
import { Alert, Button, Empty, Field, PageHeader, Section, formatDate } from '../../components/ui.tsx';
import { useFormAction } from '../../components/use-form-action.ts';
import { useMe } from '../../session/session.tsx';
import { ConflictCheckPanel, useConflictCheck } from './ConflictCheckPanel.tsx';

export default function Matters() {
  const me = useMe();
  const [matters, setMatters] = useState<Matter[] | null>(null);
  const [q, setQ] = useState('');
  const list = useFormAction();
  const { run } = list;
  const load = useCallback(
    async (query?: string) => setMatters((await get<MatterList>('/api/v1/matters', { q: query || undefined })).matters),
    [],
  );
  useEffect(() => {
    void run(() => load());
  }, [load, run]);
  const canCreate = me.role === 'lawyer' || me.role === 'org_admin';
  return (
    <>
      <PageHeader title="Matters" description="Your organization's matters and their documents." />
      <div className="stack">
        <Alert>{list.error}</Alert>
        {canCreate && <NewMatter onCreated={() => void load()} />}
        <Section title="All open matters">
          <form className="search" role="search" onSubmit={list.onSubmit(() => load(q))}>
            <Field
              label="Search matters"
              name="q"
              type="search"
              maxLength={200}
              value={q}
              onChange={(e) => setQ(e.target.value)}
            />
            <Button type="submit" variant="secondary">
              Search
            </Button>
          </form>
          {matters && matters.length === 0 && <Empty>No matters yet.</Empty>}
          {matters && matters.length > 0 && (
            <table className="table">
              <caption className="sr-only">Matters</caption>
              <thead>
                <tr>
                  <th scope="col">Title</th>
                  <th scope="col">Reference</th>
                  <th scope="col">Client</th>
                  <th scope="col">Opened</th>
                </tr>
              </thead>
              <tbody>
                {matters.map((m) => (
                  <tr key={m.id}>
                    <td>
                      <Link to={`/matters/${m.id}`}>{m.title}</Link>
                    </td>
                    <td>{m.reference ?? '—'}</td>
                    <td>{m.clientName ?? '—'}</td>
                    <td>{formatDate(m.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Section>
      </div>
    </>
  );
}

function NewMatter({ onCreated }: { onCreated: () => void }) {
  const [title, setTitle] = useState('');
  const [reference, setReference] = useState('');
  const [clientName, setClientName] = useState('');
  const { busy, error, onSubmit } = useFormAction();
  const conflicts = useConflictCheck();
  const submit = onSubmit(async () => {
    const created = await post<Matter>('/api/v1/matters', {
      title,
      ...(reference ? { reference } : {}),
      ...(clientName ? { clientName } : {}),
    });
    // The client and parties become the matter's parties; the check runs again, recorded against the matter.
    await conflicts.afterOpen(created.id, clientName);
    setTitle('');
    setReference('');
    setClientName('');
    onCreated();
  });
  return (
    <Section title="Open a matter">
      <Alert>{error}</Alert>
      <form onSubmit={submit} className="form-inline">
        <Field
          label="Title"
          name="title"
          required
          maxLength={300}
          value={title}
          onChange={(e) => setTitle(e.target.value)}
        />
        <Field
          label="Reference"
          name="reference"
          maxLength={100}
          value={reference}
          onChange={(e) => setReference(e.target.value)}
        />
        <Field
          label="Client"
          name="clientName"
          maxLength={300}
          value={clientName}
          onChange={(e) => setClientName(e.target.value)}
        />
        <Button type="submit" busy={busy}>
          Open matter
        </Button>
      </form>
      <ConflictCheckPanel state={conflicts} clientName={clientName} />
    </Section>
  );
}
