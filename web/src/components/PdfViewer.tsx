import { useEffect, useRef, useState, type MouseEvent, type ReactNode } from 'react';
import { GlobalWorkerOptions, VerbosityLevel, getDocument, type PDFDocumentProxy } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';
import { Alert, Spinner } from './ui.tsx';
import './PdfViewer.css';

// The worker is a hashed file served from our own origin: the CSP's script-src 'self' (worker-src falls back to it)
// covers it, and nothing is evaluated from strings (isEvalSupported: false below).
GlobalWorkerOptions.workerSrc = workerUrl;

/** One rendered page: its size in CSS pixels and the scale from PDF points. */
export type PageGeometry = { page: number; width: number; height: number; scale: number };

/** A click on a page, in PDF points from the page's lower-left corner (the API's field coordinates), with the page's size. */
export type PagePoint = { page: number; x: number; y: number; pageWidth: number; pageHeight: number };

const MAX_PAGES = 200;

/**
 * Renders a PDF with pdf.js, page after page, into canvases. `overlay` draws on top of a
 * page (field boxes); `onPageClick` reports clicks in PDF points, so a caller can place fields.
 * Reusable: the signer page, the envelope composer and document preview use it.
 */
export function PdfViewer(props: {
  data: ArrayBuffer | null;
  label: string;
  width?: number;
  overlay?: (geometry: PageGeometry) => ReactNode;
  onPageClick?: (point: PagePoint) => void;
}) {
  const [doc, setDoc] = useState<PDFDocumentProxy | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!props.data) return;
    setDoc(null);
    setError(null);
    // pdf.js transfers the buffer to its worker: hand it a copy so the caller's stays usable.
    const task = getDocument({
      data: new Uint8Array(props.data.slice(0)),
      isEvalSupported: false,
      enableXfa: false,
      verbosity: VerbosityLevel.ERRORS,
    });
    let cancelled = false;
    task.promise.then(
      (d) => {
        if (!cancelled) setDoc(d);
      },
      () => {
        if (!cancelled) setError('This PDF cannot be displayed.');
      },
    );
    return () => {
      cancelled = true;
      void task.destroy();
    };
  }, [props.data]);

  if (error) return <Alert>{error}</Alert>;
  if (!doc) return <Spinner label="Loading the document" />;
  const pages = Array.from({ length: Math.min(doc.numPages, MAX_PAGES) }, (_, i) => i + 1);
  return (
    // Focusable: the viewer scrolls, and keyboard users must be able to scroll it.
    <div className="pdf-viewer" role="region" aria-label={props.label} tabIndex={0}>
      {pages.map((n) => (
        <PdfPage
          key={n}
          doc={doc}
          page={n}
          pages={doc.numPages}
          width={props.width ?? 760}
          overlay={props.overlay}
          onPageClick={props.onPageClick}
        />
      ))}
      {doc.numPages > MAX_PAGES && <p className="muted">Only the first {MAX_PAGES} pages are shown here.</p>}
    </div>
  );
}

function PdfPage(props: {
  doc: PDFDocumentProxy;
  page: number;
  pages: number;
  width: number;
  overlay?: (geometry: PageGeometry) => ReactNode;
  onPageClick?: (point: PagePoint) => void;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [geometry, setGeometry] = useState<PageGeometry | null>(null);
  const { doc, page, width } = props;

  useEffect(() => {
    let cancelled = false;
    let cancel: (() => void) | undefined;
    void (async () => {
      const p = await doc.getPage(page);
      if (cancelled || !canvas.current) return;
      const unscaled = p.getViewport({ scale: 1 });
      const scale = width / unscaled.width;
      const viewport = p.getViewport({ scale });
      const ratio = window.devicePixelRatio || 1;
      const c = canvas.current;
      c.width = Math.floor(viewport.width * ratio);
      c.height = Math.floor(viewport.height * ratio);
      c.style.width = `${viewport.width}px`;
      c.style.height = `${viewport.height}px`;
      const task = p.render({
        canvas: c,
        viewport,
        transform: ratio === 1 ? undefined : [ratio, 0, 0, ratio, 0, 0],
      });
      cancel = () => task.cancel();
      try {
        await task.promise;
      } catch {
        return; // cancelled by a re-render
      }
      if (!cancelled) setGeometry({ page, width: viewport.width, height: viewport.height, scale });
    })();
    return () => {
      cancelled = true;
      cancel?.();
    };
  }, [doc, page, width]);

  const click = (e: MouseEvent<HTMLDivElement>) => {
    if (!props.onPageClick || !geometry) return;
    const box = e.currentTarget.getBoundingClientRect();
    const x = (e.clientX - box.left) / geometry.scale;
    const y = (geometry.height - (e.clientY - box.top)) / geometry.scale;
    props.onPageClick({
      page,
      x: Math.max(0, x),
      y: Math.max(0, y),
      pageWidth: geometry.width / geometry.scale,
      pageHeight: geometry.height / geometry.scale,
    });
  };

  return (
    <div className="pdf-page" data-page={page} data-rendered={geometry ? 'true' : undefined}>
      {/* The click target is a plain surface; keyboard users place fields with the form beside the viewer. */}
      <div className={props.onPageClick ? 'pdf-page-surface pdf-page-clickable' : 'pdf-page-surface'} onClick={click}>
        <canvas ref={canvas} role="img" aria-label={`Page ${page} of ${props.pages}`} />
        {geometry && props.overlay?.(geometry)}
      </div>
    </div>
  );
}
