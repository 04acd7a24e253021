import type { RouteShorthandOptions } from 'fastify';
import { z } from 'zod';

const tags = ['privacy'];

/** The phrase a person types to delete their account (the web app shows it). */
export const ERASURE_PHRASE = 'DELETE MY ACCOUNT';

export const exportIdParams = z.strictObject({ id: z.uuid({ message: 'must be a UUID' }) });
export const downloadQuery = z.strictObject({ token: z.string().min(20).max(100) });

export const exportCreatedResponse = z.object({ id: z.uuid() });
export const exportStatusResponse = z.object({
  status: z.enum(['pending', 'ready', 'expired', 'failed']),
  /** A single-use link, minted afresh on each look while the archive waits: only the newest one works. */
  downloadUrl: z.string().optional(),
  expiresAt: z.string(),
  files: z.number().int().optional(),
  bytes: z.number().int().optional(),
});
export type ExportStatusView = z.infer<typeof exportStatusResponse>;

export const erasureBody = z.strictObject({
  password: z.string().min(1).max(1024),
  // Checked in the service, so a wrong phrase gets its own stable code rather than a validation error.
  confirmation: z.string().max(100),
});
export type ErasureInput = z.infer<typeof erasureBody>;

export const erasureResponse = z.object({
  status: z.literal('erased'),
  /** Records a legal hold keeps (and why erasure left them): the organization's audit events stay readable to it. */
  held: z.array(z.object({ kind: z.literal('audit_log'), orgId: z.uuid() })),
});
export type ErasureView = z.infer<typeof erasureResponse>;

/*
 * Account routes: every signed-in user, with or without an organization selected. The
 * recent factor ("within 10 minutes, when the account has one") is checked by the
 * service: a declaration would shut out accounts without a second factor entirely.
 */
const ACCOUNT = { orgOptional: true } as const;

export const requestExportRoute = {
  config: { access: ACCOUNT },
  schema: {
    tags,
    summary: 'Ask for an archive of everything Chambers holds about you',
    response: { 202: exportCreatedResponse },
  },
} satisfies RouteShorthandOptions;

export const exportStatusRoute = {
  config: { access: ACCOUNT },
  schema: {
    tags,
    summary: 'Progress of a data export and, when ready, its single-use link',
    params: exportIdParams,
    response: { 200: exportStatusResponse },
  },
} satisfies RouteShorthandOptions;

export const downloadExportRoute = {
  config: { access: ACCOUNT },
  schema: {
    tags,
    summary: 'Download the archive (once); it is deleted as it is handed over',
    params: exportIdParams,
    querystring: downloadQuery,
  },
} satisfies RouteShorthandOptions;

export const eraseAccountRoute = {
  config: { access: ACCOUNT },
  schema: {
    tags,
    summary: 'Delete your account: sessions end, personal data is erased, kept records stay under a pseudonym',
    body: erasureBody,
    response: { 202: erasureResponse },
  },
} satisfies RouteShorthandOptions;
