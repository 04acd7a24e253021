import { z } from 'zod';

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
