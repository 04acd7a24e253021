import type { RouteShorthandOptions } from 'fastify';
import { z } from 'zod';

export const matterIdParams = z.strictObject({ id: z.uuid({ message: 'must be a UUID' }) });

export const createMatterBody = z.strictObject({
  title: z.string().trim().min(1).max(300),
  reference: z.string().trim().min(1).max(100).optional(),
  clientName: z.string().trim().min(1).max(300).optional(),
});
export type CreateMatterInput = z.infer<typeof createMatterBody>;

export const updateMatterBody = z
  .strictObject({
    title: z.string().trim().min(1).max(300).optional(),
    reference: z.string().trim().min(1).max(100).nullable().optional(),
    clientName: z.string().trim().min(1).max(300).nullable().optional(),
    status: z.enum(['open', 'archived']).optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'give at least one field to change' });
export type UpdateMatterInput = z.infer<typeof updateMatterBody>;

export const listMattersQuery = z.strictObject({
  q: z.string().trim().min(1).max(200).optional(),
  status: z.enum(['open', 'archived', 'all']).default('open'),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(200).optional(),
});
export type ListMattersQuery = z.infer<typeof listMattersQuery>;

export const matterResponse = z.object({
  id: z.uuid(),
  title: z.string(),
  reference: z.string().nullable(),
  clientName: z.string().nullable(),
  status: z.enum(['open', 'archived']),
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
    summary: 'Rename, re-reference or archive a matter',
    params: matterIdParams,
    body: updateMatterBody,
    response: { 200: matterResponse },
  },
} satisfies RouteShorthandOptions;

/** POST /api/v1/matters/:id/archive and …/unarchive. */
export const matterStatusRoute = (action: 'archive' | 'unarchive') =>
  ({
    config: { access: { portal: 'lawyer', roles: [...WRITERS] } },
    schema: {
      tags: ['matters'],
      summary: action === 'archive' ? 'Archive a matter' : 'Reopen an archived matter',
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
