/**
 * Value extraction for the CUAD categories that carry a value rather than a yes/no:
 * document name, parties, agreement and effective dates, governing law, durations.
 * Every value comes with the span of the text it was read from.
 */
import type { Segment } from './segment.ts';

export type Span = { start: number; end: number };
export type ValueClause = Span & { category: string; value: string };

const MONTHS = 'january|february|march|april|may|june|july|august|september|october|november|december';
const DATE_RE = new RegExp(
  String.raw`\b(?:(?:${MONTHS})\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}` +
    String.raw`|\d{1,2}(?:st|nd|rd|th)?\s+(?:day\s+of\s+)?(?:${MONTHS}),?\s+\d{4}` +
    String.raw`|\d{1,2}/\d{1,2}/\d{2,4}|\d{4}-\d{2}-\d{2})\b`,
  'gi',
);
/** How far into a contract its preamble (name, parties, date) is looked for. */
const PREAMBLE = 4000;

export function findDates(text: string, from = 0, to = text.length): Array<Span & { text: string }> {
  const out: Array<Span & { text: string }> = [];
  const slice = text.slice(from, to);
  DATE_RE.lastIndex = 0;
  for (let m = DATE_RE.exec(slice); m; m = DATE_RE.exec(slice))
    out.push({ start: from + m.index, end: from + m.index + m[0].length, text: m[0] });
  return out;
}

function documentName(text: string): ValueClause | null {
  const head = text.slice(0, PREAMBLE);
  const re =
    /^[ \t]*([^\n]{0,120}\b(?:AGREEMENT|Agreement|CONTRACT|LICENSE|LEASE|PLAN|INDENTURE|ADDENDUM|AMENDMENT)\b[^\n]{0,60})$/gm;
  for (let m = re.exec(head); m; m = re.exec(head)) {
    const line = m[1] ?? '';
    const trimmed = line.trim();
    if (
      trimmed.length < 6 ||
      (/^(this|the|whereas|now|in witness)\b/i.test(trimmed) && !/^this\s+[A-Z ]+AGREEMENT/.test(trimmed))
    )
      continue;
    const start = m.index + m[0].indexOf(trimmed);
    return { category: 'Document Name', start, end: start + trimmed.length, value: trimmed };
  }
  return null;
}

/** Names the preamble defines: `ACME INC. ("Acme")`, and "between X and Y". */
function parties(text: string): ValueClause[] {
  const head = text.slice(0, PREAMBLE);
  const out: ValueClause[] = [];
  const seen = new Set<string>();
  const add = (start: number, value: string) => {
    // A name ends where its description begins: ", a Delaware corporation", ", with offices at", " having…".
    const cut = value.search(
      /,?\s+(?:a|an|with|having|located|whose|represented|organized|incorporated|acting|residing)\b|,\s+(?=[a-z])/,
    );
    const v = (cut > 0 ? value.slice(0, cut) : value).trim().replace(/[,;]$/, '');
    if (/^(whereas|now|in witness)\b/i.test(v) || /\d{4,}/.test(v)) return;
    if (v.length < 2 || v.length > 120 || seen.has(v.toLowerCase())) return;
    if (/^(the|this|agreement|party|parties|effective date)$/i.test(v)) return;
    seen.add(v.toLowerCase());
    const s = start + value.indexOf(v);
    out.push({ category: 'Parties', start: s, end: s + v.length, value: v });
  };
  // Short names defined in quotes after a name: ("Company"), (the "Distributor").
  const defined = /\(\s*(?:hereinafter\s+(?:referred\s+to\s+as\s+)?)?(?:the\s+)?["“]([A-Z][\w .&-]{1,40})["”]\s*\)/g;
  for (let m = defined.exec(head); m; m = defined.exec(head)) {
    const name = m[1] ?? '';
    if (/^(agreement|effective date|term|territory|products?|services?)$/i.test(name)) continue;
    add(m.index + m[0].indexOf(name), name);
    // The full name just before the definition: the run of words back to a comma, "and" or "between".
    const before = head.slice(Math.max(0, m.index - 160), m.index);
    const full =
      /(?:between|and|by|,|\n)\s*([A-Z][A-Za-z0-9.&,' -]{2,120}?)\s*,?\s*(?:a|an)?\s*(?:[A-Za-z ]{0,60}(?:corporation|company|partnership|limited|llc|inc\.?|ltd\.?)[^,(]{0,40})?,?\s*$/.exec(
        before,
      );
    if (full?.[1]) add(m.index - before.length + (full.index + full[0].indexOf(full[1])), full[1]);
  }
  return out.slice(0, 8);
}

export function extractValues(text: string, segments: Segment[]): ValueClause[] {
  const out: ValueClause[] = [];
  const name = documentName(text);
  if (name) out.push(name);
  out.push(...parties(text));
  const headDates = findDates(text, 0, PREAMBLE);
  const first = headDates[0];
  if (first) out.push({ category: 'Agreement Date', start: first.start, end: first.end, value: first.text });
  for (const s of segments) {
    if (!/\beffective\b/i.test(s.text)) continue;
    const d = findDates(text, s.start, s.end)[0];
    if (d) {
      out.push({ category: 'Effective Date', start: d.start, end: d.end, value: d.text });
      break;
    }
  }
  if (first && !out.some((c) => c.category === 'Effective Date'))
    out.push({ category: 'Effective Date', start: first.start, end: first.end, value: first.text });
  return out;
}

/** The jurisdiction named by a governing-law clause, e.g. "the State of New York" → "New York". */
export function governingLawValue(clause: string): string | null {
  const m =
    /[Ll]aws?\s+of\s+(?:[Tt]he\s+)?(?:(?:[Ss]tate|STATE|[Cc]ommonwealth|[Pp]rovince|(?:[Ff]ederal\s+)?[Rr]epublic)\s+[Oo][Ff]\s+)?([A-Z][A-Za-z]+(?:\s+(?!of\b)[A-Z][A-Za-z]+){0,3})/.exec(
      clause,
    );
  return m?.[1] ?? null;
}

const NUMBER_WORDS: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  twelve: 12,
  fifteen: 15,
  eighteen: 18,
  twenty: 20,
  thirty: 30,
  forty: 40,
  'forty-five': 45,
  sixty: 60,
  ninety: 90,
};

/** A duration such as "ninety (90) days" or "successive one-year" → "90 days" / "1 year". */
export function durationValue(clause: string, after?: RegExp): string | null {
  // For a notice period, the duration that follows the word "notice" (or precedes "prior to") is the one meant.
  const at = after ? Math.max(0, clause.search(after)) : 0;
  const m =
    /\b(\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|eighteen|twenty|thirty|forty(?:-five)?|sixty|ninety)\s*(?:\(\d{1,3}\))?[\s-]*(day|month|year|week)s?\b/i.exec(
      clause.slice(at),
    );
  if (!m?.[1] || !m[2]) return at > 0 ? durationValue(clause) : null;
  const n = /^\d+$/.test(m[1]) ? Number(m[1]) : (NUMBER_WORDS[m[1].toLowerCase()] ?? 0);
  return n ? `${n} ${m[2].toLowerCase()}${n === 1 ? '' : 's'}` : null;
}
