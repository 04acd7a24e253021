import { useCallback, useEffect, useState } from 'react';
import { post, request } from '../../api/client.ts';
import type { DocumentMeta } from '../../api/types.ts';
import { PdfViewer, type PageGeometry, type PagePoint } from '../../components/PdfViewer.tsx';
import { Alert, Button, Field, SelectField } from '../../components/ui.tsx';
import { useFormAction } from '../../components/use-form-action.ts';
import type { FieldType, NewField, NewRecipient, RecipientRole } from './envelope-types.ts';

/** Default size of a placed field, in PDF points. */
const FIELD_SIZE: Record<FieldType, { width: number; height: number }> = {
  signature: { width: 180, height: 40 },
  initials: { width: 60, height: 30 },
  date: { width: 100, height: 20 },
  text: { width: 160, height: 20 },
  checkbox: { width: 14, height: 14 },
};
const FIELD_TYPES: FieldType[] = ['signature', 'initials', 'date', 'text', 'checkbox'];
const ROLES: RecipientRole[] = ['signer', 'approver', 'viewer'];

/**
 * Prepares and sends an envelope for one PDF of the vault: recipients in order, expiry, and
 * fields placed by clicking on the rendered page (coordinates in PDF points from the page's
 * lower-left corner, as the API takes them).
 */
export function EnvelopeComposer(props: { doc: DocumentMeta; onSent: (title: string) => void; onCancel: () => void }) {
  const { doc } = props;
  const [pdf, setPdf] = useState<ArrayBuffer | null>(null);
  const [title, setTitle] = useState(doc.name.replace(/\.pdf$/i, ''));
  const [message, setMessage] = useState('');
  const [order, setOrder] = useState<'sequential' | 'parallel'>('parallel');
  const [expiresInDays, setExpiresInDays] = useState('30');
  const [recipients, setRecipients] = useState<NewRecipient[]>([{ name: '', email: '', role: 'signer' }]);
  const [fields, setFields] = useState<NewField[]>([]);
  const [placeFor, setPlaceFor] = useState('0');
  const [placeType, setPlaceType] = useState<FieldType>('signature');
  const { busy, error, run, fail } = useFormAction();

  useEffect(() => {
    request('GET', `/api/v1/documents/${doc.id}/content`)
      .then((res) => res.arrayBuffer())
      .then(setPdf, fail);
  }, [doc.id, fail]);

  const actors = recipients.map((r, i) => ({ r, i })).filter(({ r }) => r.role !== 'viewer');
  const label = (i: number) => recipients[i]?.name || `Recipient ${i + 1}`;

  const place = (p: PagePoint) => {
    const who = Number(placeFor);
    if (!recipients[who] || recipients[who].role === 'viewer') return;
    const size = FIELD_SIZE[placeType];
    // The click is the field's centre, kept on the page.
    const x = Math.min(Math.max(0, p.x - size.width / 2), Math.max(0, p.pageWidth - size.width));
    const y = Math.min(Math.max(0, p.y - size.height / 2), Math.max(0, p.pageHeight - size.height));
    setFields((f) => [
      ...f,
      { recipient: who, type: placeType, page: p.page, x: Math.round(x), y: Math.round(y), ...size, required: true },
    ]);
  };

  const overlay = useCallback(
    (g: PageGeometry) =>
      fields
        .filter((f) => f.page === g.page)
        .map((f, i) => (
          <div
            key={i}
            className="pdf-field"
            style={{
              left: `${f.x * g.scale}px`,
              top: `${g.height - (f.y + f.height) * g.scale}px`,
              width: `${f.width * g.scale}px`,
              height: `${f.height * g.scale}px`,
            }}
          >
            {f.type} · {recipients[f.recipient]?.name || `Recipient ${f.recipient + 1}`}
          </div>
        )),
    [fields, recipients],
  );

  const setRecipient = (i: number, patch: Partial<NewRecipient>) =>
    setRecipients((rs) => rs.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const removeRecipient = (i: number) => {
    setRecipients((rs) => rs.filter((_, j) => j !== i));
    // Fields follow their recipient's index.
    setFields((fs) =>
      fs.filter((f) => f.recipient !== i).map((f) => (f.recipient > i ? { ...f, recipient: f.recipient - 1 } : f)),
    );
  };

  const send = () =>
    run(async () => {
      const usable = fields.filter((f) => recipients[f.recipient]?.role !== 'viewer');
      const created = await post<{ id: string }>('/api/v1/envelopes', {
        title: title.trim(),
        documentId: doc.id,
        ...(message.trim() ? { message: message.trim() } : {}),
        order,
        expiresInDays: Number(expiresInDays),
        recipients: recipients.map((r) => ({ name: r.name.trim(), email: r.email.trim(), role: r.role })),
        fields: usable,
      });
      await post(`/api/v1/envelopes/${created.id}/send`);
      props.onSent(title.trim());
    });

  return (
    <div className="envelope-composer" aria-label={`Send ${doc.name} for signature`} role="group">
      <h3>Send {doc.name} for signature</h3>
      <Alert>{error}</Alert>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void send();
        }}
      >
        <Field
          label="Envelope title"
          required
          maxLength={300}
          value={title}
          onChange={(e) => setTitle(e.target.value)}
        />
        <Field
          label="Message to the recipients"
          maxLength={2000}
          value={message}
          onChange={(e) => setMessage(e.target.value)}
        />
        <SelectField
          label="Signing order"
          value={order}
          onChange={(v) => setOrder(v as 'sequential' | 'parallel')}
          options={[
            { value: 'parallel', label: 'Everyone at once' },
            { value: 'sequential', label: 'One after another, in the order listed' },
          ]}
        />
        <Field
          label="Expires after (days)"
          type="number"
          min={1}
          max={90}
          required
          value={expiresInDays}
          onChange={(e) => setExpiresInDays(e.target.value)}
        />
        <fieldset>
          <legend>Recipients</legend>
          {recipients.map((r, i) => (
            <div className="recipient-row" key={i}>
              <Field
                label={`Name of recipient ${i + 1}`}
                required
                maxLength={200}
                value={r.name}
                onChange={(e) => setRecipient(i, { name: e.target.value })}
              />
              <Field
                label={`Email of recipient ${i + 1}`}
                type="email"
                required
                maxLength={254}
                value={r.email}
                onChange={(e) => setRecipient(i, { email: e.target.value })}
              />
              <SelectField
                label={`Role of recipient ${i + 1}`}
                value={r.role}
                onChange={(v) => setRecipient(i, { role: v as RecipientRole })}
                options={ROLES.map((role) => ({ value: role, label: role }))}
              />
              {recipients.length > 1 && (
                <button type="button" className="btn btn-link btn-link-danger" onClick={() => removeRecipient(i)}>
                  Remove recipient {i + 1}
                </button>
              )}
            </div>
          ))}
          {recipients.length < 50 && (
            <Button
              type="button"
              variant="secondary"
              onClick={() => setRecipients((rs) => [...rs, { name: '', email: '', role: 'signer' }])}
            >
              Add recipient
            </Button>
          )}
        </fieldset>
        <fieldset>
          <legend>Fields</legend>
          <p className="hint">Choose whose field and which kind, then click on the page where it goes.</p>
          <div className="recipient-row">
            <SelectField
              label="Field for"
              value={placeFor}
              onChange={setPlaceFor}
              options={actors.map(({ i }) => ({ value: String(i), label: label(i) }))}
            />
            <SelectField
              label="Field type"
              value={placeType}
              onChange={(v) => setPlaceType(v as FieldType)}
              options={FIELD_TYPES.map((t) => ({ value: t, label: t }))}
            />
          </div>
          {fields.length > 0 && (
            <ol className="field-list" aria-label="Placed fields">
              {fields.map((f, i) => (
                <li key={i}>
                  {f.type} for {label(f.recipient)}, page {f.page} at ({f.x}, {f.y}){' '}
                  <button
                    type="button"
                    className="btn btn-link btn-link-danger"
                    onClick={() => setFields((fs) => fs.filter((_, j) => j !== i))}
                  >
                    Remove field {i + 1}
                  </button>
                </li>
              ))}
            </ol>
          )}
        </fieldset>
        <PdfViewer data={pdf} label={`Pages of ${doc.name}`} width={620} overlay={overlay} onPageClick={place} />
        <div className="form-actions">
          <Button type="submit" busy={busy}>
            Send for signature
          </Button>
          <Button type="button" variant="secondary" onClick={props.onCancel}>
            Cancel
          </Button>
        </div>
      </form>
    </div>
  );
}
