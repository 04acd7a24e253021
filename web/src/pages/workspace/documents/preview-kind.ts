/** How a document can be shown in the browser, from the content type the server detected at upload (never the name). */
export type PreviewKind = 'pdf' | 'image' | 'text' | 'none';

/** Larger files are offered as a download: the preview holds the whole file in the tab's memory. */
export const PREVIEW_MAX_BYTES = 30 * 1024 * 1024;
/** A text preview shows this many characters at most; the download has the rest. */
export const TEXT_PREVIEW_CHARS = 200_000;

/**
 * PDFs go to pdf.js, PNG and JPEG to an <img>, text (plain, markdown, e-mail source) to a
 * <pre> as text, never as HTML. TIFF and office files have no preview in a browser.
 */
export function previewKind(contentType: string): PreviewKind {
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/pdf') return 'pdf';
  if (type === 'image/png' || type === 'image/jpeg') return 'image';
  if (type.startsWith('text/') || type === 'message/rfc822') return 'text';
  return 'none';
}
