import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { get } from '../../api/client.ts';
import { downloadFile } from '../../api/download.ts';
import type { AuditEventDetail, AuditEventPage, AuditPublicKey, Checkpoint } from '../../api/types.ts';
import { Alert, Button, Empty, Field, Section, formatDate } from '../../components/ui.tsx';
import { useFormAction } from '../../components/use-form-action.ts';
import { verifyCheckpointInBrowser } from './checkpoint-verify.ts';

type Filters = { from: string; to: string; actor: string; action: string };
const PAGE = 25;
const toIso = (local: string) => (local ? new Date(local).toISOString() : undefined);

export function AuditTrail() {
  const [draft, setDraft] = useState<Filters>({ from: '', to: '', actor: '', action: '' });
  const [filters, setFilters] = useState<Filters>(draft);
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const [page, setPage] = useState<AuditEventPage | null>(null);
  const [selected, setSelected] = useState<AuditEventDetail | null>(null);
  const { error, run } = useFormAction();
  const cursor = cursors[cursors.length - 1];

  const load = useCallback(async () => {
    setPage(
      await get<AuditEventPage>('/api/v1/audit/events', {
        from: toIso(filters.from),
        to: toIso(filters.to),
        actor: filters.actor || undefined,
        action: filters.action || undefined,
        cursor,
        limit: PAGE,
      }),
    );
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
    run(() =>
      downloadFile('/api/v1/audit/export', 'chambers-audit.json', { from: toIso(filters.from), to: toIso(filters.to) }),
    );

  return (
    <div className="stack">
      <CheckpointCard />
      <Section
        title="Events"
        description="Every security-relevant action: who, what, when, from where, and the outcome. Content never enters the log."
      >
        <form className="filters" onSubmit={apply} aria-label="Filter events">
          <Field
            label="From"
            name="from"
            type="datetime-local"
            value={draft.from}
            onChange={(e) => setDraft({ ...draft, from: e.target.value })}
          />
          <Field
            label="To"
            name="to"
            type="datetime-local"
            value={draft.to}
            onChange={(e) => setDraft({ ...draft, to: e.target.value })}
          />
          <Field
            label="Action"
            name="action"
            placeholder="e.g. auth.login"
            maxLength={100}
            value={draft.action}
            onChange={(e) => setDraft({ ...draft, action: e.target.value })}
          />
          <Field
            label="Actor (user id)"
            name="actor"
            maxLength={36}
            value={draft.actor}
            onChange={(e) => setDraft({ ...draft, actor: e.target.value })}
          />
          <div className="filters-actions">
            <Button type="submit">Apply filters</Button>
            <Button type="button" variant="secondary" onClick={() => void exportBundle()}>
              Export bundle
            </Button>
          </div>
        </form>
        <Alert>{error}</Alert>
        {page && page.events.length === 0 && <Empty>No events match these filters.</Empty>}
        {page && page.events.length > 0 && (
          <table className="table table-compact">
            <caption className="sr-only">Audit events</caption>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Time</th>
                <th scope="col">Action</th>
                <th scope="col">Outcome</th>
                <th scope="col">Actor</th>
                <th scope="col">Target</th>
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
                  <td>
                    <code>{ev.action}</code>
                  </td>
                  <td>
                    <span className={`badge badge-${ev.outcome === 'success' ? 'ok' : 'warn'}`}>{ev.outcome}</span>
                  </td>
                  <td className="mono-cell">{ev.actorId ? ev.actorId.slice(0, 8) : '—'}</td>
                  <td className="mono-cell">{ev.target ?? '—'}</td>
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
                <code>{selected.action}</code>
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
              <dt>Actor</dt>
              <dd className="mono-cell">{selected.actorId ?? '—'}</dd>
            </div>
            <div>
              <dt>Target</dt>
              <dd className="mono-cell">{selected.target ?? '—'}</dd>
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
