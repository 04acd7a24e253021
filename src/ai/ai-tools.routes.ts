import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../context/index.ts';
import { actorOf, inRequestTenant, requestFacts } from '../access/index.ts';
import { readCaseDocumentForAnalysis } from '../judicial/index.ts';
import { AppError } from '../platform/errors.ts';
import {
  askRoute,
  extractRoute,
  judicialAskRoute,
  judicialExtractRoute,
  judicialReviewRoute,
  judicialSummarizeRoute,
  reviewRoute,
  summarizeRoute,
  type Tool,
} from './ai.schemas.ts';
import * as service from './ai.service.ts';

/**
 * Where the tools read their documents: the firm vault (lawyer portal, `/api/v1/ai/…`) or
 * the judicial store (judge portal, `/api/v1/judicial/ai/…`). Quotas, the guard, the
 * engines and zero retention are the same; a case document never enters the organization's
 * review log, which a court's administrators could read: chambers share nothing.
 */
export type SourceKind = 'vault' | 'judicial';

const ROUTES = {
  vault: {
    prefix: '/api/v1/ai',
    extract: extractRoute,
    review: reviewRoute,
    summarize: summarizeRoute,
    ask: askRoute,
  },
  judicial: {
    prefix: '/api/v1/judicial/ai',
    extract: judicialExtractRoute,
    review: judicialReviewRoute,
    summarize: judicialSummarizeRoute,
    ask: judicialAskRoute,
  },
} as const;

/**
 * Case documents as sources: each read through the judicial module's one door, in the caller's
 * own judicial request (the store's policies decide: another judge's document is a 404), its
 * text extracted in memory and its bytes zeroed. Nothing is written anywhere.
 */
async function caseSources(ctx: AppContext, request: FastifyRequest, tool: Tool, ids: string[]) {
  const out: service.Source[] = [];
  for (const id of [...new Set(ids)]) {
    const doc = await readCaseDocumentForAnalysis(ctx, request, id, { tool, accept: service.checkAnalyzable });
    try {
      out.push({ documentId: doc.id, text: await service.textOf(doc, doc.bytes) });
    } finally {
      doc.bytes.fill(0);
    }
  }
  return out;
}

/** The four tools, on the firm vault and on case documents, sharing one engine (and its circuit breaker). */
export async function aiToolRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const serverEngine = service.createEngine(ctx.config.ai);
  await toolRoutes(app, ctx, serverEngine, 'vault');
  await toolRoutes(app, ctx, serverEngine, 'judicial');
}

async function toolRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  serverEngine: service.Engine,
  kind: SourceKind,
): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const routes = ROUTES[kind];

  /** The audit record of one AI call: tool, sources, sizes, provider, model, latency, outcome. Never content. */
  const audit = (
    request: FastifyRequest,
    tool: Tool,
    ids: string[],
    facts: { inputChars: number; outputChars: number; startedAt: number; meta: service.Meta },
  ) => {
    const actor = actorOf(request);
    return ctx.audit.record({
      action: 'ai.request',
      outcome: 'success',
      orgId: actor.orgId,
      actorId: actor.userId,
      target: ids[0] ?? null,
      details: {
        tool,
        docs: ids.length,
        ...(ids.length > 1 ? { moreDocs: ids.slice(1, 6).join(',') } : {}),
        inputChars: facts.inputChars,
        answerChars: facts.outputChars,
        provider: facts.meta.provider,
        model: facts.meta.model,
        latencyMs: Math.round(performance.now() - facts.startedAt),
        fallback: Boolean(facts.meta.fallback),
        unverifiedDropped: facts.meta.unverifiedDropped ?? 0,
        ...(kind === 'judicial' ? { source: 'judicial' } : {}),
      },
      ...requestFacts(request),
    });
  };
  const refused = async (request: FastifyRequest, tool: Tool, err: unknown) => {
    if (!(err instanceof AppError) || err.code !== 'PROMPT_INJECTION') return;
    const actor = actorOf(request);
    const classes = (err.extra.body?.classes as string[] | undefined)?.join(',') ?? '';
    await ctx.audit.record({
      action: 'ai.refused',
      outcome: 'denied',
      orgId: actor.orgId,
      actorId: actor.userId,
      target: null,
      details: { tool, rule: 'prompt_injection', classes },
      ...requestFacts(request),
    });
  };
  /** Quota, documents and the organization's engine; then the text, in memory. */
  const load = async (
    request: FastifyRequest,
    tool: Tool,
    ids: string[],
  ): Promise<{ sources: service.Source[]; engine: service.Engine }> => {
    if (kind === 'vault') {
      const { prepared, engine } = await inRequestTenant(ctx.db, request, async (tx, actor) => ({
        prepared: await service.prepare(tx, ctx, actor, tool, ids),
        engine: await service.engineFor(tx, ctx, actor.orgId, serverEngine),
      }));
      return { sources: await service.loadSources(ctx, prepared), engine };
    }
    // Case documents live in the judicial store (maybe another database): the quota is checked
    // first, the documents read in the judge's own request, and the call counted once they were.
    const engine = await inRequestTenant(ctx.db, request, async (tx, actor) => {
      await service.checkQuota(tx, ctx, actor);
      return service.engineFor(tx, ctx, actor.orgId, serverEngine);
    });
    const sources = await caseSources(ctx, request, tool, ids);
    await inRequestTenant(ctx.db, request, (tx, actor) => service.countCall(tx, ctx, actor, tool));
    return { sources, engine };
  };
  /** The opt-in review log: one encrypted entry when the organization has it on; never for case documents. */
  const keep = async (request: FastifyRequest, tool: Tool, documentIds: string[], input: unknown, output: unknown) => {
    if (kind === 'judicial') return;
    await inRequestTenant(ctx.db, request, (tx, actor) =>
      service.recordReviewLog(tx, ctx, actor, { tool, documentIds, input, output }),
    );
  };

  r.post(`${routes.prefix}/extract`, routes.extract, async (request) => {
    const startedAt = performance.now();
    const { sources, engine } = await load(request, 'extract', [request.body.documentId]);
    const text = sources[0]?.text ?? '';
    const out = await service.runExtract(engine, text);
    await keep(request, 'extract', [request.body.documentId], {}, { clauses: out.clauses, ...out.meta });
    await audit(request, 'extract', [request.body.documentId], {
      inputChars: text.length,
      outputChars: out.clauses.reduce((n, c) => n + c.text.length, 0),
      startedAt,
      meta: out.meta,
    });
    return { clauses: out.clauses, ...out.meta };
  });

  r.post(`${routes.prefix}/review`, routes.review, async (request) => {
    const startedAt = performance.now();
    const playbook = await inRequestTenant(ctx.db, request, (tx) => service.getPlaybook(tx, request.body.playbookId));
    const { sources, engine } = await load(request, 'review', [request.body.documentId]);
    const text = sources[0]?.text ?? '';
    const out = await service.runReview(engine, text, playbook.rules);
    await keep(
      request,
      'review',
      [request.body.documentId],
      { playbookId: playbook.id, rules: playbook.rules },
      { findings: out.findings, ...out.meta },
    );
    await audit(request, 'review', [request.body.documentId], {
      inputChars: text.length,
      outputChars: out.findings.reduce((n, f) => n + f.explanation.length, 0),
      startedAt,
      meta: out.meta,
    });
    return { findings: out.findings, ...out.meta };
  });

  r.post(`${routes.prefix}/summarize`, routes.summarize, async (request) => {
    const startedAt = performance.now();
    const { sources, engine } = await load(request, 'summarize', [request.body.documentId]);
    const text = sources[0]?.text ?? '';
    const out = await service.runSummarize(engine, text);
    await keep(request, 'summarize', [request.body.documentId], {}, { ...out, meta: undefined, ...out.meta });
    await audit(request, 'summarize', [request.body.documentId], {
      inputChars: text.length,
      outputChars: out.summary.length,
      startedAt,
      meta: out.meta,
    });
    return { summary: out.summary, quotes: out.quotes, ...out.meta };
  });

  r.post(`${routes.prefix}/ask`, routes.ask, async (request, reply) => {
    const startedAt = performance.now();
    const { question, documentIds } = request.body;
    try {
      service.guardUserText(question, 'question');
    } catch (err) {
      await refused(request, 'ask', err);
      throw err;
    }
    const { sources, engine } = await load(request, 'ask', documentIds);
    const inputChars = question.length + sources.reduce((n, s) => n + s.text.length, 0);
    const wantsStream = (request.headers.accept ?? '').includes('text/event-stream');
    if (!wantsStream) {
      const out = await service.runAsk(engine, sources, question);
      await keep(
        request,
        'ask',
        documentIds,
        { question },
        { answer: out.answer, citations: out.citations, ...out.meta },
      );
      await audit(request, 'ask', documentIds, {
        inputChars,
        outputChars: out.answer.length,
        startedAt,
        meta: out.meta,
      });
      return {
        answer: out.answer,
        citations: out.citations,
        unverifiedDropped: out.meta.unverifiedDropped ?? 0,
        ...out.meta,
      };
    }
    const abort = new AbortController();
    request.raw.once('close', () => abort.abort());
    const signal = AbortSignal.any([abort.signal, AbortSignal.timeout(ctx.config.ai.timeoutMs)]);
    const events = service.askEvents(engine, sources, question, signal, async (final) => {
      await keep(request, 'ask', documentIds, { question }, { ...final, meta: undefined, ...final.meta });
      await audit(request, 'ask', documentIds, {
        inputChars,
        outputChars: final.answer.length,
        startedAt,
        meta: final.meta,
      });
    });
    // The stream is not the JSON response the schema describes: sent through the untyped reply.
    const untyped: FastifyReply = reply;
    return untyped
      .type('text/event-stream; charset=utf-8')
      .header('x-accel-buffering', 'no')
      .send(Readable.from(events));
  });
}
