/**
 * The built-in local analyzer: deterministic, offline, the default. Segments a contract and
 * classifies each segment into the CUAD categories whose rules it matches; value categories
 * also carry the value read from the clause.
 */
import { RULES } from './rules.ts';
import { segment, type Segment } from './segment.ts';
import { durationValue, extractValues, governingLawValue } from './values.ts';

export type Clause = { category: string; text: string; start: number; end: number; value?: string };

/** At most this many clauses per category: a long contract's boilerplate would otherwise flood the list. */
const MAX_PER_CATEGORY = 12;

const normalize = (s: string): string => s.replace(/\s+/g, ' ').toLowerCase();

export function matchesCategory(category: string, normalized: string): boolean {
  const rule = RULES[category];
  if (!rule) return false;
  if (!rule.any.some((re) => re.test(normalized))) return false;
  return !rule.not?.some((re) => re.test(normalized));
}

function valueOf(category: string, text: string): string | undefined {
  if (category === 'Governing Law') return governingLawValue(text) ?? undefined;
  if (category === 'Notice Period to Terminate Renewal') return durationValue(text, /\bnotice\b/i) ?? undefined;
  if (category === 'Renewal Term' || category === 'Warranty Duration') return durationValue(text) ?? undefined;
  return undefined;
}

export function analyze(text: string, segments: Segment[] = segment(text)): Clause[] {
  const out: Clause[] = [];
  const perCategory = new Map<string, number>();
  for (const v of extractValues(text, segments))
    out.push({ category: v.category, text: text.slice(v.start, v.end), start: v.start, end: v.end, value: v.value });
  const categories = Object.keys(RULES);
  for (const s of segments) {
    if (s.text.length < 12) continue;
    const norm = normalize(s.text);
    for (const category of categories) {
      if (!matchesCategory(category, norm)) continue;
      const n = perCategory.get(category) ?? 0;
      if (n >= MAX_PER_CATEGORY) continue;
      perCategory.set(category, n + 1);
      const value = valueOf(category, s.text);
      out.push({ category, text: s.text, start: s.start, end: s.end, ...(value ? { value } : {}) });
    }
  }
  return out.sort((a, b) => a.start - b.start || a.category.localeCompare(b.category));
}
