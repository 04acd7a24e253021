import { sql } from 'kysely';
import { z } from 'zod';
import type { Tx } from '../platform/db/index.ts';

/** Hard ceiling of any organization's upload limit. */
export const MAX_UPLOAD_CEILING = 2 * 1024 ** 3;

/** The policy of an organization that never set one: safe defaults, retention off. */
export type DocumentPolicy = {
  maxUploadBytes: number;
  quotaBytes: number | null;
  allowZip: boolean;
  scannerUnavailable: 'refuse' | 'accept_unscanned';
  retentionDays: number | null;
  retentionTag: string | null;
};
export const DEFAULT_DOCUMENT_POLICY: Readonly<DocumentPolicy> = Object.freeze({
  maxUploadBytes: 15 * 1024 * 1024,
  quotaBytes: null,
  allowZip: false,
  scannerUnavailable: 'refuse',
  retentionDays: null,
  retentionTag: null,
});

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

/** The organization's policy; without one, the defaults with the deployment's BODY_LIMIT as upload limit. */
export async function readDocumentPolicy(tx: Tx, orgId: string, defaultMaxUpload: number): Promise<DocumentPolicy> {
  const row = await tx.selectFrom('chambers.document_policies').selectAll().where('org_id', '=', orgId).executeTakeFirst();
  if (!row) return { ...DEFAULT_DOCUMENT_POLICY, maxUploadBytes: Math.min(defaultMaxUpload, MAX_UPLOAD_CEILING) };
  return {
    maxUploadBytes: Number(row.max_upload_bytes),
    quotaBytes: row.quota_bytes === null ? null : Number(row.quota_bytes),
    allowZip: row.allow_zip,
    scannerUnavailable: row.scanner_unavailable,
    retentionDays: row.retention_days,
    retentionTag: row.retention_tag,
  };
}

/** Merges the given settings into the organization's policy (an org_admin's act; RLS checks the role too). */
export async function writeDocumentPolicy(tx: Tx, orgId: string, input: DocumentPolicyInput, defaultMaxUpload: number): Promise<DocumentPolicy> {
  const next = { ...(await readDocumentPolicy(tx, orgId, defaultMaxUpload)), ...input };
  const values = {
    max_upload_bytes: next.maxUploadBytes,
    quota_bytes: next.quotaBytes,
    allow_zip: next.allowZip,
    scanner_unavailable: next.scannerUnavailable,
    retention_days: next.retentionDays,
    retention_tag: next.retentionTag,
  };
  await tx
    .insertInto('chambers.document_policies')
    .values({ org_id: orgId, ...values })
    .onConflict((oc) => oc.column('org_id').doUpdateSet({ ...values, updated_at: sql<Date>`now()` }))
    .execute();
  return next;
}

/** When retention will delete a document uploaded at `createdAt` with `tags`, or null. */
export function retentionExpiry(policy: DocumentPolicy, createdAt: Date, tags: string[]): Date | null {
  if (policy.retentionDays === null) return null;
  if (policy.retentionTag !== null && !tags.includes(policy.retentionTag)) return null;
  return new Date(createdAt.getTime() + policy.retentionDays * 86_400_000);
}
