/**
 * The four tools answered by the built-in local analyzer: no model, no network, deterministic.
 * Every quote is a span of the document text by construction.
 */
import { analyze, type Clause } from '../analyzer/analyze.ts';
import { bm25, passagesOf } from '../analyzer/retrieve.ts';
import { segment } from '../analyzer/segment.ts';
import { extractiveSummary, type Quote } from '../analyzer/summarize.ts';
import type { Citation, Finding, PlaybookRule } from '../ai.schemas.ts';

export type Source = { documentId: string; text: string };

export function extractLocal(text: string): Clause[] {
  return analyze(text);
}

export function reviewLocal(text: string, rules: PlaybookRule[], clauses: Clause[] = analyze(text)): Finding[] {
  return rules.map((rule) => {
    const found = clauses.find((c) => c.category === rule.category);
    const ok = rule.expect === 'present' ? Boolean(found) : !found;
    const what = found
      ? `A ${rule.category} clause is present${rule.expect === 'absent' ? ', but the playbook expects none' : ', as the playbook expects'}.`
      : `No ${rule.category} clause was found${rule.expect === 'present' ? ', but the playbook expects one' : ', as the playbook expects'}.`;
    return {
      ruleId: rule.id,
      category: rule.category,
      status: ok ? 'ok' : 'issue',
      severity: rule.severity,
      quote: found ? { text: found.text, start: found.start, end: found.end } : null,
      explanation: rule.guidance && !ok ? `${what} ${rule.guidance}` : what,
    };
  });
}

export function summarizeLocal(text: string): { summary: string; quotes: Quote[] } {
  const segments = segment(text);
  return extractiveSummary(segments, analyze(text, segments));
}

/** The passages that best answer a question, across the request's documents (BM25, built per request). */
export function retrieve(sources: Source[], question: string, top: number) {
  const passages = sources.flatMap((s, i) => passagesOf(i, s.text, segment(s.text)));
  return bm25(passages, question, top);
}

export function askLocal(sources: Source[], question: string): { answer: string; citations: Citation[] } {
  const best = retrieve(sources, question, 3);
  if (best.length === 0) return { answer: 'No passage of the documents matches the question.', citations: [] };
  const citations = best.map((p) => ({
    documentId: sources[p.docIndex]?.documentId ?? '',
    text: p.text,
    start: p.start,
    end: p.end,
  }));
  const lines = ['The passages of the documents that best match the question:', ''];
  citations.forEach((c, i) => lines.push(`> ${c.text.replace(/\s+/g, ' ')} [${i + 1}]`, ''));
  return { answer: lines.join('\n').trim(), citations };
}
