/**
 * Names folded for matching: "Müller", "MULLER" and "Muller" are one name. NFKD splits
 * accented letters into letter + combining mark, the marks go, the rest is lower-cased and
 * punctuation becomes a space. The application writes the folded form into a stored column
 * (name_normalized), so PGlite and PostgreSQL compare the same bytes without `unaccent`.
 *
 * @example normalizeName('  Dr. Jürgen  Müller-Lüdenscheidt ') // → 'dr jurgen muller ludenscheidt'
 */
export function normalizeName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/ß/g, 'ss')
    .replace(/[æ]/gi, 'ae')
    .replace(/[œ]/gi, 'oe')
    .replace(/[øØ]/g, 'o')
    .replace(/[łŁ]/g, 'l')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Legal forms and fillers that say nothing about who a party is: "Acme GmbH" and "Acme Ltd" are both "acme". */
const FILLER = new Set([
  'ag',
  'bv',
  'co',
  'corp',
  'gmbh',
  'inc',
  'kg',
  'llc',
  'llp',
  'ltd',
  'nv',
  'plc',
  'sa',
  'sarl',
  'sas',
  'spa',
  'srl',
  'the',
  'and',
  'und',
  'et',
  'of',
  'von',
  'van',
  'de',
  'der',
  'la',
  'le',
  'mr',
  'mrs',
  'ms',
  'dr',
]);

/** The words of a folded name that identify someone: no legal forms, nothing under two letters. */
export function significantWords(normalized: string): string[] {
  return normalized.split(' ').filter((w) => w.length >= 2 && !FILLER.has(w));
}

/** Levenshtein distance, giving up (returning max + 1) once it must exceed `max`. */
export function editDistance(a: string, b: string, max = 2): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return prev[b.length]!;
}

/** The 3-letter pieces of each word (the word itself when shorter): a near match shares at least one. */
export function trigramsOf(words: string[]): string[] {
  const out = new Set<string>();
  for (const w of words) {
    if (w.length <= 3) out.add(w);
    else for (let i = 0; i + 3 <= w.length; i++) out.add(w.slice(i, i + 3));
  }
  return [...out];
}

/**
 * How close a folded candidate is to a folded query, from 0 (unrelated) to 1 (the same name).
 * Equal → 1; the whole name within 2 edits → 0.9 or 0.8; every significant query word found
 * among the candidate's words (a word of 5+ letters may be 1 edit off) → 0.7, or 0.6 with typos.
 */
export function matchScore(query: string, candidate: string): number {
  if (query === candidate) return 1;
  const whole = editDistance(query, candidate, 2);
  if (whole <= 2 && Math.min(query.length, candidate.length) >= 4) return whole === 1 ? 0.9 : 0.8;
  const qWords = significantWords(query);
  const cWords = significantWords(candidate);
  if (qWords.length === 0 || cWords.length === 0) return 0;
  // Compare the same way round whichever name is longer: "Müller" vs "Hans Müller" and back.
  const [few, many] = qWords.length <= cWords.length ? [qWords, cWords] : [cWords, qWords];
  let typos = 0;
  for (const w of few) {
    if (many.includes(w)) continue;
    if (w.length >= 5 && many.some((m) => editDistance(w, m, 1) <= 1)) typos++;
    else return 0;
  }
  return typos === 0 ? 0.7 : 0.6;
}
