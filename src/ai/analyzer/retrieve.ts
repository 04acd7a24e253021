/**
 * BM25 retrieval over a request's documents, built per request and thrown away: no index of
 * anyone's text is ever stored. Passages are windows of consecutive segments.
 */
import type { Segment } from './segment.ts';

export type Passage = { docIndex: number; start: number; end: number; text: string };
export type Scored = Passage & { score: number };

const STOP = new Set(
  'a an and are as at be by for from has have in is it its of on or that the this to was were will with shall may any all such which what who does do not if under than there their these those'.split(
    ' ',
  ),
);

export const termsOf = (s: string): string[] =>
  (s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((t) => t.length > 1 && !STOP.has(t)).map(stem);

/** A light suffix stripper: "terminates", "terminated", "termination" meet at "terminat". */
function stem(t: string): string {
  return t.replace(/(ations?|ing|edly|ed|es|s|ly|ment|ments)$/u, '') || t;
}

/** Windows of up to `size` segments, overlapping by one, so an answer spanning a sentence break is still found. */
export function passagesOf(docIndex: number, text: string, segments: Segment[], size = 3): Passage[] {
  const out: Passage[] = [];
  for (let i = 0; i < segments.length; i += Math.max(1, size - 1)) {
    const first = segments[i];
    const last = segments[Math.min(segments.length - 1, i + size - 1)];
    if (!first || !last) continue;
    out.push({ docIndex, start: first.start, end: last.end, text: text.slice(first.start, last.end) });
  }
  return out;
}

export function bm25(passages: Passage[], query: string, top: number, k1 = 1.2, b = 0.75): Scored[] {
  const q = [...new Set(termsOf(query))];
  if (q.length === 0 || passages.length === 0) return [];
  const docs = passages.map((p) => termsOf(p.text));
  const avg = docs.reduce((s, d) => s + d.length, 0) / docs.length || 1;
  const df = new Map<string, number>();
  for (const d of docs) for (const t of new Set(d)) if (q.includes(t)) df.set(t, (df.get(t) ?? 0) + 1);
  const scored: Scored[] = [];
  docs.forEach((d, i) => {
    const tf = new Map<string, number>();
    for (const t of d) if (df.has(t)) tf.set(t, (tf.get(t) ?? 0) + 1);
    let score = 0;
    for (const t of q) {
      const f = tf.get(t);
      if (!f) continue;
      const n = df.get(t) ?? 0;
      const idf = Math.log(1 + (passages.length - n + 0.5) / (n + 0.5));
      score += (idf * f * (k1 + 1)) / (f + k1 * (1 - b + (b * d.length) / avg));
    }
    const p = passages[i];
    if (score > 0 && p) scored.push({ ...p, score });
  });
  return scored.sort((x, y) => y.score - x.score || x.start - y.start).slice(0, top);
}
