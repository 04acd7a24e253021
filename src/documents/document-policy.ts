import type { Tx } from '../platform/db/index.ts';
import * as repo from './documents.repository.ts';
import { MAX_UPLOAD_CEILING, type DocumentPolicyInput } from './documents.schemas.ts';

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

/** The organization's policy; without one, the defaults with the deployment's BODY_LIMIT as upload limit. */
export async function readDocumentPolicy(tx: Tx, orgId: string, defaultMaxUpload: number): Promise<DocumentPolicy> {
  const row = await repo.findDocumentPolicy(tx, orgId);
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
export async function writeDocumentPolicy(
  tx: Tx,
  orgId: string,
  input: DocumentPolicyInput,
  defaultMaxUpload: number,
): Promise<DocumentPolicy> {
  const next = { ...(await readDocumentPolicy(tx, orgId, defaultMaxUpload)), ...input };
  await repo.saveDocumentPolicy(tx, orgId, {
    max_upload_bytes: next.maxUploadBytes,
    quota_bytes: next.quotaBytes,
    allow_zip: next.allowZip,
    scanner_unavailable: next.scannerUnavailable,
    retention_days: next.retentionDays,
    retention_tag: next.retentionTag,
  });
  return next;
}

/** The part of the policy that decides when retention deletes a document. */
export type RetentionSetting = Pick<DocumentPolicy, 'retentionDays' | 'retentionTag'>;

/** When retention will delete a document uploaded at `createdAt` with `tags`, or null. */
export function retentionExpiry(policy: RetentionSetting, createdAt: Date, tags: string[]): Date | null {
  if (policy.retentionDays === null) return null;
  if (policy.retentionTag !== null && !tags.includes(policy.retentionTag)) return null;
  return new Date(createdAt.getTime() + policy.retentionDays * 86_400_000);
}
