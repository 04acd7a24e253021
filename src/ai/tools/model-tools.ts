/**
 * The four tools answered by a model provider. Documents go fenced and datamarked; the system
 * prompt carries a per-request canary; structured answers follow a JSON schema; every quote is
 * verified against the document text and the unverified ones are dropped and counted. Any
 * failure surfaces as a ProviderError so the caller can fall back to the local analyzer.
 */
import { CATEGORIES, CATEGORY_NAMES } from '../analyzer/categories.ts';
import type { Clause } from '../analyzer/analyze.ts';
import type { Citation, Finding, PlaybookRule } from '../ai.schemas.ts';
import { indexForQuotes, locateQuote, type QuoteIndex } from '../grounding/quotes.ts';
import { answerViolates, fenceDocument, newFence, systemPrompt, type Fence } from '../grounding/spotlight.ts';
import {
  ProviderError,
  withResilience,
  type CircuitBreaker,
  type ModelProvider,
  type RetryOptions,
} from '../providers/index.ts';
import { retrieve, reviewLocal, type Source } from './local-tools.ts';

/** The most document text sent to a model in one call; longer documents are analyzed locally. */
export const MODEL_MAX_CHARS = 150_000;

export type Runner = { provider: ModelProvider; breaker: CircuitBreaker; retry: RetryOptions };
type Quote = { text: string; start: number; end: number };

async function runJson(
  runner: Runner,
  fence: Fence,
  system: string,
  user: string,
  name: string,
  schema: Record<string, unknown>,
) {
  const raw = await withResilience(runner.breaker, runner.retry, (signal) =>
    runner.provider.complete({ system, user, maxTokens: 4096, json: { name, schema } }, signal),
  );
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ProviderError('structured answer is not JSON', false);
  }
  if (typeof parsed !== 'object' || parsed === null)
    throw new ProviderError('structured answer is not an object', false);
  return { parsed: parsed as Record<string, unknown>, raw };
}

function guardOutput(fence: Fence, output: string, texts: string[]): void {
  if (answerViolates(fence, output, texts))
    throw new ProviderError('model answer refused (canary or foreign link)', false);
}

const arr = (v: unknown): Array<Record<string, unknown>> =>
  Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null) : [];
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function tooLong(text: string): void {
  if (text.length > MODEL_MAX_CHARS) throw new ProviderError('document too long for the model', false);
}

export async function extractWithModel(runner: Runner, text: string): Promise<{ clauses: Clause[]; dropped: number }> {
  tooLong(text);
  const fence = newFence();
  const system = systemPrompt(
    fence,
    `Find the clauses of the contract in these categories (CUAD v1): ${CATEGORIES.map((c) => c.name).join('; ')}. ` +
      'For each clause give its category and an exact quote of it.',
  );
  const schema = {
    type: 'object',
    properties: {
      clauses: {
        type: 'array',
        items: {
          type: 'object',
          properties: { category: { type: 'string' }, quote: { type: 'string' } },
          required: ['category', 'quote'],
        },
      },
    },
    required: ['clauses'],
  };
  const { parsed, raw } = await runJson(
    runner,
    fence,
    system,
    fenceDocument(fence, '1', text),
    'record_clauses',
    schema,
  );
  guardOutput(fence, raw, [text]);
  const index = indexForQuotes(text);
  let dropped = 0;
  const clauses: Clause[] = [];
  for (const c of arr(parsed.clauses)) {
    const category = str(c.category);
    if (!CATEGORY_NAMES.has(category)) continue;
    const at = locateQuote(index, str(c.quote));
    if (!at) dropped++;
    else clauses.push({ category, ...at });
  }
  return { clauses: clauses.sort((a, b) => a.start - b.start), dropped };
}

export async function reviewWithModel(
  runner: Runner,
  text: string,
  rules: PlaybookRule[],
): Promise<{ findings: Finding[]; dropped: number }> {
  tooLong(text);
  const fence = newFence();
  const system = systemPrompt(
    fence,
    'Review the contract against the playbook rules given in the request. For each rule decide whether a clause of its ' +
      'category is present, quote the clause that decides it exactly (or null if none), and explain in one or two sentences.',
  );
  const ruleList = rules
    .map((r) => `- ${r.id}: ${r.category} — expected ${r.expect}${r.guidance ? ` (guidance: ${r.guidance})` : ''}`)
    .join('\n');
  const schema = {
    type: 'object',
    properties: {
      findings: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            ruleId: { type: 'string' },
            present: { type: 'boolean' },
            quote: { type: ['string', 'null'] },
            explanation: { type: 'string' },
          },
          required: ['ruleId', 'present', 'explanation'],
        },
      },
    },
    required: ['findings'],
  };
  const user = `Playbook rules:\n${ruleList}\n\n${fenceDocument(fence, '1', text)}`;
  const { parsed, raw } = await runJson(runner, fence, system, user, 'record_findings', schema);
  guardOutput(fence, raw, [text]);
  const index = indexForQuotes(text);
  const local = reviewLocal(text, rules);
  let dropped = 0;
  const byRule = new Map(arr(parsed.findings).map((f) => [str(f.ruleId), f]));
  const findings = rules.map((rule, i): Finding => {
    const f = byRule.get(rule.id);
    const fallback = local[i] as Finding;
    if (!f || typeof f.present !== 'boolean') return fallback;
    let quote: Quote | null = null;
    if (typeof f.quote === 'string' && f.quote.trim()) {
      quote = locateQuote(index, f.quote);
      // A "present" verdict resting on a quote that is not in the document is not shown: the local finding stands.
      if (!quote) {
        dropped++;
        if (f.present) return fallback;
      }
    }
    const ok = rule.expect === 'present' ? f.present : !f.present;
    return {
      ruleId: rule.id,
      category: rule.category,
      status: ok ? 'ok' : 'issue',
      severity: rule.severity,
      quote,
      explanation: str(f.explanation).slice(0, 2000) || fallback.explanation,
    };
  });
  return { findings, dropped };
}

export async function summarizeWithModel(
  runner: Runner,
  text: string,
): Promise<{ summary: string; quotes: Quote[]; dropped: number }> {
  tooLong(text);
  const fence = newFence();
  const system = systemPrompt(
    fence,
    'Summarize the contract for a lawyer in a few short markdown paragraphs, and give the exact quotes the summary rests on.',
  );
  const schema = {
    type: 'object',
    properties: { summary: { type: 'string' }, quotes: { type: 'array', items: { type: 'string' } } },
    required: ['summary', 'quotes'],
  };
  const { parsed, raw } = await runJson(
    runner,
    fence,
    system,
    fenceDocument(fence, '1', text),
    'record_summary',
    schema,
  );
  guardOutput(fence, raw, [text]);
  const index = indexForQuotes(text);
  let dropped = 0;
  const quotes: Quote[] = [];
  for (const q of Array.isArray(parsed.quotes) ? parsed.quotes : []) {
    const at = typeof q === 'string' ? locateQuote(index, q) : null;
    if (at) quotes.push(at);
    else dropped++;
  }
  return { summary: str(parsed.summary).slice(0, 20_000), quotes, dropped };
}

/** How a model marks a quote in an answer: [[n|exact words]], n the source's number. */
const QUOTE_MARK = /\[\[(\d{1,2})\|([^\]]{1,4000})\]\]/g;

export type AskPlan = { fence: Fence; system: string; user: string; indexes: QuoteIndex[]; sources: Source[] };

export function planAsk(sources: Source[], question: string): AskPlan {
  const fence = newFence();
  const best = retrieve(sources, question, 8);
  const blocks = best.map((p) => fenceDocument(fence, String(p.docIndex + 1), p.text));
  const system = systemPrompt(
    fence,
    'Answer the question from the document passages only, in short markdown. Support each point with an exact quote ' +
      'written as [[n|quoted words]] where n is the number of the document it comes from. If the passages do not answer ' +
      'the question, say so.',
  );
  const user = `Question: ${question}\n\nPassages:\n${blocks.join('\n\n')}`;
  return { fence, system, user, indexes: sources.map((s) => indexForQuotes(s.text)), sources };
}

/** Replaces verified quote marks by the quote and a citation number; drops and counts the rest. */
export function groundAnswer(plan: AskPlan, answer: string, citations: Citation[]): { text: string; dropped: number } {
  let dropped = 0;
  const text = answer.replace(QUOTE_MARK, (_m, n: string, q: string) => {
    const i = Number(n) - 1;
    const index = plan.indexes[i];
    const at = index ? locateQuote(index, q) : null;
    const source = plan.sources[i];
    if (!at || !source) {
      dropped++;
      return '';
    }
    citations.push({ documentId: source.documentId, ...at });
    return `“${at.text.replace(/\s+/g, ' ')}” [${citations.length}]`;
  });
  return { text, dropped };
}

export async function askWithModel(
  runner: Runner,
  plan: AskPlan,
): Promise<{ answer: string; citations: Citation[]; dropped: number }> {
  const raw = await withResilience(runner.breaker, runner.retry, (signal) =>
    runner.provider.complete({ system: plan.system, user: plan.user, maxTokens: 2048 }, signal),
  );
  guardOutput(
    plan.fence,
    raw,
    plan.sources.map((s) => s.text),
  );
  const citations: Citation[] = [];
  const { text, dropped } = groundAnswer(plan, raw, citations);
  return { answer: text.trim(), citations, dropped };
}

export { guardOutput };
