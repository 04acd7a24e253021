import { useEffect, useId, useRef, type ReactNode } from 'react';
import { Button } from '../../components/ui.tsx';

/** What an administrator is asked to confirm: the act, its consequence in plain words, and the button that does it. */
export type Confirmation = { title: string; consequence: ReactNode; confirmLabel: string; onConfirm: () => void };

/**
 * A modal question before an act that ends someone's access. A native <dialog>: focus
 * moves into it and back, Escape cancels, and the page behind is inert while it is open.
 */
export function ConfirmDialog({ confirmation, onClose }: { confirmation: Confirmation | null; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const textId = useId();
  useEffect(() => {
    if (confirmation) dialog.current?.showModal();
    else dialog.current?.close();
  }, [confirmation]);

  return (
    <dialog ref={dialog} className="dialog" aria-labelledby={titleId} aria-describedby={textId} onCancel={onClose}>
      {confirmation && (
        <>
          <h2 id={titleId}>{confirmation.title}</h2>
          <div id={textId}>{confirmation.consequence}</div>
          <div className="form-actions">
            <Button
              variant="danger"
              onClick={() => {
                // Close first: a step-up dialog the request may need opens on a clear page.
                onClose();
                confirmation.onConfirm();
              }}
            >
              {confirmation.confirmLabel}
            </Button>
            <Button variant="secondary" onClick={onClose} autoFocus>
              Cancel
            </Button>
          </div>
        </>
      )}
    </dialog>
  );
}
