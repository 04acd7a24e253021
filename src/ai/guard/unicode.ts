/**
 * Invisible and bidirectional-control characters: they hide instructions from the reader while
 * the model still reads them (zero-width joiners, tag characters, bidi overrides). Stripped from
 * every text before it is scored or sent anywhere.
 */
const INVISIBLE =
  // eslint-disable-next-line no-misleading-character-class -- a set of single code points, not a sequence
  /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0\uFFF0-\uFFFB]|\uDB40[\uDC00-\uDDEF]/g;

export function stripInvisible(text: string): string {
  return text.replace(INVISIBLE, '');
}

/** The form the guard scores: compatibility-folded (full-width letters, ligatures), invisible stripped, spaces collapsed. */
export function foldForScoring(text: string): string {
  // NFKC has a fast path for ASCII, cheaper than testing for non-ASCII first. One replace turns
  // every whitespace run into a single space; a lone space (the common case) is not touched.
  return stripInvisible(text.normalize('NFKC'))
    .replace(/\s{2,}|[^\S ]/g, ' ')
    .toLowerCase();
}
