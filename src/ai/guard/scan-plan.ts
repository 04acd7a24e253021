/**
 * The guard's scan plan, compiled once at module load: one combined pass over the text finds the
 * word starts where any signal could begin, and only the signals that can begin there are tried,
 * anchored (sticky) at that position. A 200 KB contract thus costs one regex scan plus a few
 * anchored tests instead of some seventy full scans.
 *
 * Most signals begin with `\b` and a literal word or an alternation of literal words; their
 * leading literals are read from the pattern's source, so the plan cannot drift from the
 * patterns. A signal whose start is not literal (an anchor, a bracket) runs on the whole text.
 */
import type { GuardClass, Signal } from './patterns.ts';

export type PlannedSignal = { cls: GuardClass; weight: number; sticky: RegExp; index: number };

export type ScanPlan = {
  /**
   * One global regex of every leading literal: the single pass over the text. A lookahead, so a
   * hit is a zero-width match and `test` finds it without allocating a match array.
   */
  gate: RegExp;
  /** Candidates by the first character's code: prefix to check, then the signal to try at that position. */
  byFirstChar: Map<number, Array<{ prefix: string; signal: PlannedSignal }>>;
  /** Signals without a literal start: tested against the whole text. */
  whole: Array<{ cls: GuardClass; weight: number; re: RegExp; needs: string[] | undefined; index: number }>;
  count: number;
};

const LITERAL = /[a-z0-9 '’àâäçéèêëîïôöùûüÿœß-]/;

/** The literal text an alternative starts with; a character followed by a quantifier is not certain, so it ends the prefix. */
function literalPrefix(alt: string): string {
  let out = '';
  for (let i = 0; i < alt.length; i++) {
    const c = alt[i]!;
    if (!LITERAL.test(c)) break;
    const next = alt[i + 1];
    if (next === '?' || next === '*' || next === '{') break;
    out += c;
  }
  return out;
}

/** Splits `a|b(?:c|d)|e` at its top-level bars; returns null when the group never closes. */
function topLevelGroup(source: string, open: number): { alternatives: string[]; end: number } | null {
  let depth = 0;
  let start = open;
  const alternatives: string[] = [];
  let inClass = false;
  for (let i = open; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') {
      if (depth === 0) {
        alternatives.push(source.slice(start, i));
        return { alternatives, end: i };
      }
      depth--;
    } else if (c === '|' && depth === 0) {
      alternatives.push(source.slice(start, i));
      start = i + 1;
    }
  }
  return null;
}

/** The literal prefixes any match of `source` must start with, or null if the start is not literal. */
export function leadingLiterals(source: string): string[] | null {
  if (!source.startsWith('\\b')) return null;
  let rest = source.slice(2);
  // A lookbehind checks what precedes the match; the match itself still begins after it.
  if (rest.startsWith('(?<=') || rest.startsWith('(?<!')) {
    const behind = topLevelGroup(rest, 4);
    if (!behind) return null;
    rest = rest.slice(behind.end + 1);
  }
  let prefixes: string[];
  if (rest.startsWith('(?:')) {
    const group = topLevelGroup(rest, 3);
    if (!group) return null;
    prefixes = group.alternatives.map(literalPrefix);
  } else prefixes = [literalPrefix(rest)];
  return prefixes.every((p) => p.length > 0) ? [...new Set(prefixes)] : null;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function compilePlan(signals: Readonly<Record<GuardClass, Signal[]>>): ScanPlan {
  const byFirstChar: ScanPlan['byFirstChar'] = new Map();
  const whole: ScanPlan['whole'] = [];
  const allPrefixes = new Set<string>();
  let index = 0;
  for (const [cls, list] of Object.entries(signals) as Array<[GuardClass, Signal[]]>) {
    for (const s of list) {
      const prefixes = leadingLiterals(s.re.source);
      if (!prefixes) {
        whole.push({ cls, weight: s.weight, re: s.re, needs: s.needs, index: index++ });
        continue;
      }
      const signal: PlannedSignal = {
        cls,
        weight: s.weight,
        sticky: new RegExp(s.re.source, s.re.flags.replace(/[gy]/g, '') + 'y'),
        index: index++,
      };
      for (const prefix of prefixes) {
        allPrefixes.add(prefix);
        const code = prefix.charCodeAt(0);
        const bucket = byFirstChar.get(code) ?? [];
        bucket.push({ prefix, signal });
        byFirstChar.set(code, bucket);
      }
    }
  }
  // Longest first, so that the alternation cannot stop at a shorter prefix of a longer one; a
  // position is then checked against every candidate of its first character anyway.
  const union = [...allPrefixes].sort((a, b) => b.length - a.length).map(escape);
  return { gate: new RegExp(String.raw`\b(?=${union.join('|')})`, 'g'), byFirstChar, whole, count: index };
}
