import { fileTypeFromBuffer } from 'file-type';
import { AppError } from '../platform/errors.ts';

/** How many leading bytes are read before deciding what a file is (file-type needs ~4 KiB; OOXML looks further). */
export const SNIFF_BYTES = 64 * 1024;

/** What the file is and how the rest of the upload must treat it. */
export type FileKind = { contentType: string; check: 'none' | 'utf8' | 'zip' };

/** Detected type (file-type's `ext`) → the content type we store and the extensions a name may carry for it. */
const BY_MAGIC: Record<string, { contentType: string; extensions: string[] }> = {
  pdf: { contentType: 'application/pdf', extensions: ['pdf'] },
  docx: {
    contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    extensions: ['docx'],
  },
  xlsx: { contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', extensions: ['xlsx'] },
  pptx: {
    contentType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    extensions: ['pptx'],
  },
  odt: { contentType: 'application/vnd.oasis.opendocument.text', extensions: ['odt'] },
  rtf: { contentType: 'application/rtf', extensions: ['rtf'] },
  png: { contentType: 'image/png', extensions: ['png'] },
  jpg: { contentType: 'image/jpeg', extensions: ['jpg', 'jpeg'] },
  tif: { contentType: 'image/tiff', extensions: ['tif', 'tiff'] },
};

/** Legacy Office files are all OLE compound files: the extension tells which one. */
const COMPOUND_FILE_BY_EXTENSION: Record<string, string> = {
  doc: 'application/msword',
  msg: 'application/vnd.ms-outlook',
};

/** Formats without magic bytes: accepted by extension, and only if the whole file is valid UTF-8. */
const TEXT_BY_EXTENSION: Record<string, string> = {
  txt: 'text/plain; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  eml: 'message/rfc822',
};

/**
 * Decides from the first bytes (never from the client's Content-Type) whether the file
 * is on the allowlist and agrees with its name's extension. An .exe renamed .pdf is
 * detected as an executable and refused.
 */
export async function classifyUpload(head: Buffer, extension: string, opts: { allowZip: boolean }): Promise<FileKind> {
  const detected = await fileTypeFromBuffer(head);
  if (!detected) {
    const text = TEXT_BY_EXTENSION[extension];
    if (text) return { contentType: text, check: 'utf8' };
    throw new AppError('UNSUPPORTED_FILE_TYPE', 'the content is not a recognised document type');
  }
  const known = BY_MAGIC[detected.ext];
  if (known) {
    if (!known.extensions.includes(extension)) throw mismatch(detected.ext, extension);
    return { contentType: known.contentType, check: 'none' };
  }
  if (detected.ext === 'cfb') {
    const type = COMPOUND_FILE_BY_EXTENSION[extension];
    if (!type) throw mismatch('an OLE compound file (.doc or .msg)', extension);
    return { contentType: type, check: 'none' };
  }
  if (detected.ext === 'zip' && opts.allowZip) {
    if (extension !== 'zip') throw mismatch('zip', extension);
    return { contentType: 'application/zip', check: 'zip' };
  }
  throw new AppError('UNSUPPORTED_FILE_TYPE', `files of type ${detected.ext} are not accepted`);
}

function mismatch(detected: string, extension: string): AppError {
  return new AppError(
    'FILE_TYPE_MISMATCH',
    `the content is ${detected} but the name ends in ${extension ? `.${extension}` : 'no extension'}`,
  );
}
