import { PDF } from '@libpdf/core';
import { AppError } from '../platform/errors.ts';

export type PageBox = { width: number; height: number };

/** What envelope creation needs to know of a PDF: it opens, it is not encrypted nor already signed, and its page sizes. */
export async function inspectPdf(bytes: Uint8Array): Promise<{ pages: PageBox[] }> {
  if (Buffer.from(bytes.subarray(0, 1024)).indexOf('%PDF-') < 0)
    throw new AppError('UNSUPPORTED_DOCUMENT', 'Only a PDF can be sent for signature');
  let pdf: PDF;
  try {
    pdf = await PDF.load(bytes);
  } catch (err) {
    if (/encrypt|password/i.test((err as Error).message)) throw new AppError('PDF_ENCRYPTED');
    throw new AppError('PDF_INVALID');
  }
  if (pdf.isEncrypted) throw new AppError('PDF_ENCRYPTED');
  let count: number;
  try {
    count = pdf.getPageCount();
  } catch {
    throw new AppError('PDF_INVALID');
  }
  if (count === 0) throw new AppError('PDF_NO_PAGES');
  // A signature already present would be broken by flattening the fields into the pages.
  if (/\/ByteRange\s*\[/.test(Buffer.from(bytes).toString('latin1'))) throw new AppError('PDF_ALREADY_SIGNED');
  const pages: PageBox[] = [];
  for (const page of pdf.getPages()) pages.push({ width: page.width, height: page.height });
  return { pages };
}

/** A field's rectangle lies fully on its page (PDF points from the lower-left corner). */
export function fieldOnPage(
  pages: PageBox[],
  f: { page: number; x: number; y: number; width: number; height: number },
): boolean {
  const box = pages[f.page - 1];
  if (!box) return false;
  return f.x >= 0 && f.y >= 0 && f.x + f.width <= box.width + 0.01 && f.y + f.height <= box.height + 0.01;
}
