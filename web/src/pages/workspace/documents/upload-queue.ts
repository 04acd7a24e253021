import type { DocumentMeta } from '../../../api/types.ts';

/** Where a file goes: a new document of the matter, or a new version of one of its documents. */
export type UploadTarget = { kind: 'new' } | { kind: 'version'; documentId: string };

/**
 * One file of a multi-file upload. `asking`: named like an existing document, it waits
 * for its user to choose a target; then `queued` → `uploading` → `done`, `failed` or `cancelled`.
 */
export type Upload = {
  key: number;
  file: File;
  status: 'asking' | 'queued' | 'uploading' | 'done' | 'failed' | 'cancelled';
  progress: number;
  target?: UploadTarget;
  /** The document of the matter with the same name, when there is one. */
  existing?: DocumentMeta;
  result?: DocumentMeta;
  error?: string;
};

/**
 * Do two file names name the same document for a person? Compared as the server stores
 * names (NFC, whitespace folded) and without regard to case: "Brief.PDF" is "brief.pdf".
 */
export function sameName(a: string, b: string): boolean {
  const norm = (s: string) => s.normalize('NFC').replace(/\s+/g, ' ').trim().toLocaleLowerCase();
  return norm(a) === norm(b);
}
