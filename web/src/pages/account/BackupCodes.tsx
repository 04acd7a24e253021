import { useState } from 'react';

/** The codes as a small text file a person keeps offline (generated here; nothing is sent anywhere). */
function codesFile(codes: string[]): string {
  const when = new Date().toISOString().slice(0, 10);
  return [
    `Chambers backup codes (${window.location.host}, ${when})`,
    'Each code signs you in once when your authenticator is not at hand. Keep them somewhere safe.',
    '',
    ...codes,
    '',
  ].join('\n');
}

export function BackupCodes({ codes }: { codes: string[] }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    await navigator.clipboard.writeText(codes.join('\n'));
    setCopied(true);
  };
  const download = () => {
    const url = URL.createObjectURL(new Blob([codesFile(codes)], { type: 'text/plain' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'chambers-backup-codes.txt';
    a.click();
    // The click has started the download; the object URL is no longer needed.
    window.setTimeout(() => URL.revokeObjectURL(url), 0);
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
      <div className="actions">
        <button
          type="button"
          className="btn btn-secondary btn-small"
          onClick={() => void copy().catch(() => undefined)}
        >
          {copied ? 'Copied' : 'Copy all codes'}
        </button>
        <button type="button" className="btn btn-secondary btn-small" onClick={download}>
          Download codes
        </button>
        <button type="button" className="btn btn-secondary btn-small" onClick={() => window.print()}>
          Print codes
        </button>
      </div>
    </div>
  );
}
