/**
 * The opt-in review log of AI inputs and outputs. Off by default: with it off nothing of a question,
 * a document or an answer is kept anywhere (zero retention). When an org_admin turns it on, each AI
 * call leaves one entry: the inputs the caller gave (question, playbook rules, document ids) and the
 * output, as JSON encrypted with AES-256-GCM under a fresh data key that is wrapped under the
 * organization's key (the vault's keyring). The entry's id and organization are the AAD, so an entry
 * copied to another row or organization does not open. Entries expire after the organization's
 * review_log_days and a periodic job deletes them.
 */
import crypto from 'node:crypto';
import type { AppContext } from '../context/index.ts';
import type { Actor } from '../access/index.ts';
import { startPeriodicJob } from '../platform/jobs/index.ts';
import { unsafeWithOwner, type Database, type Tx } from '../platform/db/index.ts';
import * as repo from './ai.repository.ts';
import type { Tool } from './ai.schemas.ts';

export type ReviewLogEntry = {
  id: string;
  at: string;
  userId: string | null;
  tool: Tool;
  documentIds: string[];
  input: unknown;
  output: unknown;
  expiresAt: string;
};

const aad = (orgId: string, id: string) => Buffer.from(`chambers:ai-review-log:${orgId}:${id}`, 'utf8');
const DAY_MS = 86_400_000;
/** Entries the admin view returns at most, newest first. */
const LIST_LIMIT = 200;

/** Writes one entry when the organization has the log on; does nothing (stores nothing) when it is off. */
export async function recordIfOn(
  tx: Tx,
  ctx: AppContext,
  actor: Actor,
  entry: { tool: Tool; documentIds: string[]; input: unknown; output: unknown },
): Promise<boolean> {
  const setting = await repo.readReviewLogSetting(tx);
  if (!setting.on) return false;
  const id = crypto.randomUUID();
  const key = await ctx.orgKeyring.newDataKey(tx, actor.orgId);
  try {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', key.dataKey, iv);
    cipher.setAAD(aad(actor.orgId, id));
    const plain = Buffer.from(JSON.stringify({ input: entry.input, output: entry.output }), 'utf8');
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    plain.fill(0);
    await repo.insertReviewLog(tx, {
      id,
      org_id: actor.orgId,
      user_id: actor.userId,
      tool: entry.tool,
      document_ids: entry.documentIds,
      expires_at: new Date(ctx.clock.now().getTime() + setting.days * DAY_MS),
      org_key_version: key.orgKeyVersion,
      wrapped_data_key: key.wrappedDataKey,
      ciphertext: Buffer.concat([iv, body, cipher.getAuthTag()]),
    });
  } finally {
    key.dataKey.fill(0);
  }
  return true;
}

function open(key: Buffer, orgId: string, id: string, sealed: Buffer): { input: unknown; output: unknown } {
  const decipher = crypto.createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
  decipher.setAAD(aad(orgId, id));
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  const plain = Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()]);
  return JSON.parse(plain.toString('utf8')) as { input: unknown; output: unknown };
}

/** The organization's entries, decrypted for its org_admin (RLS shows them to no one else). */
export async function listEntries(tx: Tx, ctx: AppContext, actor: Actor): Promise<{ entries: ReviewLogEntry[] }> {
  const rows = await repo.listReviewLog(tx, LIST_LIMIT);
  const entries: ReviewLogEntry[] = [];
  for (const r of rows) {
    const key = await ctx.orgKeyring.unwrapDataKey(tx, actor.orgId, Buffer.from(r.wrapped_data_key), r.org_key_version);
    try {
      const body = open(key, actor.orgId, r.id, Buffer.from(r.ciphertext));
      entries.push({
        id: r.id,
        at: new Date(r.created_at).toISOString(),
        userId: r.user_id,
        tool: r.tool,
        documentIds: r.document_ids,
        input: body.input,
        output: body.output,
        expiresAt: new Date(r.expires_at).toISOString(),
      });
    } finally {
      key.fill(0);
    }
  }
  return { entries };
}

/** Deletes every organization's expired entries. A background job crosses organizations: the owner path. */
export async function unsafePurgeExpiredReviewLog(db: Database, now: Date): Promise<number> {
  return unsafeWithOwner(db, (tx) => repo.deleteExpiredReviewLog(tx, now));
}

/** The purge, every hour in this process. Returns the stop function. */
export function startReviewLogPurge(ctx: AppContext): () => Promise<void> {
  const job = startPeriodicJob({
    name: 'ai-review-log-purge',
    everyMs: 60 * 60 * 1000,
    logger: ctx.logger,
    run: async () => {
      const n = await unsafePurgeExpiredReviewLog(ctx.db, ctx.clock.now());
      if (n > 0) ctx.logger.info({ job: 'ai-review-log-purge', count: n }, 'expired AI review log entries deleted');
    },
  });
  return () => job.stop();
}
