import { useEffect, useState } from 'react';
import { ApiError, del, get, put } from '../../api/client.ts';
import type { DocumentPolicy, LegalHold } from '../../api/types.ts';
import { Alert, Button, Field, Section, formatDate } from '../../components/ui.tsx';
import { useFormAction } from '../../components/use-form-action.ts';
import { ConfirmDialog, type Confirmation } from './ConfirmDialog.tsx';
import { signalOnboardingChanged } from './onboarding-signal.ts';

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
  const [saved, setSaved] = useState<DocumentPolicy | null>(null);
  const [confirmation, setConfirmation] = useState<Confirmation | null>(null);
  const { busy, error, success, run, onSubmit, fail } = useFormAction();
  const show = (p: DocumentPolicy) => {
    setSaved(p);
    setDays(p.retentionDays === null ? '' : String(p.retentionDays));
    setTag(p.retentionTag ?? '');
    setLoaded(true);
  };
  useEffect(() => {
    get<DocumentPolicy>('/api/v1/document-policy').then(show, fail);
  }, [fail]);
  const policy = () => ({
    retentionDays: days.trim() === '' ? null : Number(days),
    retentionTag: tag.trim() === '' ? null : tag.trim(),
  });
  const save = () =>
    run(async () => {
      show(await put<DocumentPolicy>('/api/v1/document-policy', policy()));
      signalOnboardingChanged();
      return 'Document retention saved.';
    });
  // A policy that would delete documents at once is confirmed first, with how many it would delete.
  const submit = onSubmit(async () => {
    const next = policy();
    const unchanged =
      saved && next.retentionDays === saved.retentionDays && next.retentionTag === (saved.retentionTag ?? null);
    if (next.retentionDays === null || unchanged) return save().then(() => undefined);
    const { documents } = await get<{ documents: number }>('/api/v1/document-policy/retention-preview', {
      retentionDays: String(next.retentionDays),
      retentionTag: next.retentionTag ?? undefined,
    });
    if (documents === 0) return save().then(() => undefined);
    setConfirmation({
      title: 'Delete documents now?',
      consequence: (
        <p data-testid="retention-consequence">
          {documents === 1 ? '1 document is' : `${documents} documents are`} older than {next.retentionDays} days
          {next.retentionTag ? ` and tagged “${next.retentionTag}”` : ''}. Saving this policy deletes{' '}
          {documents === 1 ? 'it' : 'them'} at the next retention run, within the hour. Their encryption keys are
          destroyed: this cannot be undone. Documents under legal hold are kept.
        </p>
      ),
      confirmLabel: `Save and delete ${documents === 1 ? '1 document' : `${documents} documents`}`,
      onConfirm: () => void save(),
    });
  });
  return (
    <Section
      title="Document retention"
      description="Documents are deleted automatically this many days after they were uploaded."
    >
      <Alert>{error}</Alert>
      <Alert kind="success">{success}</Alert>
      {loaded && (
        <form onSubmit={submit} className="form-narrow">
          <Field
            label="Keep documents for (days)"
            name="retentionDays"
            type="number"
            min={1}
            max={36500}
            hint="Leave empty to keep documents until someone deletes them."
            value={days}
            onChange={(e) => setDays(e.target.value)}
          />
          <Field
            label="Only documents tagged"
            name="retentionTag"
            maxLength={50}
            hint="Leave empty to apply retention to every document."
            value={tag}
            onChange={(e) => setTag(e.target.value)}
          />
          <Button type="submit" busy={busy}>
            Save retention
          </Button>
        </form>
      )}
      <ConfirmDialog confirmation={confirmation} onClose={() => setConfirmation(null)} />
    </Section>
  );
}

function AuditLegalHold({ orgId }: { orgId: string }) {
  const url = `/api/v1/orgs/${orgId}/audit/legal-hold`;
  // undefined: still loading; null: no hold.
  const [hold, setHold] = useState<LegalHold | null | undefined>(undefined);
  const [reason, setReason] = useState('');
  const { busy, error, success, run, onSubmit, fail } = useFormAction();
  useEffect(() => {
    get<LegalHold>(url).then(setHold, (err: unknown) => {
      if (err instanceof ApiError && err.status === 404)
        setHold(null); // the API's way of saying "no hold"
      else fail(err);
    });
  }, [url, fail]);
  const place = onSubmit(async () => {
    setHold(await put<LegalHold>(url, { reason: reason.trim() }));
    setReason('');
    return 'Legal hold placed: audit events of this organization will not be purged.';
  });
  const lift = () =>
    run(async () => {
      await del(url);
      setHold(null);
      return 'Legal hold lifted: the retention purge applies again.';
    });
  return (
    <Section
      title="Audit legal hold"
      description="While a hold is in place, the retention purge keeps every audit event of this organization."
    >
      <Alert>{error}</Alert>
      <Alert kind="success">{success}</Alert>
      {hold === null && (
        <form onSubmit={place} className="form-narrow">
          <p data-testid="legal-hold-state">
            No legal hold. Audit events are purged after the deployment's retention period.
          </p>
          <Field
            label="Reason for the hold"
            name="reason"
            required
            maxLength={500}
            hint="For example the case or request that requires the events to be kept."
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
          <Button type="submit" busy={busy}>
            Place legal hold
          </Button>
        </form>
      )}
      {hold && (
        <div className="stack">
          <p data-testid="legal-hold-state">
            On hold since {formatDate(hold.setAt)}: <q>{hold.reason}</q>
          </p>
          <div>
            <Button variant="danger" busy={busy} onClick={() => void lift()}>
              Lift legal hold
            </Button>
          </div>
        </div>
      )}
    </Section>
  );
}
