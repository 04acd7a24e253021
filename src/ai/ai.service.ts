/**
 * The rules of AI analysis: quotas, the guard, reading documents through the vault, and each
 * tool answered by the configured model with the local analyzer as fallback. Nothing of a
 * question, a document or an answer is stored or logged here; only counts and sizes leave.
 */
import type { AppContext } from '../context/index.ts';
import type { Actor } from '../access/index.ts';
import { openDownload, unlockVersion } from '../documents/index.ts';
import type { Tx } from '../platform/db/index.ts';
import { AppError, notFound } from '../platform/errors.ts';
import * as repo from './ai.repository.ts';
import {
  MAX_QUESTION_BYTES,
  type AskInput,
  type PlaybookInput,
  type PlaybookRule,
  type PlaybookView,
  type Tool,
} from './ai.schemas.ts';
import { kindOf, extractText, EXTRACTION_LIMITS } from './extract/text-extraction.ts';
import { scoreText } from './guard/guard.ts';
import { CATEGORIES } from './analyzer/categories.ts';
import { askLocal, LOCAL_MODEL, planAsk, type Engine, type Meta } from './ai.engine.ts';
import { streamAsk } from './tools/ask-stream.ts';
import type { Source } from './tools/local-tools.ts';

export { engineFor, getProvider, putProvider } from './org-provider.ts';
export { listEntries as reviewLogEntries, recordIfOn as recordReviewLog, startReviewLogPurge } from './review-log.ts';
export { createEngine, runAsk, runExtract, runReview, runSummarize, type Engine, type Meta } from './ai.engine.ts';
export type { Source } from './tools/local-tools.ts';

export const TOOLS: Tool[] = ['extract', 'review', 'summarize', 'ask'];

export const categories = () => CATEGORIES.map((c) => ({ name: c.name, description: c.description }));

type Unlocked = Awaited<ReturnType<typeof unlockVersion>>;
export type Prepared = { documentIds: string[]; unlocked: Unlocked[]; inputBytes: number };

const today = (ctx: AppContext): string => ctx.clock.now().toISOString().slice(0, 10);

/** Refuses a question or guidance that tries to instruct the model (422 PROMPT_INJECTION with the classes). */
export function guardUserText(text: string, what: string): void {
  if (Buffer.byteLength(text, 'utf8') > MAX_QUESTION_BYTES)
    throw new AppError('PAYLOAD_TOO_LARGE', `The ${what} is over 50 KB`);
  const verdict = scoreText(text);
  if (verdict.refused) throw new AppError('PROMPT_INJECTION', undefined, { body: { classes: verdict.classes } });
}

export async function quotas(
  tx: Tx,
  ctx: AppContext,
): Promise<{ user: number; org: number; reviewLog: boolean; reviewLogDays: number }> {
  const s = await repo.readSettings(tx);
  return {
    user: s?.quota_user_per_day ?? ctx.config.ai.quotaUserPerDay,
    org: s?.quota_org_per_day ?? ctx.config.ai.quotaOrgPerDay,
    reviewLog: s?.review_log ?? false,
    reviewLogDays: Number(s?.review_log_days ?? 30),
  };
}

/** 429 AI_QUOTA_EXCEEDED when the caller or the organization has used today's calls. */
export async function checkQuota(tx: Tx, ctx: AppContext, actor: Actor): Promise<void> {
  const limits = await quotas(tx, ctx);
  const used = await repo.usageToday(tx, actor.userId, today(ctx));
  if (used.user >= limits.user || used.org >= limits.org) throw new AppError('AI_QUOTA_EXCEEDED');
}

/** Counts one call against today's quotas (and the usage by tool and day admins see). */
export async function countCall(tx: Tx, ctx: AppContext, actor: Actor, tool: Tool): Promise<void> {
  await repo.countCall(tx, { orgId: actor.orgId, userId: actor.userId, day: today(ctx), tool });
}

/** Refuses, before any byte is read, a document the tools cannot analyze: its type (422) or its size (413). */
export function checkAnalyzable(doc: { name: string; contentType: string; size: number }): void {
  if (!kindOf(doc.contentType, doc.name)) throw new AppError('UNSUPPORTED_DOCUMENT');
  if (doc.size > EXTRACTION_LIMITS.maxBytes) throw new AppError('AI_DOCUMENT_TOO_LARGE');
}

/** The text of a document held in memory; the bytes are the caller's to zero. */
export async function textOf(doc: { name: string; contentType: string }, bytes: Buffer): Promise<string> {
  const kind = kindOf(doc.contentType, doc.name);
  if (!kind) throw new AppError('UNSUPPORTED_DOCUMENT');
  return extractText(kind, bytes);
}

/**
 * Inside the request's tenant transaction: checks and counts the call against today's quotas,
 * then finds each document (same rules as the vault: another org's id is 404) and unwraps its key.
 */
export async function prepare(
  tx: Tx,
  ctx: AppContext,
  actor: Actor,
  tool: Tool,
  documentIds: string[],
): Promise<Prepared> {
  await checkQuota(tx, ctx, actor);
  const unlocked: Unlocked[] = [];
  let inputBytes = 0;
  for (const id of [...new Set(documentIds)]) {
    const u = await unlockVersion(tx, ctx, id);
    if (!kindOf(u.sealed.content_type, u.name)) {
      u.dataKey.fill(0);
      throw new AppError('UNSUPPORTED_DOCUMENT');
    }
    if (Number(u.sealed.size) > EXTRACTION_LIMITS.maxBytes) {
      u.dataKey.fill(0);
      throw new AppError('AI_DOCUMENT_TOO_LARGE');
    }
    inputBytes += Number(u.sealed.size);
    unlocked.push(u);
  }
  await countCall(tx, ctx, actor, tool);
  return { documentIds: [...new Set(documentIds)], unlocked, inputBytes };
}

/** After the transaction: decrypts each document into memory and extracts its text. Nothing touches disk. */
export async function loadSources(ctx: AppContext, prepared: Prepared): Promise<Source[]> {
  const out: Source[] = [];
  for (const [i, u] of prepared.unlocked.entries()) {
    const kind = kindOf(u.sealed.content_type, u.name);
    const download = await openDownload(ctx, u);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of download.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > EXTRACTION_LIMITS.maxBytes) {
        download.body.destroy();
        throw new AppError('AI_DOCUMENT_TOO_LARGE');
      }
      chunks.push(chunk);
    }
    const bytes = Buffer.concat(chunks);
    try {
      if (!kind) throw new AppError('UNSUPPORTED_DOCUMENT');
      out.push({ documentId: prepared.documentIds[i] ?? '', text: await extractText(kind, bytes) });
    } finally {
      bytes.fill(0);
      for (const c of chunks) c.fill(0);
    }
  }
  return out;
}

export async function usage(tx: Tx, ctx: AppContext) {
  const since = new Date(ctx.clock.now().getTime() - 30 * 86_400_000).toISOString().slice(0, 10);
  return { days: await repo.usageByDay(tx, since) };
}

export async function getSettings(tx: Tx, ctx: AppContext) {
  const q = await quotas(tx, ctx);
  return { quotaUserPerDay: q.user, quotaOrgPerDay: q.org, reviewLog: q.reviewLog, reviewLogDays: q.reviewLogDays };
}

export async function putSettings(
  tx: Tx,
  ctx: AppContext,
  actor: Actor,
  input: { quotaUserPerDay: number | null; quotaOrgPerDay: number | null; reviewLog?: boolean; reviewLogDays?: number },
) {
  await repo.writeSettings(tx, actor.orgId, input);
  if (input.reviewLog !== undefined || input.reviewLogDays !== undefined) {
    const current = await repo.readReviewLogSetting(tx);
    await repo.writeReviewLogSetting(
      tx,
      actor.orgId,
      input.reviewLog ?? current.on,
      input.reviewLogDays ?? current.days,
    );
  }
  return getSettings(tx, ctx);
}

/** What the tools panel shows: who answers for this organization and whether its review log is on. */
export async function status(tx: Tx, ctx: AppContext, engine: Engine) {
  const q = await quotas(tx, ctx);
  return {
    provider: engine.provider,
    model: engine.model,
    tools: TOOLS,
    reviewLog: q.reviewLog,
    reviewLogDays: q.reviewLogDays,
  };
}

// Playbooks. Guidance is written by org_admins, but it reaches the model too, so it passes the guard.

function checkRules(rules: PlaybookRule[]): void {
  for (const r of rules) if (r.guidance) guardUserText(r.guidance, 'guidance');
}

const toView = (r: repo.PlaybookRow): PlaybookView => ({
  id: r.id,
  name: r.name,
  rules: r.rules,
  createdAt: new Date(r.created_at).toISOString(),
  updatedAt: new Date(r.updated_at).toISOString(),
});

export async function createPlaybook(tx: Tx, actor: Actor, input: PlaybookInput): Promise<{ id: string }> {
  checkRules(input.rules);
  return { id: await repo.insertPlaybook(tx, { ...actor, name: input.name, rules: input.rules }) };
}

export async function listPlaybooks(tx: Tx) {
  return { playbooks: (await repo.listPlaybooks(tx)).map(toView) };
}

export async function getPlaybook(tx: Tx, id: string): Promise<PlaybookView> {
  const row = await repo.findPlaybook(tx, id);
  if (!row) throw notFound();
  return toView(row);
}

export async function replacePlaybook(tx: Tx, id: string, input: PlaybookInput): Promise<PlaybookView> {
  checkRules(input.rules);
  if (!(await repo.updatePlaybook(tx, id, input.name, input.rules))) throw notFound();
  return getPlaybook(tx, id);
}

export async function deletePlaybook(tx: Tx, id: string): Promise<void> {
  if (!(await repo.deletePlaybook(tx, id))) throw notFound();
}

export type { AskInput };

const FALLBACK = 'The model provider did not answer; the built-in local analyzer answered instead.';
type FinalAnswer = { answer: string; citations: unknown[]; unverifiedDropped: number; meta: Meta };

/**
 * `ask` as server-sent events: `delta` (answer text), `citation` (a verified quote), `reset` (the
 * model's partial answer is void: a local answer follows), and `done` with the whole answer.
 * `onDone` records the audit event before `done` is sent.
 */
export async function* askEvents(
  engine: Engine,
  sources: Source[],
  question: string,
  signal: AbortSignal,
  onDone: (final: FinalAnswer) => Promise<void>,
): AsyncGenerator<string> {
  const sse = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
  let final: FinalAnswer | null = null;
  if (engine.runner) {
    try {
      for await (const ev of streamAsk(engine.runner, planAsk(sources, question), signal)) {
        if (ev.type === 'delta') yield sse('delta', { text: ev.text });
        else if (ev.type === 'citation') yield sse('citation', ev.citation);
        else if (ev.type === 'reset') yield sse('reset', {});
        else
          final = {
            answer: ev.answer,
            citations: ev.citations,
            unverifiedDropped: ev.unverifiedDropped,
            meta: { provider: engine.provider, model: engine.model, unverifiedDropped: ev.unverifiedDropped },
          };
      }
    } catch {
      final = null;
    }
  }
  if (!final) {
    const local = askLocal(sources, question);
    const meta: Meta = { provider: 'local', model: LOCAL_MODEL, ...(engine.runner ? { fallback: FALLBACK } : {}) };
    final = { ...local, unverifiedDropped: 0, meta };
    yield sse('delta', { text: local.answer });
    for (const c of local.citations) yield sse('citation', c);
  }
  await onDone(final);
  const { meta, ...rest } = final;
  yield sse('done', { ...rest, ...meta, unverifiedDropped: rest.unverifiedDropped });
}
