/**
 * The PDF text layer, read with pdf.js (the legacy build, the one meant for Node), in memory.
 * No worker thread: the worker's module is loaded into this process once and pdf.js runs it
 * in-thread. No eval, no font faces, no system fonts, no network, no files: only the text items.
 *
 * The text is built the same way every time (items in content order, a line break where pdf.js
 * marks the end of a line, a blank line between pages), so offsets into it are stable.
 * pdf.js is also the web app's viewer: one version for both (package.json).
 */
import type { PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
type Item = Awaited<ReturnType<PDFPageProxy['getTextContent']>>['items'][number];
type TextItem = Extract<Item, { str: string }>;

let loaded: Promise<PdfJs> | undefined;

/** Loaded on first use: the AI routes are the only users, and start-up stays fast without them. */
function pdfjs(): Promise<PdfJs> {
  loaded ??= (async () => {
    const worker = await import('pdfjs-dist/legacy/build/pdf.worker.mjs');
    // pdf.js looks for an in-thread worker here before it would import one from a path.
    (globalThis as { pdfjsWorker?: unknown }).pdfjsWorker = worker;
    return import('pdfjs-dist/legacy/build/pdf.mjs');
  })();
  return loaded;
}

export class PdfUnreadable extends Error {}
export class PdfTooLong extends Error {}

const isText = (item: Item): item is TextItem => 'str' in item;

/** The pages' text, or PdfUnreadable / PdfTooLong (more than maxPages) before any page is read. */
export async function pdfPages(bytes: Uint8Array, maxPages: number): Promise<string[]> {
  const lib = await pdfjs();
  const task = lib.getDocument({
    // pdf.js takes ownership of (and may detach) the buffer it is given: a copy keeps the caller's intact.
    data: bytes.slice(),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    useWorkerFetch: false,
    isOffscreenCanvasSupported: false,
    stopAtErrors: false,
    verbosity: lib.VerbosityLevel.ERRORS,
  });
  try {
    let doc;
    try {
      doc = await task.promise;
    } catch {
      throw new PdfUnreadable();
    }
    if (doc.numPages > maxPages) throw new PdfTooLong();
    const pages: string[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      let text = '';
      try {
        const page = await doc.getPage(n);
        const content = await page.getTextContent();
        for (const item of content.items) {
          if (!isText(item)) continue;
          text += item.str;
          if (item.hasEOL) text += '\n';
        }
        page.cleanup();
      } catch {
        throw new PdfUnreadable();
      }
      pages.push(text);
    }
    return pages;
  } finally {
    await task.destroy();
  }
}
