import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, del, get, messageOf, put } from '../../api/client.ts';
import type { DocumentPolicy, LegalHold } from '../../api/types.ts';
import { Alert, Button, Field, Section, formatDate } from '../../components/ui.tsx';

type Msg = { kind: 'error' | 'success'; text: string } | null;

/** How long the organization's documents are kept, and the legal hold that stops the audit purge. */
export function Retention({ orgId }: { orgId: string }) {
  return (
    <div className="stack">
      <DocumentRetention />
      <AuditLegalHold orgId={orgId} />
    </div>
  );
}

function DocumentRetention() {
  const [days, setDays] = useState('');
  const [tag, setTag] = useState('');
  const [loaded, setLoaded] = useState(false);
  const [msg, setMsg] = useState<Msg>(null);
  const [busy, setBusy] = useState(false);
  const show = (p: DocumentPolicy) => {
    setDays(p.retentionDays === null ? '' : String(p.retentionDays));
    setTag(p.retentionTag ?? '');
    setLoaded(true);
  };
  useEffect(() => {
    get<DocumentPolicy>('/api/v1/document-policy').then(show, (err: unknown) => setMsg({ kind: 'error', text: messageOf(err) }));
  }, []);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setMsg(null);
    try {
      show(await put<DocumentPolicy>('/api/v1/document-policy', { retentionDays: days.trim() === '' ? null : Number(days), retentionTag: tag.trim() === '' ? null : tag.trim() }));
      setMsg({ kind: 'success', text: 'Document retention saved.' });
    } catch (err) {
      setMsg({ kind: 'error', text: messageOf(err) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Section title="Document retention" description="Documents are deleted automatically this many days after they were uploaded.">
      {msg && <Alert kind={msg.kind}>{msg.text}</Alert>}
      {loaded && (
        <form onSubmit={submit} className="form-narrow">
          <Field label="Keep documents for (days)" name="retentionDays" type="number" min={1} max={36500} hint="Leave empty to keep documents until someone deletes them." value={days} onChange={(e) => setDays(e.target.value)} />
          <Field label="Only documents tagged" name="retentionTag" maxLength={50} hint="Leave empty to apply retention to every document." value={tag} onChange={(e) => setTag(e.target.value)} />
          <Button type="submit" busy={busy}>Save retention</Button>
        </form>
      )}
    </Section>
  );
}

function AuditLegalHold({ orgId }: { orgId: string }) {
  const url = `/api/v1/orgs/${orgId}/audit/legal-hold`;
  // undefined: still loading; null: no hold.
  const [hold, setHold] = useState<LegalHold | null | undefined>(undefined);
  const [reason, setReason] = useState('');
  const [msg, setMsg] = useState<Msg>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    get<LegalHold>(url).then(setHold, (err: unknown) => {
      if (err instanceof ApiError && err.status === 404) setHold(null); // the API's way of saying "no hold"
      else setMsg({ kind: 'error', text: messageOf(err) });
    });
  }, [url]);
  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setMsg(null);
    try {
      await action();
    } catch (err) {
      setMsg({ kind: 'error', text: messageOf(err) });
    } finally {
      setBusy(false);
    }
  };
  const place = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      setHold(await put<LegalHold>(url, { reason: reason.trim() }));
      setReason('');
      setMsg({ kind: 'success', text: 'Legal hold placed: audit events of this organization will not be purged.' });
    });
  };
  const lift = () =>
    run(async () => {
      await del(url);
      setHold(null);
      setMsg({ kind: 'success', text: 'Legal hold lifted: the retention purge applies again.' });
    });
  return (
    <Section title="Audit legal hold" description="While a hold is in place, the retention purge keeps every audit event of this organization.">
      {msg && <Alert kind={msg.kind}>{msg.text}</Alert>}
      {hold === null && (
        <form onSubmit={place} className="form-narrow">
          <p data-testid="legal-hold-state">No legal hold. Audit events are purged after the deployment's retention period.</p>
          <Field label="Reason for the hold" name="reason" required maxLength={500} hint="For example the case or request that requires the events to be kept." value={reason} onChange={(e) => setReason(e.target.value)} />
          <Button type="submit" busy={busy}>Place legal hold</Button>
        </form>
      )}
      {hold && (
        <div className="stack">
          <p data-testid="legal-hold-state">
            On hold since {formatDate(hold.setAt)}: <q>{hold.reason}</q>
          </p>
          <div>
            <Button variant="danger" busy={busy} onClick={() => void lift()}>Lift legal hold</Button>
          </div>
        </div>
      )}
    </Section>
  );
}
