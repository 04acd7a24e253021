import type * as Asn1 from 'asn1js';
import { useEffect, useState, type FormEvent } from 'react';
import { get, patch, put } from '../../api/client.ts';
import { downloadFile } from '../../api/download.ts';
import type { ResponseOf } from '../../api/openapi.ts';
import { Alert, Button, Field, Section, formatDate } from '../../components/ui.tsx';
import { useFormAction } from '../../components/use-form-action.ts';
import { ConfirmDialog, type Confirmation } from './ConfirmDialog.tsx';

type SealView = ResponseOf<'/api/v1/signing/certificate', 'get'>;
type SigningSettings = ResponseOf<'/api/v1/signing/settings', 'get'>;
type Names = { subject: string; issuer: string };

/** As /readyz and `chambers doctor`: a seal that ends within 30 days is worth an administrator's attention now. */
const WARNING_DAYS = 30;
const DAY_MS = 86_400_000;
/** The API takes at most 400,000 base64 characters: about 300 KB of file. */
const MAX_FILE_BYTES = 300_000;
const ROOT_PATH = '/api/v1/signing/root-certificate';

const ATTRIBUTE: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.97': 'organizationIdentifier',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

/**
 * The subject and issuer of a PEM certificate, as RFC 4514 strings. The API gives the PEM only;
 * asn1js decodes it (loaded with this page alone, so other pages carry no ASN.1 code), and a
 * value's separators are escaped so that a name cannot pass itself off as several attributes.
 */
async function namesOf(pem: string): Promise<Names> {
  const asn1js = await import('asn1js');
  const der = Uint8Array.from(atob(pem.replace(/-----[^-]+-----|\s/g, '')), (c) => c.charCodeAt(0));
  const { offset, result } = asn1js.fromBER(der);
  if (offset === -1) throw new Error('The seal certificate cannot be read.');
  const children = (b: Asn1.AsnType | undefined): Asn1.AsnType[] =>
    b instanceof asn1js.Constructed ? (b.valueBlock.value as Asn1.AsnType[]) : [];
  let tbs = children(children(result)[0]);
  // TBSCertificate: [0] version (absent for v1), serialNumber, signature, issuer, validity, subject, ...
  if (tbs[0]?.idBlock.tagClass === 3) tbs = tbs.slice(1);
  const name = (n: Asn1.AsnType | undefined) =>
    children(n)
      .flatMap((rdn) => children(rdn))
      .map((atv) => {
        const [type, value] = children(atv);
        const key = type instanceof asn1js.ObjectIdentifier ? type.getValue() : '?';
        const text = value instanceof asn1js.BaseStringBlock ? value.getValue() : '#';
        return `${ATTRIBUTE[key] ?? key}=${text.replace(/([,+"\\<>;=])/g, '\\$1')}`;
      })
      .reverse()
      .join(', ');
  return { issuer: name(tbs[2]), subject: name(tbs[4]) };
}

function base64Of(bytes: Uint8Array): string {
  let binary = '';
  // In slices: String.fromCharCode over a whole file would exceed the argument limit.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function Expiry({ notAfter }: { notAfter: string }) {
  const daysLeft = Math.floor((Date.parse(notAfter) - Date.now()) / DAY_MS);
  if (daysLeft < 0)
    return (
      <Alert kind="error">
        This seal certificate ended on {formatDate(notAfter)}. Upload a new one below: documents sealed with an expired
        certificate are not trusted by PDF readers.
      </Alert>
    );
  if (daysLeft > WARNING_DAYS) return null;
  return (
    <Alert kind="warning">
      This seal certificate ends in {daysLeft === 0 ? 'less than a day' : `${daysLeft} days`} ({formatDate(notAfter)}).
      Upload a renewed certificate below before then.
    </Alert>
  );
}

/** The organization's seal: which certificate seals signed documents, its root for trust stores, and the B-B fallback. */
export function SealCertificate() {
  const [seal, setSeal] = useState<SealView | null>(null);
  const [names, setNames] = useState<Names | null>(null);
  const [settings, setSettings] = useState<SigningSettings | null>(null);
  const [file, setFile] = useState<File | null>(null);
  // A file input cannot be set, only replaced: a new key after an upload clears it.
  const [fileInput, setFileInput] = useState(0);
  const [password, setPassword] = useState('');
  const [confirmation, setConfirmation] = useState<Confirmation | null>(null);
  const page = useFormAction();
  const upload = useFormAction();
  const { fail } = page;

  useEffect(() => {
    get<SealView>('/api/v1/signing/certificate').then(setSeal, fail);
    get<SigningSettings>('/api/v1/signing/settings').then(setSettings, fail);
  }, [fail]);
  useEffect(() => {
    if (!seal) return;
    let current = true;
    namesOf(seal.certificatePem).then((n) => current && setNames(n), fail);
    return () => {
      current = false;
    };
  }, [seal, fail]);

  const downloadRoot = (e: FormEvent) => {
    e.preventDefault();
    void page.run(async () => {
      await downloadFile(ROOT_PATH, 'chambers-seal-root.pem');
    });
  };

  const submit = upload.onSubmit(async () => {
    if (!file) throw new Error('Choose a PKCS#12 file (.p12 or .pfx).');
    if (file.size > MAX_FILE_BYTES) throw new Error('This file is too large for a PKCS#12 seal certificate.');
    const pkcs12 = base64Of(new Uint8Array(await file.arrayBuffer()));
    const made = await put<SealView>('/api/v1/signing/certificate', { pkcs12, password });
    setNames(null); // not the old names under the new certificate while it is decoded
    setSeal(made);
    setFile(null);
    setFileInput((n) => n + 1);
    setPassword('');
    return 'Seal certificate replaced: documents are sealed with it from now on.';
  });

  const saveBaselineB = (allowBaselineB: boolean) => {
    void page.run(async () => {
      setSettings(await patch<SigningSettings>('/api/v1/signing/settings', { allowBaselineB }));
      return allowBaselineB
        ? 'Seals without a timestamp are allowed when every time-stamp server fails.'
        : 'Sealing waits for a time-stamp server again.';
    });
  };
  const toggleBaselineB = (on: boolean) => {
    // Turning it off only makes sealing wait: no question. Turning it on weakens every seal made meanwhile.
    if (!on) {
      saveBaselineB(false);
      return;
    }
    setConfirmation({
      title: 'Allow seals without a timestamp?',
      consequence: (
        <p>
          When every time-stamp server fails, documents will be sealed at once (PAdES B-B) instead of waiting. Those
          seals carry no trusted time: the signing time is only our server&apos;s claim, and once the seal certificate
          expires or is revoked no one can prove the document was sealed while it was valid.
        </p>
      ),
      confirmLabel: 'Allow seals without a timestamp',
      onConfirm: () => saveBaselineB(true),
    });
  };

  if (!seal || !settings) return page.error ? <Alert>{page.error}</Alert> : null;
  return (
    <div className="stack">
      <Alert>{page.error}</Alert>
      <Alert kind="success">{page.success}</Alert>
      <Section
        title="Seal certificate"
        description="Every completed envelope is sealed once with this certificate, so that anyone can check the file was not changed."
      >
        <Expiry notAfter={seal.notAfter} />
        <dl className="facts" data-testid="seal-certificate">
          <div>
            <dt>Subject</dt>
            <dd>{names?.subject ?? '…'}</dd>
          </div>
          <div>
            <dt>Issuer</dt>
            <dd>{names?.issuer ?? '…'}</dd>
          </div>
          <div>
            <dt>Valid until</dt>
            <dd>{formatDate(seal.notAfter)}</dd>
          </div>
          <div>
            <dt>SHA-256 fingerprint</dt>
            <dd>
              <code className="mono-cell">{seal.fingerprintSha256}</code>
            </dd>
          </div>
        </dl>
        <p>
          <a href={ROOT_PATH} download="chambers-seal-root.pem" onClick={downloadRoot}>
            Download root certificate
          </a>
        </p>
        <p className="hint">
          PDF readers show the seal as trusted once this root is in their trust store (a CA&apos;s root may already be
          there): the README, under “Electronic signature”, gives the steps for Adobe Acrobat, Windows and macOS.
        </p>
      </Section>

      <Section
        title="Use a CA-issued certificate"
        description="Replace the seal with a certificate from a certification authority: a PKCS#12 file (.p12 or .pfx) holding the certificate, its chain and its private key."
      >
        <Alert>{upload.error}</Alert>
        <Alert kind="success">{upload.success}</Alert>
        <form onSubmit={submit} className="form-narrow" aria-label="Upload a seal certificate">
          <Field
            label="PKCS#12 file"
            name="pkcs12"
            type="file"
            accept=".p12,.pfx,application/x-pkcs12"
            required
            key={fileInput}
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
          <Field
            label="File password"
            name="password"
            type="password"
            autoComplete="off"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <Button type="submit" busy={upload.busy}>
            Upload certificate
          </Button>
        </form>
      </Section>

      <Section
        title="When time-stamp servers fail"
        description="A seal carries a timestamp from a time-stamp server (PAdES B-T). By default, when none answers, sealing waits and retries."
      >
        <div className="checkbox">
          <input
            id="allow-baseline-b"
            type="checkbox"
            role="switch"
            checked={settings.allowBaselineB}
            disabled={page.busy}
            onChange={(e) => toggleBaselineB(e.target.checked)}
          />
          <label htmlFor="allow-baseline-b">
            Allow seals without a timestamp (B-B) when every time-stamp server fails
          </label>
        </div>
      </Section>
      <ConfirmDialog confirmation={confirmation} onClose={() => setConfirmation(null)} />
    </div>
  );
}
