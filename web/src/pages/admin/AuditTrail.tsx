import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { get } from '../../api/client.ts';
import { downloadFile } from '../../api/download.ts';
import type {
  AuditEvent,
  AuditEventDetail,
  AuditPublicKey,
  Checkpoint,
  Matter,
  MatterList,
  MemberList,
} from '../../api/types.ts';
import { Alert, Button, Empty, Field, Section, SelectField, formatDate } from '../../components/ui.tsx';
import { useFormAction } from '../../components/use-form-action.ts';
import { useMe } from '../../session/session.tsx';
import { ACTION_FILTERS, actionInWords } from './audit-action-words.ts';
import { verifyCheckpointInBrowser } from './checkpoint-verify.ts';

type AuditEventPage = { events: AuditEvent[]; nextCursor: string | null };
type Filters = { from: string; to: string; actor: string; action: string; matter: string };
const PAGE = 25;
/** A date input's day as an instant: "from" at the start of that day, "to" at the start of the next (local time). */
const dayStart = (day: string, plusDays = 0) => {
  if (!day) return undefined;
  const d = new Date(`${day}T00:00`);
  d.setDate(d.getDate() + plusDays);
  return d.toISOString();
};
const queryOf = (f: Filters) => ({
  from: dayStart(f.from),
  to: dayStart(f.to, 1),
  actor: f.actor || undefined,
  action: f.action || undefined,
  matter: f.matter || undefined,
});
const who = (ev: Pick<AuditEvent, 'actorId' | 'actorName'>) =>
  ev.actorName ?? (ev.actorId ? ev.actorId.slice(0, 8) : '—');
const what = (ev: Pick<AuditEvent, 'target' | 'targetLabel'>) => ev.targetLabel ?? ev.target ?? '—';

/** The people and matters the filters offer by name (an admin's own organization). */
function useFilterChoices() {
  const me = useMe();
  const orgId = me.org?.id;
  const [people, setPeople] = useState<Array<{ value: string; label: string }>>([]);
  const [matters, setMatters] = useState<Array<{ value: string; label: string }>>([]);
  useEffect(() => {
    if (!orgId) return;
    void Promise.all([
      get<MemberList>(`/api/v1/orgs/${orgId}/members`).catch(() => ({ members: [] })),
      get<MatterList>('/api/v1/matters', { status: 'all', limit: '100' }).catch(() => ({ matters: [] as Matter[] })),
    ]).then(([m, mt]) => {
      setPeople(m.members.map((p) => ({ value: p.userId, label: p.name })));
      setMatters(
        mt.matters.map((x) => ({ value: x.id, label: x.reference ? `${x.title} (${x.reference})` : x.title })),
      );
    });
  }, [orgId]);
  return { people, matters };
}

export function AuditTrail() {
  const [draft, setDraft] = useState<Filters>({ from: '', to: '', actor: '', action: '', matter: '' });
  const choices = useFilterChoices();
  const [filters, setFilters] = useState<Filters>(draft);
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const [page, setPage] = useState<AuditEventPage | null>(null);
  const [selected, setSelected] = useState<AuditEventDetail | null>(null);
  const { error, success, run } = useFormAction();
  const cursor = cursors[cursors.length - 1];

  const load = useCallback(async () => {
    setPage(await get<AuditEventPage>('/api/v1/audit/events', { ...queryOf(filters), cursor, limit: String(PAGE) }));
  }, [filters, cursor]);
  useEffect(() => {
    void run(load);
  }, [load, run]);

  const apply = (e: FormEvent) => {
    e.preventDefault();
    setCursors([undefined]);
    setFilters(draft);
  };
  const open = async (seq: number | null) => {
    if (seq === null) return;
    await run(async () => setSelected(await get<AuditEventDetail>(`/api/v1/audit/events/${seq}`)));
  };
  const exportBundle = () =>
    run(async () => {
      const { from, to } = queryOf(filters);
      await downloadFile('/api/v1/audit/export', 'chambers-audit.json', { from, to });
      return 'Signed bundle downloaded: check it offline with "npx chambers audit verify".';
    });
  const exportCsv = () =>
    run(async () => {
      await downloadFile('/api/v1/audit/events.csv', 'chambers-audit.csv', queryOf(filters));
      return 'CSV downloaded: the events of these filters, with names.';
    });

  return (
    <div className="stack">
      <CheckpointCard />
      <Section
        title="Events"
        description="Every security-relevant action: who, what, when, from where, and the outcome. Content never enters the log."
      >
        <form className="filters" onSubmit={apply} aria-label="Filter events">
          <Field
            label="From (day)"
            name="from"
            type="date"
            value={draft.from}
            onChange={(e) => setDraft({ ...draft, from: e.target.value })}
          />
          <Field
            label="To (day)"
            name="to"
            type="date"
            value={draft.to}
            onChange={(e) => setDraft({ ...draft, to: e.target.value })}
          />
          <SelectField
            label="Person"
            name="actor"
            value={draft.actor}
            onChange={(actor) => setDraft({ ...draft, actor })}
            options={[{ value: '', label: 'Anyone' }, ...choices.people]}
          />
          <SelectField
            label="Matter"
            name="matter"
            value={draft.matter}
            onChange={(matter) => setDraft({ ...draft, matter })}
            options={[{ value: '', label: 'Any matter' }, ...choices.matters]}
          />
          <SelectField
            label="Action"
            name="action"
            value={draft.action}
            onChange={(action) => setDraft({ ...draft, action })}
            options={ACTION_FILTERS}
          />
          <div className="filters-actions">
            <Button type="submit">Apply filters</Button>
            <Button type="button" variant="secondary" onClick={() => void exportCsv()}>
              Export CSV
            </Button>
            <Button type="button" variant="secondary" onClick={() => void exportBundle()}>
              Export signed bundle
            </Button>
          </div>
        </form>
        <Alert>{error}</Alert>
        <Alert kind="success">{success}</Alert>
        {page && page.events.length === 0 && <Empty>No events match these filters.</Empty>}
        {page && page.events.length > 0 && (
          <table className="table table-compact">
            <caption className="sr-only">Audit events</caption>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Time</th>
                <th scope="col">Who</th>
                <th scope="col">Did</th>
                <th scope="col">What</th>
                <th scope="col">Outcome</th>
                <th scope="col">IP</th>
              </tr>
            </thead>
            <tbody>
              {page.events.map((ev) => (
                <tr key={`${ev.seq}-${ev.at}`}>
                  <td>
                    {ev.seq === null ? (
                      '…'
                    ) : (
                      <button
                        type="button"
                        className="btn btn-link"
                        onClick={() => void open(ev.seq)}
                        aria-label={`Details of event ${ev.seq}`}
                      >
                        {ev.seq}
                      </button>
                    )}
                  </td>
                  <td>{formatDate(ev.at)}</td>
                  <td title={ev.actorId ?? undefined}>{who(ev)}</td>
                  <td title={ev.action}>{actionInWords(ev.action)}</td>
                  <td title={ev.target ?? undefined}>{what(ev)}</td>
                  <td>
                    <span className={`badge badge-${ev.outcome === 'success' ? 'ok' : 'warn'}`}>{ev.outcome}</span>
                  </td>
                  <td>{ev.ip ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <div className="pager">
          <Button variant="secondary" disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
            Newer
          </Button>
          <span className="muted">Page {cursors.length}</span>
          <Button
            variant="secondary"
            disabled={!page?.nextCursor}
            onClick={() => page?.nextCursor && setCursors([...cursors, page.nextCursor])}
          >
            Older
          </Button>
        </div>
      </Section>
      {selected && (
        <Section title={`Event ${selected.seq}`}>
          <dl className="facts">
            <div>
              <dt>Action</dt>
              <dd>
                {actionInWords(selected.action)} (<code>{selected.action}</code>)
              </dd>
            </div>
            <div>
              <dt>Time</dt>
              <dd>{formatDate(selected.at)}</dd>
            </div>
            <div>
              <dt>Outcome</dt>
              <dd>{selected.outcome}</dd>
            </div>
            <div>
              <dt>Who</dt>
              <dd>
                {selected.actorName ?? '—'} <span className="mono-cell">{selected.actorId ?? ''}</span>
              </dd>
            </div>
            <div>
              <dt>What</dt>
              <dd>
                {selected.targetLabel ?? '—'} <span className="mono-cell">{selected.target ?? ''}</span>
              </dd>
            </div>
            <div>
              <dt>IP · user agent</dt>
              <dd>
                {selected.ip ?? '—'} · {selected.userAgent ?? '—'}
              </dd>
            </div>
            <div>
              <dt>Request id</dt>
              <dd className="mono-cell">{selected.requestId ?? '—'}</dd>
            </div>
            <div>
              <dt>Leaf hash</dt>
              <dd className="mono-cell">{selected.leafHash}</dd>
            </div>
          </dl>
          <h3>Sealed leaf (canonical JSON)</h3>
          <pre className="code-block">{selected.leaf}</pre>
          <Button variant="secondary" onClick={() => setSelected(null)}>
            Close
          </Button>
        </Section>
      )}
    </div>
  );
}

function CheckpointCard() {
  const [cp, setCp] = useState<Checkpoint | null>(null);
  const [verdict, setVerdict] = useState<boolean | null | 'pending'>('pending');
  const { error, run } = useFormAction();
  useEffect(() => {
    void run(async () => {
      const [checkpoint, key] = await Promise.all([
        get<Checkpoint>('/api/v1/audit/checkpoint'),
        get<AuditPublicKey>('/api/v1/audit/public-key'),
      ]);
      setCp(checkpoint);
      setVerdict(await verifyCheckpointInBrowser(checkpoint, key));
    });
  }, [run]);
  return (
    <Section
      title="Latest signed checkpoint"
      description="The log is a Merkle tree; each checkpoint signs its size and root hash with the deployment's Ed25519 key."
    >
      {error && <p className="muted">{error}</p>}
      {cp && (
        <dl className="facts">
          <div>
            <dt>Events covered</dt>
            <dd>{cp.treeSize}</dd>
          </div>
          <div>
            <dt>Signed</dt>
            <dd>{formatDate(cp.signedAt)}</dd>
          </div>
          <div>
            <dt>Root hash</dt>
            <dd className="mono-cell">{cp.rootHash}</dd>
          </div>
          <div>
            <dt>Key</dt>
            <dd className="mono-cell">{cp.keyId}</dd>
          </div>
          <div>
            <dt>Signature</dt>
            <dd data-testid="checkpoint-verdict">
              {verdict === 'pending' ? (
                'Checking…'
              ) : verdict === true ? (
                <span className="badge badge-ok">Verified in your browser</span>
              ) : verdict === false ? (
                <span className="badge badge-bad">Does not verify</span>
              ) : (
                <span className="badge">Your browser cannot check Ed25519</span>
              )}
            </dd>
          </div>
        </dl>
      )}
    </Section>
  );
}
