import { disposableEmailBlocklistSet } from 'disposable-email-domains-js';

/**
 * How bot-like a sign-up looks, from the name and address alone. A score at or
 * above CAPTCHA_THRESHOLD asks for a captcha (when one is configured); it never
 * refuses on its own. Signals are deliberately blunt and weighted so that one
 * weak signal is not enough: real names in any script — diacritics, CJK,
 * Cyrillic, Vietnamese, Polish or Czech consonant clusters — stay below it.
 */
export const CAPTCHA_THRESHOLD = 2;

export type RiskSignal =
  | 'disposable_domain'
  | 'digits_in_name'
  | 'consonant_run'
  | 'long_consonant_run'
  | 'few_vowels'
  | 'mixed_case'
  | 'high_entropy'
  | 'random_email_local';

const WEIGHTS: Record<RiskSignal, number> = {
  disposable_domain: 2,
  digits_in_name: 2,
  long_consonant_run: 2,
  consonant_run: 1,
  few_vowels: 1,
  mixed_case: 1,
  high_entropy: 1,
  random_email_local: 1,
};

export type RegistrationRisk = { score: number; signals: RiskSignal[] };

let disposable: Set<string> | null = null;

/** Is the domain, or any parent of it, on the bundled disposable-address list (disposable-email-domains)? */
export function isDisposableDomain(domain: string): boolean {
  disposable ??= disposableEmailBlocklistSet();
  const labels = domain.toLowerCase().replace(/\.$/, '').split('.');
  for (let i = 0; i < labels.length - 1; i++) if (disposable.has(labels.slice(i).join('.'))) return true;
  return false;
}

/** Latin letters with their diacritics removed; every other script passes through untouched (and is not judged). */
const foldLatin = (s: string): string => s.normalize('NFKD').replace(/\p{M}/gu, '');

/** Longest run of Latin consonants (y counts as a vowel: Polish "szczy", Welsh "-wyn"). */
function longestConsonantRun(word: string): number {
  let longest = 0;
  let run = 0;
  for (const ch of word.toLowerCase()) {
    if (/[bcdfghjklmnpqrstvwxz]/.test(ch)) longest = Math.max(longest, ++run);
    else run = 0;
  }
  return longest;
}

function shannonEntropy(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) h -= (n / s.length) * Math.log2(n / s.length);
  return h;
}

function nameSignals(name: string): RiskSignal[] {
  const signals = new Set<RiskSignal>();
  if ((name.match(/\p{Nd}/gu) ?? []).length >= 3) signals.add('digits_in_name');
  for (const word of foldLatin(name).split(/[\s\-'’.,]+/u)) {
    const latin = word.replace(/[^A-Za-z]/g, '');
    if (latin.length === 0) continue;
    const run = longestConsonantRun(word);
    if (run >= 6) signals.add('long_consonant_run');
    else if (run === 5) signals.add('consonant_run');
    const vowels = (latin.match(/[aeiouy]/gi) ?? []).length;
    if (latin.length >= 8 && vowels / latin.length < 0.2) signals.add('few_vowels');
    // "McDonald", "DeShawn", "O'Neill" switch case once; "xKqPzLm" keeps switching.
    if ((word.match(/[a-z][A-Z]/g) ?? []).length >= 2) signals.add('mixed_case');
    // Near-uniform letters (almost no repeats) over a long token: keyboard mashing, not a name.
    if (latin.length >= 12 && shannonEntropy(latin.toLowerCase()) >= Math.log2(latin.length) - 0.25)
      signals.add('high_entropy');
  }
  return [...signals];
}

function emailSignals(email: string): RiskSignal[] {
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  const signals: RiskSignal[] = [];
  if (isDisposableDomain(domain)) signals.push('disposable_domain');
  if (longestConsonantRun(local.replace(/[^A-Za-z]/g, ' ')) >= 7 || (local.match(/\d/g) ?? []).length >= 6)
    signals.push('random_email_local');
  return signals;
}

export function scoreRegistration(input: { email: string; name: string }): RegistrationRisk {
  const signals = [...emailSignals(input.email), ...nameSignals(input.name)];
  return { score: signals.reduce((sum, s) => sum + WEIGHTS[s], 0), signals };
}
