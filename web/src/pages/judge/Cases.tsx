import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { get, post } from '../../api/client.ts';
import { Alert, Button, Empty, Field, PageHeader, Section, formatDate } from '../../components/ui.tsx';
import { useFormAction } from '../../components/use-form-action.ts';
import { useMe } from '../../session/session.tsx';
import type { CaseSummary, CauseListEntry } from './judicial-types.ts';

const today = () => new Date().toISOString().slice(0, 10);
const timeOf = (iso: string) => new Date(iso).toISOString().slice(11, 16);

export default function Cases() {
  const me = useMe();
  const [cases, setCases] = useState<CaseSummary[] | null>(null);
  const [hearings, setHearings] = useState<CauseListEntry[] | null>(null);
  const page = useFormAction();
  const { run } = page;
  const load = useCallback(async () => {
    const [list, causeList] = await Promise.all([
      get<{ cases: CaseSummary[] }>('/api/v1/judicial/cases'),
      get<{ hearings: CauseListEntry[] }>('/api/v1/judicial/cause-list', { date: today() }),
    ]);
    setCases(list.cases);
    setHearings(causeList.hearings);
  }, []);
  const chambers = me.role === 'judge' || me.role === 'clerk';
  useEffect(() => {
    if (chambers) void run(() => load());
  }, [chambers, load, run]);

  return (
    <>
      <PageHeader title="Case files" description={`${me.org?.name ?? 'Your court'} · private judicial workspace`} />
      <div className="stack">
        <Alert>{page.error}</Alert>
        {!chambers && (
          <Section
            title="Case files"
            description="Case files are kept for their judges and the clerks they share them with."
          >
            <Empty>Your role in this court has no case files of its own.</Empty>
          </Section>
        )}
        {chambers && (
          <Section title={`Cause list for today (${today()})`}>
            {hearings && hearings.length === 0 && <Empty>No hearings today.</Empty>}
            {hearings && hearings.length > 0 && (
              <table className="table">
                <caption className="sr-only">Hearings today</caption>
                <thead>
                  <tr>
                    <th scope="col">Time (UTC)</th>
                    <th scope="col">Case</th>
                    <th scope="col">Purpose</th>
                  </tr>
                </thead>
                <tbody>
                  {hearings.map((h) => (
                    <tr key={`${h.caseId}-${h.at}`}>
                      <td>{timeOf(h.at)}</td>
                      <td>
                        <Link to={`/judge/cases/${h.caseId}`}>
                          {h.caseNumber} · {h.title}
                        </Link>
                      </td>
                      <td>{h.purpose}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Section>
        )}
        {me.role === 'judge' && <NewCase onCreated={() => void load()} />}
        {chambers && (
          <Section title="Your cases" description="Assigned to you, or shared with you by a judge.">
            {cases && cases.length === 0 && <Empty>No case files yet.</Empty>}
            {cases && cases.length > 0 && (
              <table className="table">
                <caption className="sr-only">Cases</caption>
                <thead>
                  <tr>
                    <th scope="col">Number</th>
                    <th scope="col">Title</th>
                    <th scope="col">Status</th>
                    <th scope="col">Opened</th>
                  </tr>
                </thead>
                <tbody>
                  {cases.map((c) => (
                    <tr key={c.id}>
                      <td>{c.caseNumber}</td>
                      <td>
                        <Link to={`/judge/cases/${c.id}`}>{c.title}</Link>
                      </td>
                      <td>{c.status}</td>
                      <td>{formatDate(c.createdAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Section>
        )}
      </div>
    </>
  );
}

function NewCase({ onCreated }: { onCreated: () => void }) {
  const [caseNumber, setCaseNumber] = useState('');
  const [title, setTitle] = useState('');
  const [party, setParty] = useState('');
  const [partyRole, setPartyRole] = useState('');
  const { busy, error, success, onSubmit } = useFormAction();
  const submit = onSubmit(async () => {
    await post('/api/v1/judicial/cases', {
      caseNumber,
      title,
      parties: party && partyRole ? [{ name: party, role: partyRole }] : [],
    });
    setCaseNumber('');
    setTitle('');
    setParty('');
    setPartyRole('');
    onCreated();
    return 'Case opened.';
  });
  return (
    <Section title="Open a case" description="You become its assigned judge.">
      <form className="form-grid" onSubmit={submit}>
        <Field
          label="Case number"
          required
          maxLength={100}
          value={caseNumber}
          onChange={(e) => setCaseNumber(e.target.value)}
        />
        <Field label="Case title" required maxLength={300} value={title} onChange={(e) => setTitle(e.target.value)} />
        <Field label="Party name" maxLength={300} value={party} onChange={(e) => setParty(e.target.value)} />
        <Field label="Party role" maxLength={100} value={partyRole} onChange={(e) => setPartyRole(e.target.value)} />
        <Alert>{error}</Alert>
        <Alert kind="success">{success}</Alert>
        <Button type="submit" busy={busy}>
          Open case
        </Button>
      </form>
    </Section>
  );
}
