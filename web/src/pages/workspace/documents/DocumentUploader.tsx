import { useCallback, useEffect, useRef, useState } from 'react';
import { messageOf } from '../../../api/client.ts';
import type { DocumentMeta } from '../../../api/types.ts';
import { useWebConfig } from '../../../api/web-config.ts';
import { DropZone } from '../../../components/DropZone.tsx';
import { Button, Section, formatBytes } from '../../../components/ui.tsx';
import { UploadCancelled, uploadWithProgress } from '../upload.ts';
import { sameName, type Upload } from './upload-queue.ts';
import './documents.css';

let nextKey = 0;

/**
 * Several files at once, dropped or chosen: each gets its own line with a progress bar
 * and a Cancel button, and they go up one after another. A file named like a document
 * of the matter waits for its user to say what it is: a new version of that document,
 * or a separate document.
 */
export function DocumentUploader(props: {
  matterId: string;
  documents: DocumentMeta[] | null;
  onUploaded: (doc: DocumentMeta) => void;
}) {
  const { uploadsScanned } = useWebConfig();
  const [uploads, setUploads] = useState<Upload[]>([]);
  const controllers = useRef(new Map<number, AbortController>());
  const { matterId, onUploaded } = props;

  const update = useCallback((key: number, change: Partial<Upload>) => {
    setUploads((list) => list.map((u) => (u.key === key ? { ...u, ...change } : u)));
  }, []);

  const add = (files: File[]) => {
    const docs = props.documents ?? [];
    const added = files.map((file): Upload => {
      const existing = docs.find((d) => sameName(d.name, file.name));
      return existing
        ? { key: ++nextKey, file, status: 'asking', progress: 0, existing }
        : { key: ++nextKey, file, status: 'queued', progress: 0, target: { kind: 'new' } };
    });
    setUploads((list) => [...list, ...added]);
  };

  // One upload at a time, in the order chosen: the next queued one starts when none is running.
  const running = uploads.some((u) => u.status === 'uploading');
  const next = running ? undefined : uploads.find((u) => u.status === 'queued');
  useEffect(() => {
    if (!next) return;
    const controller = new AbortController();
    controllers.current.set(next.key, controller);
    update(next.key, { status: 'uploading' });
    const url =
      next.target?.kind === 'version'
        ? `/api/v1/documents/${next.target.documentId}/versions`
        : `/api/v1/matters/${matterId}/documents`;
    uploadWithProgress<DocumentMeta>(
      url,
      next.file,
      (progress) => update(next.key, { progress }),
      controller.signal,
    ).then(
      (doc) => {
        update(next.key, { status: 'done', progress: 1, result: doc });
        onUploaded(doc);
      },
      (err: unknown) =>
        update(
          next.key,
          err instanceof UploadCancelled ? { status: 'cancelled' } : { status: 'failed', error: messageOf(err) },
        ),
    );
    // Keyed on the upload, not on every progress tick: the effect runs once per upload started.
  }, [next?.key]);

  const cancel = (u: Upload) => {
    if (u.status === 'uploading') controllers.current.get(u.key)?.abort();
    else update(u.key, { status: 'cancelled' });
  };
  const finished = uploads.filter((u) => ['done', 'failed', 'cancelled'].includes(u.status));

  return (
    <Section
      title="Upload documents"
      description={
        uploadsScanned
          ? 'Files are scanned for viruses, then encrypted with their own key before they are stored.'
          : 'Files are encrypted with their own key before they are stored.'
      }
    >
      <DropZone
        label="Choose a file or several"
        hint="Or drag them here. A file named like a document of this matter can become its new version."
        onFiles={add}
      />
      {uploads.length > 0 && (
        <ul className="upload-list" aria-label="Uploads">
          {uploads.map((u) => (
            <UploadLine
              key={u.key}
              upload={u}
              onCancel={() => cancel(u)}
              onDecide={(target) => update(u.key, { status: 'queued', target })}
            />
          ))}
        </ul>
      )}
      {finished.length > 0 && (
        <Button
          variant="secondary"
          className="btn btn-secondary btn-small"
          onClick={() => setUploads((list) => list.filter((u) => !finished.includes(u)))}
        >
          Clear finished uploads
        </Button>
      )}
    </Section>
  );
}

function UploadLine({
  upload: u,
  onCancel,
  onDecide,
}: {
  upload: Upload;
  onCancel: () => void;
  onDecide: (target: NonNullable<Upload['target']>) => void;
}) {
  const name = u.file.name;
  const pct = Math.round(u.progress * 100);
  return (
    <li className={`upload-line upload-${u.status}`} data-upload={name}>
      <div className="upload-head">
        <span className="upload-name">{name}</span>
        <span className="muted">{formatBytes(u.file.size)}</span>
        <span className="upload-status" role="status">
          {statusText(u)}
        </span>
        {['asking', 'queued', 'uploading'].includes(u.status) && (
          <button
            type="button"
            className="btn btn-link btn-link-danger"
            onClick={onCancel}
            aria-label={`Cancel upload of ${name}`}
          >
            Cancel
          </button>
        )}
      </div>
      {(u.status === 'uploading' || u.status === 'queued') && (
        <progress max={1} value={u.progress} aria-label={`Uploading… ${pct}% of ${name}`} />
      )}
      {u.status === 'asking' && u.existing && (
        <div className="upload-question" role="group" aria-label={`What is ${name}?`}>
          <p>
            This matter already has a document named <strong>{u.existing.name}</strong> (version {u.existing.version}).
            Is this file a new version of it, or a separate document?
          </p>
          <div className="form-actions">
            <Button
              className="btn btn-primary btn-small"
              onClick={() => onDecide({ kind: 'version', documentId: u.existing?.id ?? '' })}
            >
              New version of {u.existing.name}
            </Button>
            <Button
              variant="secondary"
              className="btn btn-secondary btn-small"
              onClick={() => onDecide({ kind: 'new' })}
            >
              Separate document
            </Button>
          </div>
        </div>
      )}
    </li>
  );
}

function statusText(u: Upload): string {
  switch (u.status) {
    case 'asking':
      return 'Waiting for your choice';
    case 'queued':
      return 'Waiting';
    case 'uploading':
      return `Uploading… ${Math.round(u.progress * 100)}%`;
    case 'done':
      return u.result && u.result.version > 1 ? `Uploaded as version ${u.result.version}` : 'Uploaded';
    case 'cancelled':
      return 'Cancelled';
    case 'failed':
      return `Not uploaded: ${u.error ?? 'something went wrong.'}`;
  }
}
