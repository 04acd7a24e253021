import { useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { get, post } from '../../api/client.ts';
import { Alert, Button, Empty, Field, PageHeader, Section, formatDate } from '../../components/ui.tsx';
import { useFormAction } from '../../components/use-form-action.ts';
import { useMe } from '../../session/session.tsx';
import { CaseDeadlines } from './CaseDeadlines.tsx';
import { CaseDocuments } from './CaseDocuments.tsx';
import type { CaseDetail, Note, Order } from './judicial-types.ts';
import { TextArea } from './TextArea.tsx';

/** One case file: parties, hearings, deadlines, documents, the caller's private notes, and orders. */
export default function CaseFile() {
  const { id = '' } = useParams();
  const me = useMe();
  const [file, setFile] = useState<CaseDetail | null>(null);
  const [notes, setNotes] = useState<Note[]>([]);
  const [orders, setOrders] = useState<Order[]>([]);
  const page = useFormAction();
  const { run } = page;
  const load = useCallback(async () => {
    const base = `/api/v1/judicial/cases/${id}`;
    const [detail, n, o] = await Promise.all([
      get<CaseDetail>(base),
      get<{ notes: Note[] }>(`${base}/notes`),
      get<{ orders: Order[] }>(`${base}/orders`),
    ]);
    setFile(detail);
    setNotes(n.notes);
    setOrders(o.orders);
  }, [id]);
  useEffect(() => {
    void run(() => load());
  }, [load, run]);
  const isJudge = file !== null && file.judgeId === me.user.id;

  return (
    <>
      <PageHeader
        title={file ? `${file.caseNumber} · ${file.title}` : 'Case file'}
        description={file ? `${file.caseType ?? 'Case'} · ${file.status}` : undefined}
        actions={<Link to="/judge">All cases</Link>}
      />
      <div className="stack">
        <Alert>{page.error}</Alert>
        {file && (
          <>
            <Section title="Parties">
              {file.parties.length === 0 && <Empty>No parties recorded.</Empty>}
              {file.parties.length > 0 && (
                <ul className="plain-list">
                  {file.parties.map((p) => (
                    <li key={p.id}>
                      {p.name} <span className="muted">({p.role})</span>
                    </li>
                  ))}
                </ul>
              )}
            </Section>
            <Section title="Hearings">
              {file.hearings.length === 0 && <Empty>No hearings scheduled.</Empty>}
              {file.hearings.length > 0 && (
                <ul className="plain-list">
                  {file.hearings.map((h) => (
                    <li key={h.id}>
                      {new Date(h.at).toISOString().replace('T', ' ').slice(0, 16)} UTC · {h.purpose}
                    </li>
                  ))}
                </ul>
              )}
              <NewHearing caseId={id} onAdded={() => void load()} />
            </Section>
            <CaseDeadlines caseId={id} deadlines={file.deadlines} onAdded={() => void load()} />
          </>
        )}
        {/* Mounted at once, so its documents are read alongside the case rather than after it. */}
        <CaseDocuments caseId={id} userId={me.user.id} isJudge={isJudge} shown={file !== null} />
        {file && (
          <>
            <Section title="Private notes" description="Your notes on this case are visible to you alone.">
              {notes.length === 0 && <Empty>No notes yet.</Empty>}
              {notes.length > 0 && (
                <ul className="plain-list">
                  {notes.map((n) => (
                    <li key={n.id}>
                      <span className="muted">{formatDate(n.createdAt)}</span> {n.body}
                    </li>
                  ))}
                </ul>
              )}
              <NewNote caseId={id} onAdded={() => void load()} />
            </Section>
            <Section
              title="Orders"
              description="Drafts are visible to their author; an issued order to everyone on the case."
            >
              {orders.length === 0 && <Empty>No orders yet.</Empty>}
              {orders.length > 0 && (
                <ul className="plain-list">
                  {orders.map((o) => (
                    <li key={o.id} data-order={o.title}>
                      <strong>{o.title}</strong> <span className="muted">({o.status})</span>
                      <p>{o.body}</p>
                      {isJudge && o.status === 'draft' && <IssueButton order={o} onIssued={() => void load()} />}
                    </li>
                  ))}
                </ul>
              )}
              {me.role === 'judge' && <NewOrder caseId={id} onAdded={() => void load()} />}
            </Section>
          </>
        )}
      </div>
    </>
  );
}

function NewHearing({ caseId, onAdded }: { caseId: string; onAdded: () => void }) {
  const [at, setAt] = useState('');
  const [purpose, setPurpose] = useState('');
  const { busy, error, onSubmit } = useFormAction();
  const submit = onSubmit(async () => {
    // The date-time field is local time; the API takes an instant.
    await post(`/api/v1/judicial/cases/${caseId}/hearings`, { at: new Date(at).toISOString(), purpose });
    setAt('');
    setPurpose('');
    onAdded();
  });
  return (
    <form className="form-grid" onSubmit={submit}>
      <Field
        label="Hearing date and time"
        type="datetime-local"
        required
        value={at}
        onChange={(e) => setAt(e.target.value)}
      />
      <Field label="Purpose" required maxLength={300} value={purpose} onChange={(e) => setPurpose(e.target.value)} />
      <Alert>{error}</Alert>
      <Button type="submit" busy={busy} variant="secondary">
        Schedule hearing
      </Button>
    </form>
  );
}

function NewNote({ caseId, onAdded }: { caseId: string; onAdded: () => void }) {
  const [body, setBody] = useState('');
  const { busy, error, onSubmit } = useFormAction();
  const submit = onSubmit(async () => {
    await post(`/api/v1/judicial/cases/${caseId}/notes`, { body });
    setBody('');
    onAdded();
  });
  return (
    <form className="form-grid" onSubmit={submit}>
      <TextArea label="New note" required maxLength={50_000} value={body} onChange={(e) => setBody(e.target.value)} />
      <Alert>{error}</Alert>
      <Button type="submit" busy={busy} variant="secondary">
        Add note
      </Button>
    </form>
  );
}

function NewOrder({ caseId, onAdded }: { caseId: string; onAdded: () => void }) {
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const { busy, error, onSubmit } = useFormAction();
  const submit = onSubmit(async () => {
    await post(`/api/v1/judicial/cases/${caseId}/orders`, { title, body });
    setTitle('');
    setBody('');
    onAdded();
  });
  return (
    <form className="form-grid" onSubmit={submit}>
      <Field label="Order title" required maxLength={300} value={title} onChange={(e) => setTitle(e.target.value)} />
      <TextArea
        label="Order text"
        required
        maxLength={200_000}
        value={body}
        onChange={(e) => setBody(e.target.value)}
      />
      <Alert>{error}</Alert>
      <Button type="submit" busy={busy} variant="secondary">
        Save draft
      </Button>
    </form>
  );
}

function IssueButton({ order, onIssued }: { order: Order; onIssued: () => void }) {
  const { busy, error, run } = useFormAction();
  return (
    <>
      <Button
        type="button"
        busy={busy}
        onClick={() =>
          void run(async () => {
            if (!window.confirm(`Issue "${order.title}"? An issued order cannot be changed.`)) return;
            await post(`/api/v1/judicial/cases/${order.caseId}/orders/${order.id}/issue`);
            onIssued();
          })
        }
      >
        Issue {order.title}
      </Button>
      <Alert>{error}</Alert>
    </>
  );
}
