/**
 * Quote verification: a quote counts only if it occurs verbatim in the document text (up to
 * whitespace and the datamark), and then it is reported with its offsets in that text.
 * Everything else a model "quotes" is dropped and counted, never shown.
 */
import { DATAMARK } from './spotlight.ts';

export type Located = { text: string; start: number; end: number };

/** A text with whitespace runs collapsed to one space, and the map from each collapsed index back to the original. */
export type QuoteIndex = { folded: string; origin: Int32Array; source: string };

export function indexForQuotes(text: string): QuoteIndex {
  const origin = new Int32Array(text.length + 1);
  let folded = '';
  const parts: string[] = [];
  let n = 0;
  let inSpace = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? '';
    if (/\s/.test(ch)) {
      if (inSpace) continue;
      inSpace = true;
      parts.push(' ');
    } else {
      inSpace = false;
      parts.push(ch);
    }
    origin[n++] = i;
  }
  origin[n] = text.length;
  folded = parts.join('');
  return { folded, origin, source: text };
}

const foldQuote = (q: string): string =>
  q.replaceAll(DATAMARK, ' ').replace(/[“”]/g, '"').replace(/[‘’]/g, "'").replace(/\s+/g, ' ').trim();

/** Finds a quote in the document; null when it is not there verbatim (or too short to be a quote). */
export function locateQuote(index: QuoteIndex, quote: string): Located | null {
  const q = foldQuote(quote);
  if (q.length < 3) return null;
  let at = index.folded.indexOf(q);
  if (at < 0) {
    // Typographic quotes in the document but straight ones in the answer (or the reverse).
    const alt = index.folded.replace(/[“”]/g, '"').replace(/[‘’]/g, "'");
    at = alt.indexOf(q);
  }
  if (at < 0) return null;
  const start = index.origin[at] ?? 0;
  const end = (index.origin[at + q.length - 1] ?? start) + 1;
  return { text: index.source.slice(start, end), start, end };
}
