import { useCallback, useEffect, useState } from 'react';
import { api, post } from '../../api/client.ts';
import { downloadFile } from '../../api/download.ts';
import type { DocumentMeta } from '../../api/types.ts';
import { Alert, Empty, Section, formatDate } from '../../components/ui.tsx';
import { useFormAction } from '../../components/use-form-action.ts';
import { EnvelopeComposer } from './EnvelopeComposer.tsx';
import type { Envelope, EnvelopeList } from './envelope-types.ts';
import './envelopes.css';

/** How often the list refreshes while an envelope is still out for signature. */
const POLL_MS = 5_000;

const STATUS_BADGE: Record<Envelope['status'], string> = {
  draft: 'badge',
  sent: 'badge badge-warn',
  completed: 'badge badge-ok',
  declined: 'badge badge-bad',
  voided: 'badge badge-bad',
  expired: 'badge badge-bad',
};

/** What the sender sees of an envelope's state: "sealing delayed" while no time-stamp authority answers. */
function statusText(e: Envelope): string {
  if (e.status === 'sent' && e.sealing === 'delayed') return 'sealing delayed';
  if (e.status === 'sent' && e.sealing === 'pending') return 'sealing';
  return e.status;
}

/**
 * Electronic signature on the matter page: "Send for signature" on each PDF of the matter,
 * and the envelopes of the matter's documents with their status, the sealed file once
 * completed, and void while open.
 */
export function EnvelopesPanel({ documents, canWrite }: { documents: DocumentMeta[] | null; canWrite: boolean }) {
  const [all, setAll] = useState<Envelope[] | null>(null);
  const [composing, setComposing] = useState<DocumentMeta | null>(null);
  const { error, success, run, fail, succeed } = useFormAction();

  // The list is read while the page still loads its documents (null until then): it does not need them.
  const load = useCallback(async (background = false) => {
    setAll((await api<EnvelopeList>('GET', '/api/v1/envelopes', { background })).envelopes);
  }, []);
  useEffect(() => {
    load().catch(fail);
  }, [load, fail]);
  const mine = new Set((documents ?? []).map((d) => d.id));
  const envelopes = documents && all ? all.filter((e) => mine.has(e.documentId)) : null;
  const open = envelopes?.some((e) => e.status === 'sent') ?? false;
  useEffect(() => {
    if (!open) return;
    const timer = setInterval(() => void load(true).catch(() => undefined), POLL_MS);
    return () => clearInterval(timer);
  }, [open, load]);

  if (!documents) return null;
  const pdfs = documents.filter((d) => d.contentType === 'application/pdf');
  const nameOf = (id: string) => documents.find((d) => d.id === id)?.name ?? 'document';

  return (
    <Section
      title="Signatures"
      description="Send a PDF for electronic signature. The completed file is sealed with your organization's certificate and carries its evidence inside."
    >
      <Alert>{error}</Alert>
      <Alert kind="success">{success}</Alert>
      {canWrite && !composing && pdfs.length > 0 && (
        <div className="envelope-actions">
          {pdfs.map((d) => (
            <button key={d.id} type="button" className="btn btn-secondary" onClick={() => setComposing(d)}>
              Send {d.name} for signature
            </button>
          ))}
        </div>
      )}
      {canWrite && pdfs.length === 0 && <p className="hint">Upload a PDF to send it for signature.</p>}
      {composing && (
        <EnvelopeComposer
          doc={composing}
          onCancel={() => setComposing(null)}
          onSent={(title) => {
            setComposing(null);
            succeed(`${title} sent for signature.`);
            void load();
          }}
        />
      )}
      {envelopes && envelopes.length === 0 && <Empty>No envelopes for this matter yet.</Empty>}
      {envelopes && envelopes.length > 0 && (
        <table className="table">
          <caption className="sr-only">Envelopes</caption>
          <thead>
            <tr>
              <th scope="col">Envelope</th>
              <th scope="col">Status</th>
              <th scope="col">Recipients</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {envelopes.map((e) => (
              <tr key={e.id} data-envelope={e.title}>
                <td>
                  {e.title}
                  <br />
                  <span className="muted">
                    {nameOf(e.documentId)} · {formatDate(e.createdAt)}
                  </span>
                </td>
                <td>
                  <span className={STATUS_BADGE[e.status]} data-testid="envelope-status">
                    {statusText(e)}
                  </span>
                </td>
                <td>
                  <ul className="plain-list">
                    {e.recipients.map((r) => (
                      <li key={r.id}>
                        {r.name} ({r.role}): {r.status}
                        {r.declineReason ? ` — “${r.declineReason}”` : ''}
                      </li>
                    ))}
                  </ul>
                </td>
                <td className="actions">
                  {e.status === 'completed' && (
                    <button
                      type="button"
                      className="btn btn-link"
                      onClick={() =>
                        void run(() => downloadFile(`/api/v1/envelopes/${e.id}/document`, `${e.title} (sealed).pdf`))
                      }
                    >
                      Download sealed PDF of {e.title}
                    </button>
                  )}
                  {canWrite && (e.status === 'sent' || e.status === 'draft') && !e.sealing && (
                    <button
                      type="button"
                      className="btn btn-link btn-link-danger"
                      onClick={() =>
                        void run(async () => {
                          const reason = window.prompt(`Void ${e.title}? Every signing link stops working. Reason:`);
                          if (!reason?.trim()) return;
                          await post(`/api/v1/envelopes/${e.id}/void`, { reason: reason.trim() });
                          await load();
                          return `${e.title} voided.`;
                        })
                      }
                    >
                      Void {e.title}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}
