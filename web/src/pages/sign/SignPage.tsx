import { useCallback, useEffect, useState } from 'react';
import { useParams } from 'react-router';
import { Alert, Brand, Button, Field, Section, Spinner } from '../../components/ui.tsx';
import { PdfViewer, type PageGeometry } from '../../components/PdfViewer.tsx';
import { SignaturePad } from './SignaturePad.tsx';
import { SignerError, signerApi, signerMessage, type SignerField, type SignerView } from './signer-api.ts';
import './sign.css';

type Outcome = 'signed' | 'declined' | null;

const FIELD_LABEL: Record<SignerField['type'], string> = {
  signature: 'Signature',
  initials: 'Initials',
  date: 'Date',
  text: 'Text',
  checkbox: 'Checkbox',
};

/**
 * The public signer page at /sign/<token>: no account, the link is the credential. The
 * person sees the PDF (pdf.js), reads and accepts the disclosure, fills their fields and
 * signs with a typed name or a drawing, or declines with a reason. Every step is recorded
 * by the server with its time, IP and browser.
 */
export default function SignPage() {
  const { token = '' } = useParams();
  const [view, setView] = useState<SignerView | null>(null);
  const [pdf, setPdf] = useState<ArrayBuffer | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome>(null);

  useEffect(() => {
    let live = true;
    // Both at once: the document does not need the view. Each is shown as soon as it arrives.
    Promise.all([
      signerApi.view(token).then((v) => live && setView(v)),
      signerApi.document(token).then((bytes) => live && setPdf(bytes)),
    ]).catch((err: unknown) => {
      if (live) setLoadError(signerMessage(err));
    });
    return () => {
      live = false;
    };
  }, [token]);

  const overlay = useCallback(
    (g: PageGeometry) =>
      view?.fields
        .filter((f) => f.page === g.page)
        .map((f) => (
          <div
            key={f.id}
            className="pdf-field"
            style={{
              left: `${f.x * g.scale}px`,
              top: `${g.height - (f.y + f.height) * g.scale}px`,
              width: `${f.width * g.scale}px`,
              height: `${f.height * g.scale}px`,
            }}
          >
            {FIELD_LABEL[f.type]}
            {f.required ? ' *' : ''}
          </div>
        )),
    [view],
  );

  return (
    <div className="public-page">
      <header>
        <Brand />
        <span className="muted">Secure electronic signature</span>
      </header>
      <main aria-labelledby="sign-title">
        {loadError ? (
          <>
            <h1 id="sign-title">Signing link</h1>
            <Alert>{loadError}</Alert>
          </>
        ) : !view ? (
          <>
            <h1 id="sign-title">Signing link</h1>
            <Spinner label="Opening the document" />
          </>
        ) : (
          <>
            <h1 id="sign-title">{view.envelope.title}</h1>
            <p className="subtitle">
              {view.envelope.organization} sent this document to {view.recipient.name} ({view.recipient.email}).
            </p>
            {view.envelope.message && <p className="muted">Message from the sender: {view.envelope.message}</p>}
            <div className="sign-layout">
              <PdfViewer data={pdf} label={`Document: ${view.envelope.title}`} width={680} overlay={overlay} />
              <div className="stack">
                {outcome === 'signed' && (
                  <Alert kind="success">
                    Thank you. Your {view.recipient.role === 'approver' ? 'approval' : 'signature'} is recorded. The
                    sender receives the sealed document once everyone has signed.
                  </Alert>
                )}
                {outcome === 'declined' && (
                  <Alert kind="info">You declined to sign. The sender has been informed.</Alert>
                )}
                {!outcome && <SignerActions token={token} view={view} onDone={setOutcome} onConsent={setView} />}
              </div>
            </div>
          </>
        )}
      </main>
    </div>
  );
}

function SignerActions(props: {
  token: string;
  view: SignerView;
  onDone: (o: Outcome) => void;
  onConsent: (v: SignerView) => void;
}) {
  const { token, view } = props;
  const [agreed, setAgreed] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const attempt = async (fn: () => Promise<void>) => {
    setError(null);
    setBusy(true);
    try {
      await fn();
    } catch (err) {
      setError(signerMessage(err));
    } finally {
      setBusy(false);
    }
  };

  if (view.recipient.role === 'viewer')
    return (
      <Section title="For your information" description="You receive a copy of this document.">
        <p>No action is needed from you.</p>
      </Section>
    );

  if (!view.consented)
    return (
      <Section title="Electronic records disclosure" description={`Version ${view.disclosure.version}`}>
        <Alert>{error}</Alert>
        <div className="disclosure-text" tabIndex={0} role="document" aria-label="Disclosure text">
          {view.disclosure.text}
        </div>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void attempt(async () => {
              await signerApi.consent(token, view.disclosure.version);
              props.onConsent({ ...view, consented: true });
            });
          }}
        >
          <div className="checkbox">
            <input id="consent" type="checkbox" checked={agreed} onChange={(e) => setAgreed(e.target.checked)} />
            <label htmlFor="consent">I have read the disclosure and agree to sign electronically</label>
          </div>
          <Button type="submit" busy={busy} disabled={!agreed}>
            Continue
          </Button>
        </form>
        <DeclineForm token={token} onDeclined={() => props.onDone('declined')} />
      </Section>
    );

  return (
    <SignForm
      token={token}
      view={view}
      error={error}
      busy={busy}
      attempt={attempt}
      onSigned={() => props.onDone('signed')}
      onDeclined={() => props.onDone('declined')}
    />
  );
}

function SignForm(props: {
  token: string;
  view: SignerView;
  error: string | null;
  busy: boolean;
  attempt: (fn: () => Promise<void>) => Promise<void>;
  onSigned: () => void;
  onDeclined: () => void;
}) {
  const { token, view } = props;
  const signer = view.recipient.role === 'signer';
  const [values, setValues] = useState<Record<string, string | boolean>>({});
  const [kind, setKind] = useState<'typed' | 'drawn'>('typed');
  const [typed, setTyped] = useState(view.recipient.name);
  const [drawn, setDrawn] = useState<string | null>(null);
  const inputs = view.fields.filter((f) => f.type === 'text' || f.type === 'checkbox');

  const submit = () =>
    props.attempt(async () => {
      const signature = signer || kind === 'drawn' ? signatureOf() : undefined;
      await signerApi.complete(token, {
        fields: inputs
          .filter((f) => values[f.id] !== undefined && values[f.id] !== '')
          .map((f) => ({ id: f.id, value: values[f.id]! })),
        ...(signature ? { signature } : {}),
      });
      props.onSigned();
    });
  const signatureOf = () => {
    if (kind === 'drawn') {
      if (!drawn) throw new SignerError(422, 'SIGNATURE_REQUIRED');
      return { kind: 'drawn' as const, value: drawn };
    }
    if (!typed.trim()) throw new SignerError(422, 'SIGNATURE_REQUIRED');
    return { kind: 'typed' as const, value: typed.trim() };
  };

  return (
    <Section
      title={signer ? 'Sign the document' : 'Approve the document'}
      description="Fields marked * on the document are required. The date fills itself in."
    >
      <Alert>{props.error}</Alert>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        {inputs.map((f, i) =>
          f.type === 'checkbox' ? (
            <div className="checkbox" key={f.id}>
              <input
                id={`field-${f.id}`}
                type="checkbox"
                checked={values[f.id] === true}
                onChange={(e) => setValues({ ...values, [f.id]: e.target.checked })}
              />
              <label htmlFor={`field-${f.id}`}>
                Checkbox {i + 1} (page {f.page}){f.required ? ' *' : ''}
              </label>
            </div>
          ) : (
            <Field
              key={f.id}
              label={`Text field ${i + 1} (page ${f.page})${f.required ? ' *' : ''}`}
              required={f.required}
              maxLength={500}
              value={String(values[f.id] ?? '')}
              onChange={(e) => setValues({ ...values, [f.id]: e.target.value })}
            />
          ),
        )}
        {signer && (
          <fieldset>
            <legend>Your signature</legend>
            <div className="checkbox">
              <input
                id="sig-typed"
                type="radio"
                name="sig-kind"
                checked={kind === 'typed'}
                onChange={() => setKind('typed')}
              />
              <label htmlFor="sig-typed">Type my name</label>
            </div>
            <div className="checkbox">
              <input
                id="sig-drawn"
                type="radio"
                name="sig-kind"
                checked={kind === 'drawn'}
                onChange={() => setKind('drawn')}
              />
              <label htmlFor="sig-drawn">Draw my signature</label>
            </div>
            {kind === 'typed' ? (
              <Field
                label="Full name as signature"
                autoComplete="name"
                maxLength={200}
                value={typed}
                onChange={(e) => setTyped(e.target.value)}
              />
            ) : (
              <SignaturePad label="Signature drawing area" onChange={setDrawn} />
            )}
          </fieldset>
        )}
        <Button type="submit" busy={props.busy}>
          {signer ? 'Sign the document' : 'Approve the document'}
        </Button>
      </form>
      <DeclineForm token={token} onDeclined={props.onDeclined} />
    </Section>
  );
}

function DeclineForm({ token, onDeclined }: { token: string; onDeclined: () => void }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <details className="decline">
      <summary>Decline to sign</summary>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          signerApi
            .decline(token, reason.trim())
            .then(onDeclined, (err: unknown) => setError(signerMessage(err)))
            .finally(() => setBusy(false));
        }}
      >
        <Alert>{error}</Alert>
        <div className="field">
          <label htmlFor="decline-reason">Reason for declining</label>
          <textarea
            id="decline-reason"
            required
            maxLength={1000}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
        </div>
        <Button type="submit" variant="danger" busy={busy} disabled={!reason.trim()}>
          Decline
        </Button>
      </form>
    </details>
  );
}
