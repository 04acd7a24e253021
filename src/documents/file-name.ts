import path from 'node:path';
import { AppError } from '../platform/errors.ts';

/** Longest stored name, in characters (an ext4/NTFS file name is 255 bytes; clients truncate differently). */
export const MAX_FILE_NAME_CHARS = 255;

// C0/C1 controls, DEL, and the Unicode format characters that reorder or hide text
// (bidi overrides and isolates, zero-width joiners, BOM): "invoice‮fdp.exe" shows as "invoiceexe.pdf".
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/**
 * A file name safe to store and to send back in Content-Disposition: only the last path
 * segment (both separators), no control or reordering characters, no leading dots,
 * at most 255 characters.
 */
export function sanitizeFileName(raw: string | undefined): string {
  let name = (raw ?? '').normalize('NFC');
  name = name.split(/[\\/]/).pop() ?? '';
  name = name.replace(UNSAFE, '').replace(/\s+/g, ' ').trim().replace(/^\.+/, '').trim();
  // Refused, not truncated: a cut name can lose its extension or collide with another document's.
  if ([...name].length > MAX_FILE_NAME_CHARS)
    throw new AppError('FILE_NAME_INVALID', `the file name is longer than ${MAX_FILE_NAME_CHARS} characters`);
  if (name === '' || name === '.' || name === '..') throw new AppError('FILE_NAME_INVALID');
  return name;
}

/** The lower-case extension without its dot ("" when there is none). */
export function extensionOf(name: string): string {
  return path.extname(name).slice(1).toLowerCase();
}

/**
 * The name a document keeps when a new version is uploaded: its own, whatever the new
 * file was called on the uploader's disk ("contract-final-v3.pdf" stays "Contract.pdf").
 * Only a change of format changes the extension ("Contract.docx" → "Contract.pdf"), so
 * the name never disagrees with the bytes it names. A document whose name was erased
 * (never live) or that would grow too long takes the uploaded name.
 */
export function nameForNewVersion(documentName: string | null, uploadedName: string): string {
  if (!documentName) return uploadedName;
  const kept = extensionOf(documentName);
  const uploaded = extensionOf(uploadedName);
  if (kept === uploaded) return documentName;
  const stem = kept ? documentName.slice(0, -(kept.length + 1)) : documentName;
  const renamed = uploaded ? `${stem}.${uploadedName.slice(-uploaded.length)}` : stem;
  return [...renamed].length > MAX_FILE_NAME_CHARS || stem === '' ? uploadedName : renamed;
}
