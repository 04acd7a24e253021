import { useEffect, useRef, useState, type FormEvent } from 'react';
import { messageOf, post, setStepUpHandler } from '../api/client.ts';
import { Alert, Button, Field } from '../components/ui.tsx';

/**
 * Administration and sensitive actions need a second factor verified recently.
 * The API client calls this when the server answers STEP_UP_REQUIRED, and
 * retries the request once the user has answered.
 */
export function StepUpDialog() {
  const [pending, setPending] = useState<((ok: boolean) => void) | null>(null);
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    setStepUpHandler(() => new Promise<boolean>((resolve) => setPending(() => resolve)));
  }, []);
  useEffect(() => {
    if (pending) dialog.current?.showModal();
    else dialog.current?.close();
  }, [pending]);

  const finish = (ok: boolean) => {
    pending?.(ok);
    setPending(null);
    setCode('');
    setError(null);
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const value = code.replace(/\s/g, '');
      await post('/api/v1/auth/step-up', /^\d{6}$/.test(value) ? { totp: value } : { backupCode: value });
      finish(true);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <dialog ref={dialog} className="dialog" aria-labelledby="stepup-title" onCancel={() => finish(false)}>
      <form onSubmit={submit}>
        <h2 id="stepup-title">Confirm it is you</h2>
        <p>This action needs a fresh check of your second factor. Enter a code from your authenticator app or a backup code.</p>
        <Alert>{error}</Alert>
        <Field label="Authentication code" name="stepup-code" autoComplete="one-time-code" inputMode="text" value={code} onChange={(e) => setCode(e.target.value)} required />
        <div className="form-actions">
          <Button type="submit" busy={busy}>Confirm</Button>
          <Button type="button" variant="secondary" onClick={() => finish(false)}>Cancel</Button>
        </div>
      </form>
    </dialog>
  );
}
