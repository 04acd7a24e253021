import type { FastifyRequest, RouteShorthandOptions } from 'fastify';
import { z } from 'zod';

/** Hard ceiling of any organization's upload limit. */
export const MAX_UPLOAD_CEILING = 2 * 1024 ** 3;

export const documentIdParams = z.strictObject({ id: z.uuid({ message: 'must be a UUID' }) });
export const matterDocumentsParams = z.strictObject({ id: z.uuid({ message: 'must be a UUID' }) });
export const versionParams = z.strictObject({
  id: z.uuid({ message: 'must be a UUID' }),
  n: z.coerce.number().int().min(1).max(1_000_000),
});

const tag = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(50)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} _.-]*$/u, 'letters, digits, space, _ . -');

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

/*
 * Route options: each route's access declaration and OpenAPI schema, named after what it does; the routes file maps paths to handlers.
 * `satisfies RouteShorthandOptions` checks the shape without widening it, so the zod types still type request.body/params/query.
 */
const READERS = { portal: 'lawyer' } as const;
const WRITERS = { portal: 'lawyer', roles: ['org_admin', 'lawyer'] } as const;
const ADMINS = { portal: 'lawyer', roles: ['org_admin'] } as const;
const tags = ['documents'];

/**
 * What makes two uploads "the same request" for Idempotency-Key, known before the body
 * streams in: its length and, when the client sends one, its RFC 9530 Content-Digest.
 * Without a digest a different file of the same length under a reused key is replayed,
 * not refused; clients that want that refusal send Content-Digest.
 */
const uploadFingerprint = (request: FastifyRequest): string =>
  `${request.headers['content-length'] ?? 'chunked'}\n${String(request.headers['content-digest'] ?? '').slice(0, 512)}`;

/** POST /api/v1/matters/:id/documents */
export const uploadDocumentRoute = {
  config: { access: { ...WRITERS, roles: [...WRITERS.roles] }, idempotent: { fingerprint: uploadFingerprint } },
  schema: {
    tags,
    summary: 'Upload a document (multipart, field "file")',
    params: matterDocumentsParams,
    response: { 201: documentResponse },
  },
} satisfies RouteShorthandOptions;

/** POST /api/v1/documents/:id/versions */
export const uploadVersionRoute = {
  config: { access: { ...WRITERS, roles: [...WRITERS.roles] }, idempotent: { fingerprint: uploadFingerprint } },
  schema: {
    tags,
    summary: 'Upload a new version of a document (multipart, field "file")',
    params: documentIdParams,
    response: { 201: documentResponse },
  },
} satisfies RouteShorthandOptions;

/** GET /api/v1/matters/:id/documents */
export const listMatterDocumentsRoute = {
  config: { access: READERS },
  schema: {
    tags,
    summary: "A matter's documents (current versions)",
    params: matterDocumentsParams,
    response: { 200: documentListResponse },
  },
} satisfies RouteShorthandOptions;

/** GET /api/v1/documents */
export const searchDocumentsRoute = {
  config: { access: READERS },
  schema: {
    tags,
    summary: 'Search documents by name, tag or matter reference/title (never by content)',
    querystring: searchDocumentsQuery,
    response: { 200: documentListResponse },
  },
} satisfies RouteShorthandOptions;

/** GET /api/v1/documents/:id */
export const getDocumentRoute = {
  config: { access: READERS },
  schema: { tags, summary: "A document's metadata", params: documentIdParams, response: { 200: documentResponse } },
} satisfies RouteShorthandOptions;

/** PATCH /api/v1/documents/:id */
export const updateDocumentRoute = {
  config: { access: { ...WRITERS, roles: [...WRITERS.roles] } },
  schema: {
    tags,
    summary: "Set a document's tags",
    params: documentIdParams,
    body: updateDocumentBody,
    response: { 200: documentResponse },
  },
} satisfies RouteShorthandOptions;

/** PUT /api/v1/documents/:id/legal-hold: lifting it lets the document be deleted. */
export const documentLegalHoldRoute = {
  config: { access: { ...ADMINS, roles: [...ADMINS.roles], destructive: true } },
  schema: {
    tags,
    summary: 'Place or lift a legal hold on one document',
    params: documentIdParams,
    body: legalHoldBody,
    response: { 200: documentResponse },
  },
} satisfies RouteShorthandOptions;

/** GET /api/v1/documents/:id/content */
export const documentContentRoute = {
  config: { access: READERS },
  schema: {
    tags,
    summary: 'The bytes of the current version (streamed, decrypted on the fly)',
    params: documentIdParams,
  },
} satisfies RouteShorthandOptions;

/** GET /api/v1/documents/:id/versions */
export const listVersionsRoute = {
  config: { access: READERS },
  schema: {
    tags,
    summary: 'Every version of a document, newest first',
    params: documentIdParams,
    response: { 200: versionListResponse },
  },
} satisfies RouteShorthandOptions;

/** GET /api/v1/documents/:id/versions/:n/content */
export const versionContentRoute = {
  config: { access: READERS },
  schema: { tags, summary: 'The bytes of one version', params: versionParams },
} satisfies RouteShorthandOptions;

/** DELETE /api/v1/documents/:id */
export const deleteDocumentRoute = {
  config: { access: { ...WRITERS, roles: [...WRITERS.roles] } },
  schema: {
    tags,
    summary: 'Delete for good: erase the keys (crypto-shredding) and the blobs, keep a nameless tombstone',
    params: documentIdParams,
  },
} satisfies RouteShorthandOptions;

/** GET /api/v1/document-policy */
export const getDocumentPolicyRoute = {
  config: { access: { ...ADMINS, roles: [...ADMINS.roles] } },
  schema: {
    tags,
    summary: "The organization's document policy (limits, ZIP, scanner fallback, retention)",
    response: { 200: documentPolicyResponse },
  },
} satisfies RouteShorthandOptions;

/** PUT /api/v1/document-policy: a shorter retention destroys documents at the next run. */
export const changeDocumentPolicyRoute = {
  config: { access: { ...ADMINS, roles: [...ADMINS.roles], destructive: true } },
  schema: {
    tags,
    summary: "Change the organization's document policy",
    body: documentPolicyBody,
    response: { 200: documentPolicyResponse },
  },
} satisfies RouteShorthandOptions;
