import { useState } from 'react';

export function BackupCodes({ codes }: { codes: string[] }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    await navigator.clipboard.writeText(codes.join('\n'));
    setCopied(true);
  };
  return (
    <div className="backup-codes">
      <ol className="codes" aria-label="Backup codes">
        {codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ol>
      <button type="button" className="btn btn-secondary btn-small" onClick={() => void copy().catch(() => undefined)}>
        {copied ? 'Copied' : 'Copy all codes'}
      </button>
    </div>
  );
}
