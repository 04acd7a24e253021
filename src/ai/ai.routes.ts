import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../context/index.ts';
import { actorOf, inRequestTenant, requestFacts } from '../access/index.ts';
import { AppError } from '../platform/errors.ts';
import {
  askRoute,
  categoriesRoute,
  createPlaybookRoute,
  deletePlaybookRoute,
  extractRoute,
  getPlaybookRoute,
  getProviderRoute,
  getSettingsRoute,
  listPlaybooksRoute,
  putPlaybookRoute,
  putProviderRoute,
  putSettingsRoute,
  reviewLogRoute,
  reviewRoute,
  statusRoute,
  summarizeRoute,
  usageRoute,
  type Tool,
} from './ai.schemas.ts';
import * as service from './ai.service.ts';

export async function aiRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  /** The server's engine (AI_PROVIDER); an organization with its own provider gets its own (org-provider.ts). */
  const serverEngine = service.createEngine(ctx.config.ai);
  const stopPurge = service.startReviewLogPurge(ctx);
  app.addHook('onClose', async () => stopPurge());

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
        outputChars: facts.outputChars,
        provider: facts.meta.provider,
        model: facts.meta.model,
        latencyMs: Math.round(performance.now() - facts.startedAt),
        fallback: Boolean(facts.meta.fallback),
        unverifiedDropped: facts.meta.unverifiedDropped ?? 0,
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
  /** Quota, documents and the organization's engine in the request's transaction; then the text, in memory. */
  const load = async (request: FastifyRequest, tool: Tool, ids: string[]) => {
    const { prepared, engine } = await inRequestTenant(ctx.db, request, async (tx, actor) => ({
      prepared: await service.prepare(tx, ctx, actor, tool, ids),
      engine: await service.engineFor(tx, ctx, actor.orgId, serverEngine),
    }));
    return { sources: await service.loadSources(ctx, prepared), engine };
  };
  /** The opt-in review log: one encrypted entry when the organization has it on; nothing at all when off. */
  const keep = (request: FastifyRequest, tool: Tool, documentIds: string[], input: unknown, output: unknown) =>
    inRequestTenant(ctx.db, request, (tx, actor) =>
      service.recordReviewLog(tx, ctx, actor, { tool, documentIds, input, output }),
    );

  r.get('/api/v1/ai/status', statusRoute, async (request) =>
    inRequestTenant(ctx.db, request, async (tx, actor) =>
      service.status(tx, ctx, await service.engineFor(tx, ctx, actor.orgId, serverEngine)),
    ),
  );

  r.get('/api/v1/ai/categories', categoriesRoute, async () => ({
    categories: service.categories(),
  }));

  r.post('/api/v1/ai/extract', extractRoute, async (request) => {
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

  r.post('/api/v1/ai/review', reviewRoute, async (request) => {
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

  r.post('/api/v1/ai/summarize', summarizeRoute, async (request) => {
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

  r.post('/api/v1/ai/ask', askRoute, async (request, reply) => {
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

  r.get('/api/v1/ai/usage', usageRoute, async (request) =>
    inRequestTenant(ctx.db, request, (tx) => service.usage(tx, ctx)),
  );

  r.get('/api/v1/ai/settings', getSettingsRoute, async (request) =>
    inRequestTenant(ctx.db, request, (tx) => service.getSettings(tx, ctx)),
  );

  r.put('/api/v1/ai/settings', putSettingsRoute, async (request) =>
    inRequestTenant(ctx.db, request, (tx, actor) => service.putSettings(tx, ctx, actor, request.body)),
  );

  r.get('/api/v1/ai/provider', getProviderRoute, async (request) =>
    inRequestTenant(ctx.db, request, (tx) => service.getProvider(tx)),
  );

  r.put('/api/v1/ai/provider', putProviderRoute, async (request) => {
    const out = await inRequestTenant(ctx.db, request, (tx, actor) =>
      service.putProvider(tx, ctx, actor, request.body),
    );
    const actor = actorOf(request);
    await ctx.audit.record({
      action: 'ai.settings',
      outcome: 'success',
      orgId: actor.orgId,
      actorId: actor.userId,
      target: null,
      details: { provider: out.provider ?? 'server', model: out.model ?? '', apiKeySet: out.apiKeySet },
      ...requestFacts(request),
    });
    return out;
  });

  r.get('/api/v1/ai/review-log', reviewLogRoute, async (request) =>
    inRequestTenant(ctx.db, request, (tx, actor) => service.reviewLogEntries(tx, ctx, actor)),
  );

  r.post('/api/v1/playbooks', createPlaybookRoute, async (request, reply) => {
    try {
      const out = await inRequestTenant(ctx.db, request, (tx, actor) =>
        service.createPlaybook(tx, actor, request.body),
      );
      return reply.code(201).send(out);
    } catch (err) {
      await refused(request, 'review', err);
      throw err;
    }
  });

  r.get('/api/v1/playbooks', listPlaybooksRoute, async (request) =>
    inRequestTenant(ctx.db, request, (tx) => service.listPlaybooks(tx)),
  );

  r.get('/api/v1/playbooks/:id', getPlaybookRoute, async (request) =>
    inRequestTenant(ctx.db, request, (tx) => service.getPlaybook(tx, request.params.id)),
  );

  r.put('/api/v1/playbooks/:id', putPlaybookRoute, async (request) => {
    try {
      return await inRequestTenant(ctx.db, request, (tx) =>
        service.replacePlaybook(tx, request.params.id, request.body),
      );
    } catch (err) {
      await refused(request, 'review', err);
      throw err;
    }
  });

  r.delete('/api/v1/playbooks/:id', deletePlaybookRoute, async (request, reply) => {
    await inRequestTenant(ctx.db, request, (tx) => service.deletePlaybook(tx, request.params.id));
    return reply.code(204).send();
  });
}
