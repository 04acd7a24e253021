/**
 * Which analyzer answers: the configured model provider when there is one and it is healthy,
 * otherwise the local analyzer — and then the response says so (`fallback`).
 */
import type { Config } from '../platform/config.ts';
import type { Clause } from './analyzer/analyze.ts';
import type { Citation, Finding, PlaybookRule } from './ai.schemas.ts';
import { CircuitBreaker, providerFromConfig, type ProviderError } from './providers/index.ts';
import { askLocal, extractLocal, reviewLocal, summarizeLocal, type Source } from './tools/local-tools.ts';
import {
  askWithModel,
  extractWithModel,
  planAsk,
  reviewWithModel,
  summarizeWithModel,
  type AskPlan,
  type Runner,
} from './tools/model-tools.ts';

export type ProviderLabel = 'local' | 'anthropic' | 'openai-compatible';
export type Meta = { provider: ProviderLabel; model: string; fallback?: string; unverifiedDropped?: number };

export type Engine = { runner: Runner | null; provider: ProviderLabel; model: string };

export const LOCAL_MODEL = 'chambers-local-1';
const FALLBACK = 'The model provider did not answer; the built-in local analyzer answered instead.';

export function createEngine(ai: Config['ai']): Engine {
  const provider = providerFromConfig(ai);
  if (!provider) return { runner: null, provider: 'local', model: LOCAL_MODEL };
  return {
    runner: {
      provider,
      breaker: new CircuitBreaker({ failureThreshold: 3, cooldownMs: 30_000 }),
      retry: { timeoutMs: ai.timeoutMs, retries: 2, baseDelayMs: 250, maxDelayMs: 2_000 },
    },
    provider: provider.name,
    model: provider.model,
  };
}

const local = (): Meta => ({ provider: 'local', model: LOCAL_MODEL });
const fellBack = (_err: ProviderError | unknown): Meta => ({ ...local(), fallback: FALLBACK });

async function viaModel<T>(
  engine: Engine,
  model: (r: Runner) => Promise<T & { dropped: number }>,
  fallback: () => T,
): Promise<T & { meta: Meta }> {
  if (!engine.runner) return { ...fallback(), meta: local() };
  try {
    const { dropped, ...rest } = await model(engine.runner);
    return { ...(rest as T), meta: { provider: engine.provider, model: engine.model, unverifiedDropped: dropped } };
  } catch (err) {
    return { ...fallback(), meta: fellBack(err) };
  }
}

export const runExtract = (engine: Engine, text: string) =>
  viaModel<{ clauses: Clause[] }>(
    engine,
    (r) => extractWithModel(r, text),
    () => ({ clauses: extractLocal(text) }),
  );

export const runReview = (engine: Engine, text: string, rules: PlaybookRule[]) =>
  viaModel<{ findings: Finding[] }>(
    engine,
    (r) => reviewWithModel(r, text, rules),
    () => ({ findings: reviewLocal(text, rules) }),
  );

export const runSummarize = (engine: Engine, text: string) =>
  viaModel<{ summary: string; quotes: Array<{ text: string; start: number; end: number }> }>(
    engine,
    (r) => summarizeWithModel(r, text),
    () => summarizeLocal(text),
  );

export const runAsk = (engine: Engine, sources: Source[], question: string) =>
  viaModel<{ answer: string; citations: Citation[] }>(
    engine,
    (r) => askWithModel(r, planAsk(sources, question)),
    () => askLocal(sources, question),
  );

export { askLocal, planAsk, type AskPlan };
