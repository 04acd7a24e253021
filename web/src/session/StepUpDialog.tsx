import { useEffect, useRef, useState } from 'react';
import { post, setStepUpHandler } from '../api/client.ts';
import { Alert, Button, Field } from '../components/ui.tsx';
import { useFormAction } from '../components/use-form-action.ts';

/**
 * Administration and sensitive actions need a second factor verified recently.
 * The API client calls this when the server answers STEP_UP_REQUIRED, and
 * retries the request once the user has answered. The client asks once for all
 * requests refused together (api/client.ts, confirmStepUp), so one answer is
 * pending at a time.
 */
export function StepUpDialog() {
  const [open, setOpen] = useState(false);
  // The client's one pending question, answered by Confirm, Cancel or Escape.
  const answer = useRef<((ok: boolean) => void) | null>(null);
  const [code, setCode] = useState('');
  const { busy, error, onSubmit, reset } = useFormAction();
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    setStepUpHandler(
      () =>
        new Promise<boolean>((resolve) => {
          answer.current = resolve;
          setOpen(true);
        }),
    );
    return () => {
      // Unmounted (signed out): nobody can answer any more, so the waiting requests fail.
      setStepUpHandler(async () => false);
      answer.current?.(false);
      answer.current = null;
    };
  }, []);
  useEffect(() => {
    if (!dialog.current) return;
    if (open && !dialog.current.open) dialog.current.showModal();
    else if (!open && dialog.current.open) dialog.current.close();
  }, [open]);

  const finish = (ok: boolean) => {
    answer.current?.(ok);
    answer.current = null;
    setOpen(false);
    setCode('');
    reset();
  };
  const submit = onSubmit(async () => {
    const value = code.replace(/\s/g, '');
    await post('/api/v1/auth/step-up', /^\d{6}$/.test(value) ? { totp: value } : { backupCode: value });
    finish(true);
  });
  return (
    <dialog ref={dialog} className="dialog" aria-labelledby="stepup-title" onCancel={() => finish(false)}>
      <form onSubmit={submit}>
        <h2 id="stepup-title">Confirm it is you</h2>
        <p>
          This action needs a fresh check of your second factor. Enter a code from your authenticator app or a backup
          code.
        </p>
        <Alert>{error}</Alert>
        <Field
          label="Authentication code"
          name="stepup-code"
          autoComplete="one-time-code"
          inputMode="text"
          value={code}
          onChange={(e) => setCode(e.target.value)}
          required
        />
        <div className="form-actions">
          <Button type="submit" busy={busy}>
            Confirm
          </Button>
          <Button type="button" variant="secondary" onClick={() => finish(false)}>
            Cancel
          </Button>
        </div>
      </form>
    </dialog>
  );
}
