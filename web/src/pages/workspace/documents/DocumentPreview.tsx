import { Suspense, lazy, useEffect, useId, useRef, useState } from 'react';
import { messageOf, request } from '../../../api/client.ts';
import { downloadFile } from '../../../api/download.ts';
import type { DocumentMeta } from '../../../api/types.ts';
import { Alert, Button, Spinner, formatBytes } from '../../../components/ui.tsx';
import { previewKind, PREVIEW_MAX_BYTES, TEXT_PREVIEW_CHARS } from './preview-kind.ts';
import './documents.css';

// pdf.js is large: it loads with the first PDF preview, never with the matter page.
const PdfViewer = lazy(() => import('../../../components/PdfViewer.tsx').then((m) => ({ default: m.PdfViewer })));

type Loaded =
  | { kind: 'pdf'; data: ArrayBuffer }
  | { kind: 'image'; url: string }
  | { kind: 'text'; text: string; truncated: boolean };

/**
 * A "Preview" button and the dialog it opens: PDFs drawn by pdf.js into canvases,
 * PNG and JPEG images, text files as text; anything else offers a download. The bytes
 * come from the same content route as a download (audited the same way) and never
 * become a page of our origin: no iframe, no object URL navigation, no HTML rendering.
 */
export function PreviewButton({ doc }: { doc: DocumentMeta }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="btn btn-link" onClick={() => setOpen(true)} aria-label={`Preview ${doc.name}`}>
        Preview
      </button>
      {open && <PreviewDialog doc={doc} onClose={() => setOpen(false)} />}
    </>
  );
}

function PreviewDialog({ doc, onClose }: { doc: DocumentMeta; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const kind = previewKind(doc.contentType);
  const tooLarge = doc.size > PREVIEW_MAX_BYTES;
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    dialog.current?.showModal();
  }, []);

  useEffect(() => {
    if (kind === 'none' || tooLarge) return;
    let stale = false;
    void (async () => {
      try {
        const res = await request('GET', `/api/v1/documents/${doc.id}/content`);
        const bytes = await res.arrayBuffer();
        if (stale) return;
        if (kind === 'pdf') setLoaded({ kind, data: bytes });
        else if (kind === 'image') setLoaded({ kind, url: await dataUrl(bytes, doc.contentType) });
        else {
          const text = new TextDecoder('utf-8').decode(bytes);
          setLoaded({ kind, text: text.slice(0, TEXT_PREVIEW_CHARS), truncated: text.length > TEXT_PREVIEW_CHARS });
        }
      } catch (err) {
        if (!stale) setError(messageOf(err));
      }
    })();
    return () => {
      stale = true;
    };
  }, [doc.id, doc.contentType, kind, tooLarge]);

  return (
    <dialog ref={dialog} className="dialog preview-dialog" aria-labelledby={titleId} onClose={onClose}>
      <div className="preview-head">
        <h2 id={titleId}>
          Preview of {doc.name}
          {doc.version > 1 && <span className="badge">v{doc.version}</span>}
        </h2>
        <Button variant="secondary" className="btn btn-secondary btn-small" onClick={() => dialog.current?.close()}>
          Close
        </Button>
      </div>
      <Alert>{error}</Alert>
      {(kind === 'none' || tooLarge) && (
        <div className="preview-none">
          <p>
            {tooLarge
              ? `This file is too large to preview here (${formatBytes(doc.size)}).`
              : 'There is no preview for this kind of file.'}{' '}
            Download it to open it on your computer.
          </p>
          <Button
            onClick={() =>
              void downloadFile(`/api/v1/documents/${doc.id}/content`, doc.name).catch((e: unknown) =>
                setError(messageOf(e)),
              )
            }
          >
            Download {doc.name}
          </Button>
        </div>
      )}
      {!error && kind !== 'none' && !tooLarge && !loaded && <Spinner label="Loading the preview" />}
      {loaded?.kind === 'pdf' && (
        <Suspense fallback={<Spinner label="Loading the PDF viewer" />}>
          <PdfViewer data={loaded.data} label={`Pages of ${doc.name}`} width={720} />
        </Suspense>
      )}
      {loaded?.kind === 'image' && (
        <div className="preview-image">
          <img src={loaded.url} alt={`Image ${doc.name}`} />
        </div>
      )}
      {loaded?.kind === 'text' && (
        <>
          {/* A scrolling region is focusable so keyboard users can scroll it. */}
          <pre className="preview-text" tabIndex={0} aria-label={`Text of ${doc.name}`}>
            {loaded.text}
          </pre>
          {loaded.truncated && <p className="muted">Only the beginning is shown; download the file for the rest.</p>}
        </>
      )}
    </dialog>
  );
}

/** A data: URL of the image (the CSP's img-src allows data:, not blob:), typed by what the server detected. */
function dataUrl(bytes: ArrayBuffer, contentType: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(new Error('The image could not be read.'));
    reader.readAsDataURL(new Blob([bytes], { type: contentType }));
  });
}
