import type { RouteShorthandOptions } from 'fastify';
import { z } from 'zod';

export const matterIdParams = z.strictObject({ id: z.uuid({ message: 'must be a UUID' }) });

/** What a matter is about, beside its title: free short labels the firm chooses (the web app suggests common ones). */
const label = z.string().trim().min(1).max(100);
const lifecycleFields = {
  matterType: label.nullable().optional(),
  practiceArea: label.nullable().optional(),
  /** One of the firm's clients (GET /api/v1/clients); the matter shows its name. */
  clientId: z.uuid().nullable().optional(),
  /** The member answerable for the matter. */
  responsibleUserId: z.uuid().nullable().optional(),
  /** The other members working on it (replaces the earlier list). */
  teamIds: z.array(z.uuid()).max(100).optional(),
};

export const createMatterBody = z.strictObject({
  title: z.string().trim().min(1).max(300),
  reference: z.string().trim().min(1).max(100).optional(),
  clientName: z.string().trim().min(1).max(300).optional(),
  ...lifecycleFields,
});
export type CreateMatterInput = z.infer<typeof createMatterBody>;

export const matterStatus = z.enum(['open', 'closed', 'archived']);
export type MatterStatus = z.infer<typeof matterStatus>;

export const updateMatterBody = z
  .strictObject({
    title: z.string().trim().min(1).max(300).optional(),
    reference: z.string().trim().min(1).max(100).nullable().optional(),
    clientName: z.string().trim().min(1).max(300).nullable().optional(),
    status: matterStatus.optional(),
    ...lifecycleFields,
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'give at least one field to change' });
export type UpdateMatterInput = z.infer<typeof updateMatterBody>;

export const listMattersQuery = z.strictObject({
  q: z.string().trim().min(1).max(200).optional(),
  status: z.enum(['open', 'closed', 'archived', 'all']).default('open'),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(200).optional(),
});
export type ListMattersQuery = z.infer<typeof listMattersQuery>;

export const matterResponse = z.object({
  id: z.uuid(),
  title: z.string(),
  reference: z.string().nullable(),
  clientName: z.string().nullable(),
  status: matterStatus,
  matterType: z.string().nullable(),
  practiceArea: z.string().nullable(),
  clientId: z.uuid().nullable(),
  responsibleUserId: z.uuid().nullable(),
  teamIds: z.array(z.uuid()),
  closedAt: z.string().nullable(),
  /** Documents of a matter under legal hold cannot be deleted, on demand or by retention. */
  legalHold: z.boolean(),
  createdBy: z.uuid(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type MatterView = z.infer<typeof matterResponse>;

export const matterListResponse = z.object({ matters: z.array(matterResponse), nextCursor: z.string().nullable() });

export const legalHoldBody = z.strictObject({ hold: z.boolean() });

/** The members an ethical wall admits; everyone else in the organization gets 404 for the matter and its documents. */
export const wallBody = z.strictObject({ memberIds: z.array(z.uuid()).min(1).max(500) });
export const wallResponse = z.object({ matterId: z.uuid(), walled: z.boolean(), memberIds: z.array(z.uuid()) });
export type WallView = z.infer<typeof wallResponse>;

/*
 * Route options: each route's access declaration and OpenAPI schema, named after what it does; the routes file maps paths to handlers.
 * `satisfies RouteShorthandOptions` checks the shape without widening it, so the zod types still type request.body/params/query.
 */
const WRITERS = ['org_admin', 'lawyer'] as const;
const ADMIN = { portal: 'lawyer', roles: ['org_admin'] } as const;

export const openMatterRoute = {
  config: { access: { portal: 'lawyer', roles: [...WRITERS] }, idempotent: true },
  schema: { tags: ['matters'], summary: 'Open a matter', body: createMatterBody, response: { 201: matterResponse } },
} satisfies RouteShorthandOptions;

export const listMattersRoute = {
  config: { access: { portal: 'lawyer' } },
  schema: {
    tags: ['matters'],
    summary: 'List and search matters',
    querystring: listMattersQuery,
    response: { 200: matterListResponse },
  },
} satisfies RouteShorthandOptions;

export const getMatterRoute = {
  config: { access: { portal: 'lawyer' } },
  schema: { tags: ['matters'], summary: 'One matter', params: matterIdParams, response: { 200: matterResponse } },
} satisfies RouteShorthandOptions;

export const updateMatterRoute = {
  config: { access: { portal: 'lawyer', roles: [...WRITERS] } },
  schema: {
    tags: ['matters'],
    summary: 'Edit a matter: title, reference, client, type, practice area, responsible lawyer, team',
    params: matterIdParams,
    body: updateMatterBody,
    response: { 200: matterResponse },
  },
} satisfies RouteShorthandOptions;

/** POST /api/v1/matters/:id/archive, …/unarchive, …/close and …/reopen. */
export type MatterStatusAction = 'archive' | 'unarchive' | 'close' | 'reopen';
const STATUS_SUMMARY: Record<MatterStatusAction, string> = {
  archive: 'Archive a matter',
  unarchive: 'Bring an archived matter back (open)',
  close: 'Close a matter: the work is done, its record stays',
  reopen: 'Reopen a closed or archived matter',
};
export const matterStatusRoute = (action: MatterStatusAction) =>
  ({
    config: { access: { portal: 'lawyer', roles: [...WRITERS] } },
    schema: {
      tags: ['matters'],
      summary: STATUS_SUMMARY[action],
      params: matterIdParams,
      response: { 200: matterResponse },
    },
  }) satisfies RouteShorthandOptions;

export const legalHoldRoute = {
  // Lifting the hold lets the matter's documents be deleted.
  config: { access: { portal: 'lawyer', roles: ['org_admin'], destructive: true } },
  schema: {
    tags: ['matters'],
    summary: 'Place or lift a legal hold: no document of the matter can be deleted while it holds',
    params: matterIdParams,
    body: legalHoldBody,
    response: { 200: matterResponse },
  },
} satisfies RouteShorthandOptions;

export const getWallRoute = {
  config: { access: { ...ADMIN, roles: [...ADMIN.roles] } },
  schema: {
    tags: ['matters'],
    summary: 'Who an ethical wall admits',
    params: matterIdParams,
    response: { 200: wallResponse },
  },
} satisfies RouteShorthandOptions;

export const setWallRoute = {
  config: { access: { ...ADMIN, roles: [...ADMIN.roles] } },
  schema: {
    tags: ['matters'],
    summary: 'Restrict a matter and its documents to named members (ethical wall)',
    params: matterIdParams,
    body: wallBody,
    response: { 200: wallResponse },
  },
} satisfies RouteShorthandOptions;

export const liftWallRoute = {
  config: { access: { ...ADMIN, roles: [...ADMIN.roles] } },
  schema: { tags: ['matters'], summary: 'Lift an ethical wall', params: matterIdParams },
} satisfies RouteShorthandOptions;
