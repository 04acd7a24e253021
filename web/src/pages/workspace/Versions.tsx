import { useCallback, useEffect, useRef, useState, type ChangeEvent } from 'react';
import { get } from '../../api/client.ts';
import { downloadFile } from '../../api/download.ts';
import type { DocumentMeta, DocumentVersion, DocumentVersionList } from '../../api/types.ts';
import { Alert, formatBytes, formatDate } from '../../components/ui.tsx';
import { useFormAction } from '../../components/use-form-action.ts';
import { uploadWithProgress } from './upload.ts';

/** The document's versions, newest first, with their fingerprints; writers add a new version here. */
export function Versions({
  doc,
  canWrite,
  onNewVersion,
}: {
  doc: DocumentMeta;
  canWrite: boolean;
  onNewVersion: (doc: DocumentMeta) => void;
}) {
  const [versions, setVersions] = useState<DocumentVersion[] | null>(null);
  const { error, run, fail } = useFormAction();
  const [progress, setProgress] = useState<number | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const load = useCallback(async () => {
    setVersions((await get<DocumentVersionList>(`/api/v1/documents/${doc.id}/versions`)).versions);
  }, [doc.id]);
  useEffect(() => {
    load().catch(fail);
  }, [load, fail]);

  const choose = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (!file) return;
    setProgress(0);
    await run(async () => {
      const updated = await uploadWithProgress<DocumentMeta>(`/api/v1/documents/${doc.id}/versions`, file, setProgress);
      await load();
      onNewVersion(updated);
    });
    setProgress(null);
    if (input.current) input.current.value = '';
  };
  const inputId = `new-version-${doc.id}`;
  return (
    <div>
      <h3>Versions</h3>
      <Alert>{error}</Alert>
      {versions && (
        <ol className="versions" aria-label={`Versions of ${doc.name}`}>
          {versions.map((v) => (
            <li key={v.version} data-version={v.version}>
              <strong>v{v.version}</strong>
              {v.current && <span className="badge">current</span>} · {formatDate(v.createdAt)} · {formatBytes(v.size)}{' '}
              ·{' '}
              <code className="hash" title={v.sha256}>
                {v.sha256.slice(0, 16)}…
              </code>{' '}
              <button
                type="button"
                className="btn btn-link"
                aria-label={`Download version ${v.version} of ${doc.name}`}
                onClick={() =>
                  void run(() =>
                    downloadFile(`/api/v1/documents/${doc.id}/versions/${v.version}/content`, v.name ?? doc.name),
                  )
                }
              >
                Download version {v.version}
              </button>
            </li>
          ))}
        </ol>
      )}
      {canWrite && (
        <div className="field">
          <label htmlFor={inputId}>Upload a new version of {doc.name}</label>
          <input
            id={inputId}
            ref={input}
            type="file"
            name="file"
            onChange={(e) => void choose(e)}
            disabled={progress !== null}
          />
          {progress !== null && (
            <div className="progress-wrap">
              <label htmlFor={`${inputId}-progress`}>Uploading… {Math.round(progress * 100)}%</label>
              <progress id={`${inputId}-progress`} max={1} value={progress} />
            </div>
          )}
        </div>
      )}
    </div>
  );
}
