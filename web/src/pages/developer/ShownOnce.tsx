import { useState } from 'react';
import { Alert } from '../../components/ui.tsx';

/** A secret shown once after it was made (an API key, a webhook signing secret), with a copy button. */
export function ShownOnce({ label, value, onDone }: { label: string; value: string; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    await navigator.clipboard.writeText(value);
    setCopied(true);
  };
  return (
    <div className="callout" role="status">
      <p>
        <strong>{label}</strong> — copy it now: it is shown only this once and Chambers keeps no copy it can show again.
      </p>
      <p className="code-block" data-testid="shown-once">
        {value}
      </p>
      <div className="form-actions">
        <button
          type="button"
          className="btn btn-secondary btn-small"
          onClick={() => void copy().catch(() => undefined)}
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button type="button" className="btn btn-link" onClick={onDone}>
          I have stored it
        </button>
      </div>
      {copied && <Alert kind="success">Copied to the clipboard.</Alert>}
    </div>
  );
}
