/**
 * Extractive summary: the document's own sentences, chosen for the clauses a lawyer looks at
 * first (parties, term, payment, termination, liability, law), in document order.
 */
import type { Clause } from './analyze.ts';
import type { Segment } from './segment.ts';

const PRIORITY = [
  'Parties',
  'Expiration Date',
  'Renewal Term',
  'License Grant',
  'Exclusivity',
  'Minimum Commitment',
  'Revenue/Profit Sharing',
  'Termination for Convenience',
  'Cap on Liability',
  'Uncapped Liability',
  'Non-Compete',
  'Anti-Assignment',
  'Change of Control',
  'Governing Law',
];

export type Quote = { text: string; start: number; end: number };

export function extractiveSummary(
  segments: Segment[],
  clauses: Clause[],
  max = 8,
): { summary: string; quotes: Quote[] } {
  const chosen = new Map<number, Quote>();
  const bySegment = (c: Clause) => segments.find((s) => s.start <= c.start && c.end <= s.end);
  for (const category of PRIORITY) {
    if (chosen.size >= max) break;
    const c = clauses.find((x) => x.category === category && x.text.length > 40);
    const s = c ? bySegment(c) : undefined;
    if (s && s.text.length <= 600) chosen.set(s.start, { text: s.text, start: s.start, end: s.end });
  }
  // Too little recognized: fall back to the opening sentences.
  for (const s of segments) {
    if (chosen.size >= Math.min(3, max)) break;
    if (s.text.length > 40 && s.text.length <= 600) chosen.set(s.start, { text: s.text, start: s.start, end: s.end });
  }
  const quotes = [...chosen.values()].sort((a, b) => a.start - b.start);
  const names = [
    ...new Set(
      clauses.filter((c) => c.category !== 'Parties' && c.category !== 'Document Name').map((c) => c.category),
    ),
  ];
  const head = names.length
    ? `Clauses found: ${names.slice(0, 12).join(', ')}.`
    : 'No standard clauses were recognized.';
  const summary = [head, '', ...quotes.map((q) => `> ${q.text.replace(/\s+/g, ' ')}`)].join('\n');
  return { summary, quotes };
}
