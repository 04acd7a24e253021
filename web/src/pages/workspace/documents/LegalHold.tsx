import { useState } from 'react';
import { put } from '../../../api/client.ts';
import type { DocumentMeta, Matter } from '../../../api/types.ts';
import { Alert, Button, Section } from '../../../components/ui.tsx';
import { useFormAction } from '../../../components/use-form-action.ts';
import { ConfirmDialog, type Confirmation } from '../../admin/ConfirmDialog.tsx';

/** "Legal hold" beside a held document's name, for everyone who sees the list. */
export function HoldBadge({ doc }: { doc: DocumentMeta }) {
  return doc.legalHold ? <span className="badge badge-warn">Legal hold</span> : null;
}

/**
 * The legal hold of a whole matter: shown to everyone when set, placed and lifted by an
 * org_admin (the server asks for a fresh second factor). Lifting is confirmed first, since
 * it lets the matter's documents be deleted again, by hand or by retention.
 */
export function MatterHold(props: { matter: Matter; isAdmin: boolean; onChanged: () => void }) {
  const { matter } = props;
  const { error, success, busy, run } = useFormAction();
  const [confirmation, setConfirmation] = useState<Confirmation | null>(null);
  const set = (hold: boolean) =>
    void run(async () => {
      await put<Matter>(`/api/v1/matters/${matter.id}/legal-hold`, { hold });
      props.onChanged();
      return hold ? 'The matter is under legal hold.' : 'The legal hold of the matter is lifted.';
    });

  if (!props.isAdmin)
    return matter.legalHold ? (
      <Alert kind="info">This matter is under legal hold: none of its documents can be deleted.</Alert>
    ) : null;
  return (
    <Section
      title="Legal hold"
      description="While a hold is in place, no document of this matter can be deleted, by anyone or by retention."
    >
      <Alert>{error}</Alert>
      <Alert kind="success">{success}</Alert>
      <p>
        <span className="status">
          {matter.legalHold ? 'This matter is under legal hold.' : 'This matter is not under legal hold.'}
        </span>
      </p>
      {matter.legalHold ? (
        <Button
          variant="secondary"
          busy={busy}
          onClick={() =>
            setConfirmation({
              title: 'Lift the legal hold of this matter?',
              consequence: (
                <p>
                  Its documents can then be deleted again, by their authors, by administrators and by the retention
                  policy.
                </p>
              ),
              confirmLabel: 'Lift the hold',
              onConfirm: () => set(false),
            })
          }
        >
          Lift the legal hold
        </Button>
      ) : (
        <Button busy={busy} onClick={() => set(true)}>
          Place the matter under legal hold
        </Button>
      )}
      <ConfirmDialog confirmation={confirmation} onClose={() => setConfirmation(null)} />
    </Section>
  );
}

/**
 * One document's own legal hold, for an org_admin. A document of a held matter is held
 * with it: its own hold changes nothing then, so the control is replaced by that fact.
 */
export function DocumentHold(props: {
  doc: DocumentMeta;
  matterHeld: boolean;
  isAdmin: boolean;
  onChanged: (doc: DocumentMeta) => void;
}) {
  const { doc } = props;
  const { error, busy, run } = useFormAction();
  const [confirmation, setConfirmation] = useState<Confirmation | null>(null);
  const set = (hold: boolean) =>
    void run(async () => {
      props.onChanged(await put<DocumentMeta>(`/api/v1/documents/${doc.id}/legal-hold`, { hold }));
    });

  let state = 'Not under legal hold.';
  if (props.matterHeld) state = 'Held with its matter: it cannot be deleted while the matter is under legal hold.';
  else if (doc.legalHold) state = 'Under legal hold: it cannot be deleted.';
  return (
    <div>
      <h3>Legal hold</h3>
      <Alert>{error}</Alert>
      <p className="muted">{state}</p>
      {props.isAdmin && !props.matterHeld && (
        <Button
          variant="secondary"
          className="btn btn-secondary btn-small"
          busy={busy}
          onClick={() =>
            doc.legalHold
              ? setConfirmation({
                  title: `Lift the legal hold of ${doc.name}?`,
                  consequence: <p>The document can then be deleted again, by hand or by the retention policy.</p>,
                  confirmLabel: 'Lift the hold',
                  onConfirm: () => set(false),
                })
              : set(true)
          }
        >
          {doc.legalHold ? `Lift the legal hold of ${doc.name}` : `Place ${doc.name} under legal hold`}
        </Button>
      )}
      <ConfirmDialog confirmation={confirmation} onClose={() => setConfirmation(null)} />
    </div>
  );
}
