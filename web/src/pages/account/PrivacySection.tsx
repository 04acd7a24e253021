import { useEffect, useRef, useState } from 'react';
import { api, post } from '../../api/client.ts';
import { downloadFile } from '../../api/download.ts';
import { Alert, Button, Field, Section } from '../../components/ui.tsx';
import { useFormAction } from '../../components/use-form-action.ts';
import { useSession } from '../../session/session.tsx';

/** Narrow types of the privacy endpoints (API.md "Privacy"). */
type ExportStatus = {
  status: 'pending' | 'ready' | 'expired' | 'failed';
  downloadUrl?: string;
  expiresAt: string;
  files?: number;
  bytes?: number;
};
type Erased = { status: 'erased'; held: { kind: 'audit_log'; orgId: string }[] };

const PHRASE = 'DELETE MY ACCOUNT';

/** "Download my data" and "Delete my account": the person's GDPR rights, on their account page. */
export function PrivacySection() {
  return (
    <>
      <DownloadMyData />
      <DeleteMyAccount />
    </>
  );
}

function DownloadMyData() {
  const [exportId, setExportId] = useState<string | null>(null);
  const [state, setState] = useState<ExportStatus | null>(null);
  const { busy, error, success, run } = useFormAction();
  const timer = useRef<number | undefined>(undefined);

  useEffect(() => {
    if (!exportId) return;
    let stopped = false;
    const poll = async () => {
      const s = await api<ExportStatus>('GET', `/api/v1/me/exports/${exportId}`).catch(() => null);
      if (stopped || !s) return;
      setState(s);
      if (s.status === 'pending') timer.current = window.setTimeout(() => void poll(), 1000);
    };
    void poll();
    return () => {
      stopped = true;
      window.clearTimeout(timer.current);
    };
  }, [exportId]);

  const start = () =>
    run(async () => {
      setState(null);
      const { id } = await post<{ id: string }>('/api/v1/me/export');
      setExportId(id);
    });

  const fetchArchive = () =>
    run(async () => {
      // Each look mints a fresh single-use link; take the newest one and use it at once.
      const fresh = await api<ExportStatus>('GET', `/api/v1/me/exports/${exportId}`);
      setState(fresh);
      if (!fresh.downloadUrl) throw new Error('The archive is no longer available: ask for a new one.');
      const u = new URL(fresh.downloadUrl);
      await downloadFile(u.pathname, 'chambers-my-data.zip', Object.fromEntries(u.searchParams));
      setState({ ...fresh, status: 'expired', downloadUrl: undefined });
      return 'Downloaded. The archive was deleted from Chambers as it was handed over.';
    });

  return (
    <Section
      title="Download my data"
      description="An archive (ZIP) of everything Chambers holds about you: your profile, memberships, sessions, security events, share links, signing and AI usage, and the files you uploaded. The link works once, for 24 hours."
    >
      <Alert>{error}</Alert>
      <Alert kind="success">{success}</Alert>
      {state?.status === 'pending' && (
        <p role="status" aria-live="polite">
          <progress aria-label="Preparing your archive" /> Preparing your archive…
        </p>
      )}
      {state?.status === 'ready' && (
        <p role="status" aria-live="polite">
          Your archive is ready{state.files !== undefined ? ` (${state.files} files)` : ''}. Available until{' '}
          {new Date(state.expiresAt).toLocaleString()}.
        </p>
      )}
      {state?.status === 'failed' && <Alert>The archive could not be built. Try again.</Alert>}
      <div className="row">
        {state?.status === 'ready' ? (
          <Button onClick={() => void fetchArchive()} busy={busy}>
            Download archive
          </Button>
        ) : (
          <Button onClick={() => void start()} busy={busy || state?.status === 'pending'} variant="secondary">
            Download my data
          </Button>
        )}
      </div>
    </Section>
  );
}

function DeleteMyAccount() {
  const { signOut } = useSession();
  const [password, setPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [held, setHeld] = useState<Erased['held'] | null>(null);
  const { busy, error, onSubmit } = useFormAction();
  const submit = onSubmit(async () => {
    const res = await api<Erased>('DELETE', '/api/v1/me', { body: { password, confirmation } });
    setHeld(res.held);
    await signOut('user', true);
  });
  return (
    <Section
      title="Delete my account"
      description="Every session ends at once and your personal data is erased. Records your organizations must keep (matters, filed documents, signing evidence) stay under a pseudonym. This cannot be undone."
    >
      <Alert>{error}</Alert>
      {held && held.length > 0 && (
        <Alert kind="warning">
          A legal hold keeps the audit records of {held.length} organization(s) readable until it is lifted.
        </Alert>
      )}
      <form onSubmit={submit} className="form-narrow">
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <Field
          label={`Type ${PHRASE} to confirm`}
          name="confirmation"
          autoComplete="off"
          required
          value={confirmation}
          onChange={(e) => setConfirmation(e.target.value)}
        />
        <Button type="submit" variant="danger" busy={busy} disabled={confirmation !== PHRASE}>
          Delete my account
        </Button>
      </form>
    </Section>
  );
}
