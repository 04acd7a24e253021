import { z } from 'zod';
import { MAX_UPLOAD_CEILING } from './document-policy.ts';

export const documentIdParams = z.strictObject({ id: z.uuid({ message: 'must be a UUID' }) });
export const matterDocumentsParams = z.strictObject({ id: z.uuid({ message: 'must be a UUID' }) });
export const versionParams = z.strictObject({ id: z.uuid({ message: 'must be a UUID' }), n: z.coerce.number().int().min(1).max(1_000_000) });

const tag = z.string().trim().toLowerCase().min(1).max(50).regex(/^[\p{L}\p{N}][\p{L}\p{N} _.-]*$/u, 'letters, digits, space, _ . -');

export const updateDocumentBody = z.strictObject({ tags: z.array(tag).max(20) });
export const legalHoldBody = z.strictObject({ hold: z.boolean() });

export const searchDocumentsQuery = z.strictObject({
  q: z.string().trim().min(1).max(200).optional(),
  tag: tag.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type SearchDocumentsQuery = z.infer<typeof searchDocumentsQuery>;

export const documentResponse = z.object({
  id: z.uuid(),
  matterId: z.uuid(),
  name: z.string(),
  size: z.number().int(),
  sha256: z.string(),
  contentType: z.string(),
  version: z.number().int(),
  tags: z.array(z.string()),
  legalHold: z.boolean(),
  /** clean, unscanned (the scanner was down and the policy accepted it) or not_configured (no scanner). */
  scanStatus: z.enum(['clean', 'unscanned', 'not_configured']),
  createdBy: z.uuid(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** When retention will delete it, or null. */
  expiresAt: z.string().nullable(),
});
export type DocumentView = z.infer<typeof documentResponse>;

export const documentListResponse = z.object({ documents: z.array(documentResponse) });

export const versionResponse = z.object({
  version: z.number().int(),
  name: z.string().nullable(),
  size: z.number().int(),
  sha256: z.string(),
  contentType: z.string(),
  scanStatus: z.enum(['clean', 'unscanned', 'not_configured']),
  createdBy: z.uuid(),
  createdAt: z.string(),
  current: z.boolean(),
});
export const versionListResponse = z.object({ versions: z.array(versionResponse) });

export const documentPolicyResponse = z.object({
  maxUploadBytes: z.number().int(),
  quotaBytes: z.number().int().nullable(),
  allowZip: z.boolean(),
  scannerUnavailable: z.enum(['refuse', 'accept_unscanned']),
  retentionDays: z.number().int().nullable(),
  retentionTag: z.string().nullable(),
});

export const documentPolicyBody = z
  .strictObject({
    maxUploadBytes: z.number().int().min(1).max(MAX_UPLOAD_CEILING).optional(),
    quotaBytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable().optional(),
    allowZip: z.boolean().optional(),
    scannerUnavailable: z.enum(['refuse', 'accept_unscanned']).optional(),
    /** Delete documents this many days after upload (null: retention off). */
    retentionDays: z.number().int().min(1).max(36500).nullable().optional(),
    /** Apply retention only to documents carrying this tag (null: to all). */
    retentionTag: z.string().trim().toLowerCase().min(1).max(50).nullable().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'give at least one setting' });
export type DocumentPolicyInput = z.infer<typeof documentPolicyBody>;

/**
 * `Content-Disposition: attachment` per RFC 6266: an ASCII fallback `filename` (quotes,
 * backslashes and non-ASCII replaced) and the exact UTF-8 name in `filename*` (RFC 8187).
 */
export function attachmentDisposition(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, '_') || 'document';
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/**
 * The response headers of every served document (here and through share links): never
 * sniffed, never run as a page of our origin. Part of the download's HTTP contract.
 */
export function documentHeaders(name: string, contentType: string, size: number): Record<string, string> {
  return {
    'content-type': contentType,
    'content-length': String(size),
    'content-disposition': attachmentDisposition(name),
    'x-content-type-options': 'nosniff',
    'content-security-policy': 'sandbox',
    'cache-control': 'private, no-store',
  };
}
