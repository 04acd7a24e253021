/**
 * Text extraction, in memory only: the bytes and the text live in this process for the length
 * of one request and are never written anywhere. Offsets in every AI answer are offsets into the
 * string returned here, so it is normalized once (line ends, invisible characters) and then fixed.
 */
import mammoth from 'mammoth';
import { AppError } from '../../platform/errors.ts';
import { stripInvisible } from '../guard/unicode.ts';
import { PdfTooLong, pdfPages } from './pdf-text.ts';

export type DocumentKind = 'pdf' | 'docx' | 'txt' | 'md';

/** Limits that bound time and memory: a 2,000-page PDF is refused with 413 before it is parsed. */
export const EXTRACTION_LIMITS = { maxBytes: 30 * 1024 * 1024, maxPages: 1500, maxChars: 3_000_000 } as const;

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

export function kindOf(contentType: string, name: string): DocumentKind | null {
  const ct = contentType.toLowerCase().split(';')[0]?.trim() ?? '';
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase();
  if (ct === 'application/pdf' || ext === 'pdf') return 'pdf';
  if (ct === DOCX || ext === 'docx') return 'docx';
  if (ct === 'text/markdown' || ext === 'md' || ext === 'markdown') return 'md';
  if (ct === 'text/plain' || ext === 'txt') return 'txt';
  return null;
}

export async function extractText(kind: DocumentKind, bytes: Buffer): Promise<string> {
  if (bytes.length > EXTRACTION_LIMITS.maxBytes) throw new AppError('AI_DOCUMENT_TOO_LARGE');
  const raw = kind === 'pdf' ? await pdfText(bytes) : kind === 'docx' ? await docxText(bytes) : plainText(bytes);
  const text = stripInvisible(raw.replace(/\r\n?/g, '\n'));
  if (text.length > EXTRACTION_LIMITS.maxChars) throw new AppError('AI_DOCUMENT_TOO_LARGE');
  return text;
}

async function pdfText(bytes: Buffer): Promise<string> {
  let pages: string[];
  try {
    pages = await pdfPages(
      new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      EXTRACTION_LIMITS.maxPages,
    );
  } catch (err) {
    if (err instanceof PdfTooLong) throw new AppError('AI_DOCUMENT_TOO_LARGE');
    throw new AppError('UNSUPPORTED_DOCUMENT', 'The PDF cannot be read');
  }
  const text = pages.join('\n\n');
  // A scan: pages but (almost) no characters on them.
  if (text.replace(/\s/g, '').length < Math.max(20, pages.length * 5)) throw new AppError('NO_TEXT_LAYER');
  return text;
}

async function docxText(bytes: Buffer): Promise<string> {
  try {
    return (await mammoth.extractRawText({ buffer: bytes })).value;
  } catch {
    throw new AppError('UNSUPPORTED_DOCUMENT', 'The DOCX cannot be read');
  }
}

function plainText(bytes: Buffer): string {
  // Binary posing as text: NUL bytes or invalid UTF-8 are refused rather than analyzed as noise.
  if (bytes.includes(0)) throw new AppError('UNSUPPORTED_DOCUMENT', 'The file is not text');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    throw new AppError('UNSUPPORTED_DOCUMENT', 'The file is not UTF-8 text');
  }
}
