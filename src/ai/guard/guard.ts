/**
 * The prompt-injection guard for what a user types (a question, a playbook's guidance): strips
 * invisible characters, then scores the text against six classes of injection. Document text is
 * never scored for refusal; it is fenced and datamarked instead (spotlight.ts).
 */
import { GUARD_CLASSES, SIGNALS, type GuardClass } from './patterns.ts';
import { compilePlan } from './scan-plan.ts';
import { foldForScoring } from './unicode.ts';

export type { GuardClass } from './patterns.ts';

export type GuardVerdict = { refused: boolean; classes: GuardClass[]; scores: Record<GuardClass, number> };

/** A class at or above this score is flagged; a text with any flagged class is refused. */
const THRESHOLD = 1;
/** Weaker signals across classes add up: two hints of different kinds are as telling as one strong one. */
const TOTAL_THRESHOLD = 1.2;

const PLAN = compilePlan(SIGNALS);

/** Adds each signal's weight once to its class, in one pass over the text. */
function rawScores(folded: string): Record<GuardClass, number> {
  const scores = Object.fromEntries(GUARD_CLASSES.map((c) => [c, 0])) as Record<GuardClass, number>;
  const seen = new Uint8Array(PLAN.count);
  for (const s of PLAN.whole)
    if ((!s.needs || s.needs.some((n) => folded.includes(n))) && s.re.test(folded)) {
      seen[s.index] = 1;
      scores[s.cls] += s.weight;
    }
  const gate = PLAN.gate;
  gate.lastIndex = 0;
  while (gate.test(folded)) {
    // A zero-width hit leaves lastIndex at the word start; the next search begins one further on.
    const at = gate.lastIndex;
    gate.lastIndex = at + 1;
    const bucket = PLAN.byFirstChar.get(folded.charCodeAt(at));
    if (!bucket) continue;
    for (const { prefix, signal } of bucket) {
      if (seen[signal.index] || !folded.startsWith(prefix, at)) continue;
      signal.sticky.lastIndex = at;
      if (signal.sticky.test(folded)) {
        seen[signal.index] = 1;
        scores[signal.cls] += signal.weight;
      }
    }
  }
  return scores;
}

export function scoreText(text: string): GuardVerdict {
  const raw = rawScores(foldForScoring(text));
  const scores = {} as Record<GuardClass, number>;
  const classes: GuardClass[] = [];
  let total = 0;
  for (const name of GUARD_CLASSES) {
    scores[name] = Math.min(raw[name], 2);
    total += scores[name];
    if (raw[name] >= THRESHOLD) classes.push(name);
  }
  if (classes.length === 0 && total >= TOTAL_THRESHOLD)
    for (const name of GUARD_CLASSES) if (scores[name] > 0) classes.push(name);
  return { refused: classes.length > 0, classes, scores };
}
