import type { RouteShorthandOptions } from 'fastify';
import { z } from 'zod';
import { documentIdParams } from '../documents/index.ts';

export const createShareLinkBody = z.strictObject({
  expiresInDays: z.number().int().min(1).max(7).default(7),
  /** Optional; the recipient must give it before the bytes are served (argon2id, 5 tries). */
  passcode: z.string().min(6).max(128).optional(),
});
export const shareLinkIdParams = z.strictObject({ id: z.uuid({ message: 'must be a UUID' }) });
export const shareTokenParams = z.strictObject({ token: z.string().max(100) });
export const sharePasscodeBody = z.strictObject({ passcode: z.string().min(1).max(128) });

export const createdShareLinkResponse = z.object({ id: z.uuid(), url: z.string(), expiresAt: z.string() });
export const shareLinkResponse = z.object({
  id: z.uuid(),
  documentId: z.uuid(),
  expiresAt: z.string(),
  revokedAt: z.string().nullable(),
  locked: z.boolean(),
  hasPasscode: z.boolean(),
  createdBy: z.uuid(),
  createdAt: z.string(),
});
export const shareLinkListResponse = z.object({ shareLinks: z.array(shareLinkResponse) });

/*
 * Route options: each route's access declaration and OpenAPI schema, named after what it does; the routes file maps paths to handlers.
 * `satisfies RouteShorthandOptions` checks the shape without widening it, so the zod types still type request.body/params/query.
 */
const WRITERS = { portal: 'lawyer' as const, roles: ['org_admin' as const, 'lawyer' as const] };
const tags = ['share-links'];
/** Per client IP: enough for a person, too few to guess tokens or passcodes. */
const PUBLIC_LIMITS = [{ bucket: 'share-link', limit: 60, windowMs: 60_000 }];

/** POST /api/v1/documents/:id/share-links */
export const createShareLinkRoute = {
  config: { access: WRITERS },
  schema: {
    tags,
    summary: 'Share a document by link (1 to 7 days, optional passcode)',
    params: documentIdParams,
    body: createShareLinkBody,
    response: { 201: createdShareLinkResponse },
  },
} satisfies RouteShorthandOptions;

/** GET /api/v1/documents/:id/share-links */
export const listShareLinksRoute = {
  config: { access: { portal: 'lawyer' } },
  schema: {
    tags,
    summary: "A document's share links (never their tokens)",
    params: documentIdParams,
    response: { 200: shareLinkListResponse },
  },
} satisfies RouteShorthandOptions;

/** DELETE /api/v1/share-links/:id */
export const revokeShareLinkRoute = {
  config: { access: WRITERS },
  schema: { tags, summary: 'Revoke a share link', params: shareLinkIdParams },
} satisfies RouteShorthandOptions;

/** GET /s/:token */
export const openShareLinkRoute = {
  config: { access: { public: true }, rateLimits: PUBLIC_LIMITS },
  schema: { tags, summary: 'Open a share link', params: shareTokenParams },
} satisfies RouteShorthandOptions;

/** POST /s/:token */
export const openProtectedShareLinkRoute = {
  config: { access: { public: true }, rateLimits: PUBLIC_LIMITS },
  schema: { tags, summary: 'Open a passcode-protected share link', params: shareTokenParams, body: sharePasscodeBody },
} satisfies RouteShorthandOptions;
