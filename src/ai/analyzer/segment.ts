/**
 * Splits a contract's text into clause-sized segments (sentences, list items, headings) with
 * character offsets into the original text, so `text.slice(start, end)` is always the segment.
 * Deterministic and linear in the text's length.
 */
export type Segment = { start: number; end: number; text: string };

/** Words after which a full stop does not end a sentence (legal and corporate abbreviations). */
const ABBREVIATIONS = new Set([
  'inc',
  'co',
  'corp',
  'ltd',
  'llc',
  'l.l.c',
  'l.p',
  'n.a',
  'no',
  'nos',
  'sec',
  'secs',
  'art',
  'para',
  'mr',
  'mrs',
  'ms',
  'dr',
  'st',
  'vs',
  'v',
  'e.g',
  'i.e',
  'u.s',
  'u.k',
  'cf',
  'approx',
  'dept',
  'ex',
  'exh',
  'fig',
  'par',
  'ss',
  'jr',
  'sr',
  'bros',
]);

/** The longest segment we classify as one piece; longer runs are cut at semicolons, then hard. */
const MAX_SEGMENT = 1200;
const MIN_SEGMENT = 3;

/**
 * A boundary: sentence end followed by a space and a capital, digit, bracket or quote; a blank line;
 * or a line that starts like a numbered heading or list item.
 */
const BOUNDARY =
  /([.!?:;])(["”')\]]*)(\s+)(?=[A-Z0-9("“[])|\n[ \t]*\n\s*|\n(?=[ \t]*(?:\(?[a-z0-9]{1,4}[.)]|[A-Z][A-Z &,'-]{3,}\n))/g;

function endsWithAbbreviation(text: string, dotIndex: number): boolean {
  let i = dotIndex - 1;
  while (i >= 0 && /[A-Za-z.]/.test(text[i] ?? '')) i--;
  const word = text.slice(i + 1, dotIndex).toLowerCase();
  if (word.length === 1) return true; // initials: "J. Smith", "Section 2. A"
  return ABBREVIATIONS.has(word);
}

export function segment(text: string): Segment[] {
  const raw: Array<[number, number]> = [];
  let from = 0;
  BOUNDARY.lastIndex = 0;
  for (let m = BOUNDARY.exec(text); m; m = BOUNDARY.exec(text)) {
    if (m[1] === '.' && endsWithAbbreviation(text, m.index)) continue;
    // Numbers like "2.1 " are section numbers, not sentence ends.
    if (m[1] === '.' && /\d$/.test(text.slice(Math.max(0, m.index - 1), m.index)) && /^\s{1,2}\d/.test(m[3] ?? ''))
      continue;
    const cut = m.index + (m[1] ? m[1].length + (m[2]?.length ?? 0) : 0);
    raw.push([from, cut]);
    from = m.index + m[0].length;
  }
  raw.push([from, text.length]);
  const out: Segment[] = [];
  for (const [s, e] of raw) for (const piece of splitLong(text, s, e)) pushTrimmed(out, text, piece[0], piece[1]);
  return out;
}

function splitLong(text: string, start: number, end: number): Array<[number, number]> {
  if (end - start <= MAX_SEGMENT) return [[start, end]];
  const pieces: Array<[number, number]> = [];
  let s = start;
  while (end - s > MAX_SEGMENT) {
    const window = text.slice(s, s + MAX_SEGMENT);
    const semi = Math.max(window.lastIndexOf('; '), window.lastIndexOf(', '));
    const space = window.lastIndexOf(' ');
    const cut = semi > MAX_SEGMENT / 3 ? semi + 1 : space > MAX_SEGMENT / 3 ? space : MAX_SEGMENT;
    pieces.push([s, s + cut]);
    s += cut;
  }
  pieces.push([s, end]);
  return pieces;
}

function pushTrimmed(out: Segment[], text: string, start: number, end: number): void {
  while (start < end && /\s/.test(text[start] ?? '')) start++;
  while (end > start && /\s/.test(text[end - 1] ?? '')) end--;
  if (end - start < MIN_SEGMENT) return;
  out.push({ start, end, text: text.slice(start, end) });
}
