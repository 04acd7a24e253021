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
