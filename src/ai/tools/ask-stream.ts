/**
 * `ask` streamed: model deltas pass through as they come, except quote marks, which are held
 * until complete and then verified (shown with a citation, or dropped and counted), and a short
 * tail held back so a leaking canary is caught before it is sent. A failure or a violation ends
 * the model's part with a `reset`; the caller then sends the local answer instead.
 */
import type { Citation } from '../ai.schemas.ts';
import { answerViolates } from '../grounding/spotlight.ts';
import { ProviderError } from '../providers/index.ts';
import { groundAnswer, type AskPlan, type Runner } from './model-tools.ts';

export type StreamEvent =
  | { type: 'delta'; text: string }
  | { type: 'citation'; citation: Citation }
  | { type: 'reset'; reason: string }
  | { type: 'end'; answer: string; citations: Citation[]; unverifiedDropped: number };

const HOLD_BACK = 64;

/** How much of the pending text may go out: all but the held-back tail, and never part of an unclosed quote mark. */
function safeCut(pending: string): number {
  let cut = Math.max(0, pending.length - HOLD_BACK);
  const open = pending.lastIndexOf('[[', cut);
  if (open >= 0 && pending.indexOf(']]', open) < 0) cut = open;
  else if (open >= 0) {
    const close = pending.indexOf(']]', open) + 2;
    // A complete mark straddling the cut goes out whole: it is verified as one piece.
    if (close > cut) cut = close;
  }
  // A "[" at the very end may be the start of a mark.
  if (pending[cut - 1] === '[') cut--;
  return cut;
}

export async function* streamAsk(runner: Runner, plan: AskPlan, signal: AbortSignal): AsyncGenerator<StreamEvent> {
  if (runner.breaker.open) throw new ProviderError('circuit open', false);
  const texts = plan.sources.map((s) => s.text);
  const citations: Citation[] = [];
  let raw = '';
  let pending = '';
  let answer = '';
  let dropped = 0;
  const emit = function* (upTo: number): Generator<StreamEvent> {
    const out = pending.slice(0, upTo);
    pending = pending.slice(upTo);
    if (!out) return;
    const before = citations.length;
    const grounded = groundAnswer(plan, out, citations);
    dropped += grounded.dropped;
    for (const c of citations.slice(before)) yield { type: 'citation', citation: c };
    answer += grounded.text;
    if (grounded.text) yield { type: 'delta', text: grounded.text };
  };
  let started = false;
  try {
    for await (const delta of runner.provider.stream(
      { system: plan.system, user: plan.user, maxTokens: 2048 },
      signal,
    )) {
      started = true;
      raw += delta;
      pending += delta;
      if (answerViolates(plan.fence, raw, texts)) throw new ProviderError('model answer refused', false);
      // Hold an open quote mark whole, and a short tail in case a canary is arriving.
      yield* emit(safeCut(pending));
    }
    if (answerViolates(plan.fence, raw, texts)) throw new ProviderError('model answer refused', false);
    yield* emit(pending.length);
    runner.breaker.success();
    yield { type: 'end', answer: answer.trim(), citations, unverifiedDropped: dropped };
  } catch (err) {
    if (!(err instanceof ProviderError) || err.retryable) runner.breaker.failure();
    if (!started) throw err instanceof ProviderError ? err : new ProviderError('provider stream failed', true);
    yield { type: 'reset', reason: err instanceof ProviderError ? err.message : 'stream failed' };
  }
}
