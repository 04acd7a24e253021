import { Fragment, useCallback, useEffect, useId, useRef, useState, type ChangeEvent } from 'react';
import { del, get } from '../../api/client.ts';
import { downloadFile } from '../../api/download.ts';
import { Alert, Empty, Section, formatBytes, formatDate } from '../../components/ui.tsx';
import { useFormAction } from '../../components/use-form-action.ts';
import { AnalyzeButton, AnalyzeRow } from '../workspace/ai/AnalyzeRow.tsx';
import { JUDICIAL_SOURCE } from '../workspace/ai/source.ts';
import { uploadWithProgress } from '../workspace/upload.ts';
import type { JudicialDocument } from './judicial-types.ts';

/**
 * A case's documents: upload (scanned, then sealed under the judicial key), list, download,
 * analysis with the AI tools (read in the caller's own judicial request; nothing kept), and
 * removal by their uploader or the case's judge. Whoever sees the case sees them.
 */
export function CaseDocuments({
  caseId,
  userId,
  isJudge,
  shown,
}: {
  caseId: string;
  userId: string;
  isJudge: boolean;
  /** False while the case page still loads the case: the list is read meanwhile, and shown with the case. */
  shown: boolean;
}) {
  const [documents, setDocuments] = useState<JudicialDocument[] | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  /** The document whose Analyze panel is open, if any. */
  const [analyzing, setAnalyzing] = useState<string | null>(null);
  const { error, success, run, fail } = useFormAction();
  const input = useRef<HTMLInputElement>(null);
  const fileId = useId();
  const progressId = useId();
  const load = useCallback(async () => {
    setDocuments(
      (await get<{ documents: JudicialDocument[] }>(`/api/v1/judicial/cases/${caseId}/documents`)).documents,
    );
  }, [caseId]);
  useEffect(() => {
    load().catch(fail);
  }, [load, fail]);

  const choose = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (!file) return;
    setProgress(0);
    await run(async () => {
      const doc = await uploadWithProgress<JudicialDocument>(
        `/api/v1/judicial/cases/${caseId}/documents`,
        file,
        setProgress,
      );
      await load();
      return `${doc.name} uploaded.`;
    });
    setProgress(null);
    if (input.current) input.current.value = '';
  };
  const remove = (d: JudicialDocument) =>
    void run(async () => {
      if (!window.confirm(`Remove ${d.name} from the case? Its key is destroyed; this cannot be undone.`)) return;
      await del(`/api/v1/judicial/documents/${d.id}`);
      await load();
      return `${d.name} removed.`;
    });

  if (!shown) return null;
  return (
    <Section
      title="Documents"
      description="Encrypted at rest under the judicial key, apart from any firm's keys; every upload and download is audited."
    >
      <Alert>{error}</Alert>
      <Alert kind="success">{success}</Alert>
      {documents && documents.length === 0 && <Empty>No documents on this case yet.</Empty>}
      {documents && documents.length > 0 && (
        <table className="table">
          <caption className="sr-only">Case documents</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Size</th>
              <th scope="col">Added</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {documents.map((d) => (
              <Fragment key={d.id}>
                <tr data-document={d.name}>
                  <td>
                    <span className="doc-name">{d.name}</span>
                  </td>
                  <td>{formatBytes(d.size)}</td>
                  <td>{formatDate(d.createdAt)}</td>
                  <td className="actions">
                    <AnalyzeButton
                      doc={d}
                      open={analyzing === d.id}
                      onToggle={() => setAnalyzing(analyzing === d.id ? null : d.id)}
                    />
                    <button
                      type="button"
                      className="btn btn-link"
                      aria-label={`Download ${d.name}`}
                      onClick={() => void run(() => downloadFile(`/api/v1/judicial/documents/${d.id}/content`, d.name))}
                    >
                      Download
                    </button>
                    {(isJudge || d.createdBy === userId) && (
                      <button
                        type="button"
                        className="btn btn-link btn-link-danger"
                        aria-label={`Remove ${d.name}`}
                        onClick={() => remove(d)}
                      >
                        Remove
                      </button>
                    )}
                  </td>
                </tr>
                {analyzing === d.id && <AnalyzeRow doc={d} colSpan={4} source={JUDICIAL_SOURCE} />}
              </Fragment>
            ))}
          </tbody>
        </table>
      )}
      <div className="field">
        <label htmlFor={fileId}>Add a document</label>
        <input
          id={fileId}
          ref={input}
          type="file"
          name="file"
          onChange={(e) => void choose(e)}
          disabled={progress !== null}
        />
      </div>
      {progress !== null && (
        <div className="progress-wrap">
          <label htmlFor={progressId}>Uploading… {Math.round(progress * 100)}%</label>
          <progress id={progressId} max={1} value={progress} />
        </div>
      )}
    </Section>
  );
}
