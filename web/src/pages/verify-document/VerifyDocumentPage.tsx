import { useState, type FormEvent } from 'react';
import { Alert, Brand, Button, Section } from '../../components/ui.tsx';
import '../sign/sign.css';

type Verdict = {
  verdict: 'valid' | 'invalid';
  reasons: string[];
  signedAt: string | null;
  sealedBy: { subject: string; fingerprintSha256: string } | null;
  timestamp: { genTime: string; tsa: string } | null;
  envelopeId: string | null;
  knownToChambers: boolean;
};

/** Each reason code of POST /api/v1/verify in plain words. */
const REASONS: Record<string, string> = {
  NOT_A_PDF: 'The file is not a PDF.',
  NOT_SIGNED: 'The PDF carries no digital signature.',
  BYTERANGE_INVALID: 'The signature does not cover the whole file.',
  MODIFIED_AFTER_SIGNING: 'Something was added to the file after it was signed.',
  CONTENTS_PADDING_TAMPERED: 'The signature container was altered.',
  SUBFILTER_UNSUPPORTED: 'The signature is not a PAdES (ETSI.CAdES.detached) signature.',
  CMS_MALFORMED: 'The signature cannot be read.',
  DIGEST_MISMATCH: 'The document was changed after it was signed.',
  SIGNATURE_INVALID: 'The cryptographic signature does not verify.',
  CHAIN_UNTRUSTED: 'The signing certificate does not chain to a seal certificate of this Chambers.',
  TIMESTAMP_IMPRINT_MISMATCH: 'The time-stamp belongs to another signature.',
  TIMESTAMP_INVALID: 'The time-stamp token does not verify.',
};

const fmt = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'long' });

/**
 * The public verification page (/verify-document; /verify is the email verification page):
 * anyone uploads a PDF and reads Chambers' one strict verdict with its reasons.
 */
export default function VerifyDocumentPage() {
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<Verdict | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const body = new FormData();
      body.append('file', file);
      // No account needed and none used: no cookies go with the file.
      const res = await fetch('/api/v1/verify', { method: 'POST', body, credentials: 'omit' });
      if (res.status === 413) throw new Error('The file is too large to verify here (50 MB at most).');
      if (res.status === 429) throw new Error('Too many verifications. Wait a minute and try again.');
      if (!res.ok) throw new Error('The file could not be verified. Try again later.');
      setResult((await res.json()) as Verdict);
    } catch (err) {
      setError(err instanceof Error ? err.message : 'The file could not be verified.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="public-page">
      <header>
        <Brand />
      </header>
      <main className="stack" aria-labelledby="verify-title">
        <div>
          <h1 id="verify-title">Verify a sealed document</h1>
          <p className="subtitle">
            Check that a PDF sealed by Chambers is intact: the seal covers the whole file, nothing was changed or added
            after sealing, and the certificate and time-stamp hold. The file is checked and not kept.
          </p>
        </div>
        <Section title="Choose a PDF">
          <form onSubmit={(e) => void submit(e)}>
            <div className="field">
              <label htmlFor="verify-file">PDF file</label>
              <input
                id="verify-file"
                type="file"
                accept="application/pdf,.pdf"
                onChange={(e) => setFile(e.target.files?.[0] ?? null)}
              />
            </div>
            <Button type="submit" busy={busy} disabled={!file}>
              Verify
            </Button>
          </form>
        </Section>
        <Alert>{error}</Alert>
        {result && <VerdictView result={result} />}
      </main>
    </div>
  );
}

function VerdictView({ result }: { result: Verdict }) {
  const valid = result.verdict === 'valid';
  return (
    <Section title={valid ? 'Valid: the document is intact' : 'Invalid: do not rely on this document'}>
      <p data-testid="verdict">
        <span className={`badge ${valid ? 'badge-ok' : 'badge-bad'}`}>{valid ? 'valid' : 'invalid'}</span>
        {result.knownToChambers && <span className="badge">sealed by this Chambers</span>}
      </p>
      {result.reasons.length > 0 && (
        <>
          <h3>Reasons</h3>
          <ul className="verdict-list">
            {result.reasons.map((r) => (
              <li key={r}>
                {REASONS[r] ?? r} <code>{r}</code>
              </li>
            ))}
          </ul>
        </>
      )}
      <dl>
        {result.sealedBy && (
          <>
            <dt>Sealed by</dt>
            <dd>
              {result.sealedBy.subject} <code className="mono-cell">{result.sealedBy.fingerprintSha256}</code>
            </dd>
          </>
        )}
        {result.signedAt && (
          <>
            <dt>Signed at (by the signer&apos;s clock)</dt>
            <dd>{fmt(result.signedAt)}</dd>
          </>
        )}
        <dt>Time-stamp</dt>
        <dd>{result.timestamp ? `${fmt(result.timestamp.genTime)} by ${result.timestamp.tsa}` : 'none'}</dd>
        {result.envelopeId && (
          <>
            <dt>Envelope</dt>
            <dd>
              <code>{result.envelopeId}</code>
            </dd>
          </>
        )}
      </dl>
    </Section>
  );
}
