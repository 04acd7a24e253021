import { useState } from 'react';
import { useParams } from 'react-router';
import { AuthCard, Alert, Button, Field, formatBytes } from '../../components/ui.tsx';
import { useFormAction } from '../../components/use-form-action.ts';

type Fetched = {
  name: string;
  size: number;
  blob: Blob;
  /** Who shared it and until when the link works, as the server states them (absent from older servers). */
  sharedBy: string | null;
  expiresAt: Date | null;
};

/** "Alice Smith (Harbour & Vale LLP)" from the percent-encoded headers, or null. */
function sharerOf(res: Response): string | null {
  const decode = (v: string | null) => (v ? decodeURIComponent(v) : '');
  const name = decode(res.headers.get('x-shared-by'));
  const org = decode(res.headers.get('x-shared-by-organization'));
  if (!name) return null;
  return org ? `${name} (${org})` : name;
}

/**
 * The public page of a share link, for people without an account. The bytes
 * stay at GET /s/<token> (the API route); this page fetches them, so a passcode
 * can be asked for and an expired link explained instead of a bare 404.
 */
export default function SharePage() {
  const { token = '' } = useParams();
  const [passcode, setPasscode] = useState('');
  const [needsPasscode, setNeedsPasscode] = useState(false);
  const [file, setFile] = useState<Fetched | null>(null);
  const { busy, error, onSubmit } = useFormAction();

  // Not the API client: this page is for people without a session, and /s/ answers bytes, not JSON.
  const fetchFile = onSubmit(async () => {
    // A passcode travels in a POST body, never in the URL (logs, history).
    const url = `/s/${encodeURIComponent(token)}`;
    const res = passcode
      ? await fetch(url, {
          method: 'POST',
          credentials: 'omit',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ passcode }),
        })
      : await fetch(url, { credentials: 'omit' });
    if (res.status === 404 || res.status === 410)
      throw new Error('This link has expired or was revoked. Ask the sender for a new one.');
    if (res.status === 401) {
      setNeedsPasscode(true);
      throw new Error(passcode ? 'That passcode is not right.' : 'This document is protected by a passcode.');
    }
    if (res.status === 423 || res.status === 429)
      throw new Error('Too many attempts. The link is locked; ask the sender for a new one.');
    if (!res.ok) throw new Error('The document could not be opened. Try again later.');
    const disposition = res.headers.get('content-disposition') ?? '';
    const name = decodeURIComponent(
      /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1] ??
        /filename="?([^";]+)"?/i.exec(disposition)?.[1] ??
        'document',
    );
    const blob = await res.blob();
    const expires = res.headers.get('x-share-expires-at');
    setFile({ name, size: blob.size, blob, sharedBy: sharerOf(res), expiresAt: expires ? new Date(expires) : null });
  });
  const save = () => {
    if (!file) return;
    const url = URL.createObjectURL(file.blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = file.name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };

  return (
    <AuthCard
      title="A document was shared with you"
      subtitle="Shared securely through Chambers. The link expires automatically."
    >
      <Alert>{error}</Alert>
      {file ? (
        <div className="shared-file">
          <p>
            <strong className="doc-name" data-testid="shared-name">
              {file.name}
            </strong>{' '}
            <span className="muted">· {formatBytes(file.size)}</span>
          </p>
          {(file.sharedBy || file.expiresAt) && (
            <p data-testid="shared-by">
              {file.sharedBy && <>Shared by {file.sharedBy}. </>}
              {file.expiresAt && <>This link works until {file.expiresAt.toLocaleString()}.</>}
            </p>
          )}
          <Button className="btn btn-primary btn-block" onClick={save}>
            Download
          </Button>
        </div>
      ) : (
        <form onSubmit={fetchFile}>
          {needsPasscode && (
            <Field
              label="Passcode"
              name="passcode"
              type="password"
              autoComplete="off"
              required
              value={passcode}
              onChange={(e) => setPasscode(e.target.value)}
            />
          )}
          <Button type="submit" busy={busy} className="btn btn-primary btn-block">
            Open document
          </Button>
        </form>
      )}
    </AuthCard>
  );
}
