import { useCallback, useMemo, useRef, useState, type FormEvent } from 'react';
import { messageOf } from '../api/client.ts';

/** One attempt at an action; a string it resolves to is shown as the success message. */
export type Attempt = () => Promise<string | void>;

export type RunOptions = {
  /** Stay busy after success: the page is about to navigate or unmount and must not take a second submit meanwhile. */
  staysBusy?: boolean;
};

export type FormAction = {
  /** True while an attempt is running (what a submit button's `busy` shows). */
  busy: boolean;
  /** The last attempt's failure, fit to show a person (ApiError detail, rate limit, lockout...). */
  error: string | null;
  /** The last attempt's success message, if it gave one. */
  success: string | null;
  /** Runs an attempt: clears the stale messages, is busy meanwhile, records the outcome. Never throws; true on success. */
  run(attempt: Attempt, opts?: RunOptions): Promise<boolean>;
  /** A form's onSubmit: prevents the page load, then runs the attempt. */
  onSubmit(attempt: Attempt, opts?: RunOptions): (e: FormEvent) => void;
  /** Shows a failure that happened outside run (a page's initial load). */
  fail(err: unknown): void;
  /** Shows a success that happened outside run (a child component's upload). */
  succeed(message: string): void;
  /** Forgets both messages (a dialog closing). */
  reset(): void;
};

/**
 * The busy flag, error and success message every form and button of the pages
 * kept by hand: one place decides that a new attempt clears the last outcome and
 * that an error is shown through messageOf.
 */
export function useFormAction(): FormAction {
  // A count, not a flag: two attempts can overlap (a download while a delete runs).
  const [running, setRunning] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [success, setSuccess] = useState<string | null>(null);
  const attempts = useRef(0);

  const run = useCallback(async (attempt: Attempt, opts: RunOptions = {}) => {
    const id = ++attempts.current;
    setError(null);
    setSuccess(null);
    setRunning((n) => n + 1);
    let ok = false;
    try {
      const message = await attempt();
      // An outcome that a newer attempt has already replaced is not shown.
      if (id === attempts.current && typeof message === 'string') setSuccess(message);
      ok = true;
    } catch (err) {
      if (id === attempts.current) setError(messageOf(err));
    } finally {
      if (!(ok && opts.staysBusy)) setRunning((n) => n - 1);
    }
    return ok;
  }, []);

  const onSubmit = useCallback(
    (attempt: Attempt, opts?: RunOptions) => (e: FormEvent) => {
      e.preventDefault();
      void run(attempt, opts);
    },
    [run],
  );
  const fail = useCallback((err: unknown) => {
    setSuccess(null);
    setError(messageOf(err));
  }, []);
  const succeed = useCallback((message: string) => {
    setError(null);
    setSuccess(message);
  }, []);
  const reset = useCallback(() => {
    setError(null);
    setSuccess(null);
  }, []);

  return useMemo(
    () => ({ busy: running > 0, error, success, run, onSubmit, fail, succeed, reset }),
    [running, error, success, run, onSubmit, fail, succeed, reset],
  );
}
