import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { normalizeEmail } from './email.ts';

/**
 * Password rules for accounts, after NIST SP 800-63B §5.1.1.2: a length range,
 * no composition rules, and a refusal of passwords that are common, breached,
 * or made from the account's own context (its email, the product's name).
 */

/** Bounds, in Unicode code points counted after NFKC normalisation. */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

/** The product's name: a password containing it is too easy to guess here. */
const PRODUCT_NAME = 'chambers';

/** The email's local part is only looked for when it has at least this many code points. */
const MIN_EMAIL_PART_LENGTH = 3;

/**
 * Longer raw inputs are refused before normalising them. NFKC can shrink a
 * string, but never by a factor anywhere near 32 (4096 / 128), so nothing
 * refused here could have been 128 code points or fewer after NFKC; it only
 * spares the normaliser from huge inputs.
 */
const MAX_RAW_UTF16_LENGTH = 4096;

export type PasswordPolicyFailure = 'too_short' | 'too_long' | 'common' | 'contains_email' | 'contains_product_name';

export type PasswordPolicyResult = { ok: true } | { ok: false; reason: PasswordPolicyFailure };

/**
 * Checks a new password for the account with this email. Checks run in this
 * order and the first failure is returned: length, email, product name, list.
 *
 * Loads the common-password list on first use if `preloadCommonPasswords()`
 * has not already done it (blocking once, a few hundred ms at worst). Throws
 * if the list cannot be read: it fails closed rather than letting any password
 * through.
 */
export function checkPasswordPolicy(password: string, email: string): PasswordPolicyResult {
  if (password.length > MAX_RAW_UTF16_LENGTH) return refuse('too_long');
  const normalized = password.normalize('NFKC');
  const length = countCodePoints(normalized);
  if (length < PASSWORD_MIN_LENGTH) return refuse('too_short');
  if (length > PASSWORD_MAX_LENGTH) return refuse('too_long');

  const key = normalized.toLowerCase();
  // The same, with separators removed, so "alice_smith" still contains "alice.smith"
  // and "cham-bers" still contains "chambers".
  const compact = key.replace(SEPARATORS, '');

  for (const part of emailLocalParts(email)) {
    if (key.includes(part) || compact.includes(part)) return refuse('contains_email');
  }
  if (key.includes(PRODUCT_NAME) || compact.includes(PRODUCT_NAME)) return refuse('contains_product_name');
  if (isCommonKey(key)) return refuse('common');
  return { ok: true };
}

/**
 * Whether a password is in the common-password list, as is or once its
 * trailing (and also leading) digits and symbols are stripped:
 * "Password123456!" → "password". Case-insensitive, after NFKC.
 */
export function isCommonPassword(password: string): boolean {
  return isCommonKey(password.normalize('NFKC').toLowerCase());
}

/** Number of entries in the bundled list (loads it if needed). */
export function commonPasswordListSize(): number {
  return loadListSync().size;
}

/**
 * Loads the list without blocking the event loop for long: the file is read
 * asynchronously and the Set is filled in slices, yielding between them.
 * Call it once at startup (no need to await it before serving). Idempotent;
 * resolves with the entry count and the time the load took.
 */
export function preloadCommonPasswords(): Promise<{ entries: number; ms: number }> {
  if (list) return Promise.resolve({ entries: list.size, ms: 0 });
  preloading ??= loadListAsync().catch((error: unknown) => {
    preloading = undefined; // let a later call retry
    throw error;
  });
  return preloading;
}

// ---------------------------------------------------------------------------

const LIST_URL = new URL('./password-list/common-passwords.txt', import.meta.url);
/** Lines added to the Set between two yields to the event loop. */
const SLICE_LINES = 10_000;

/** Characters removed for the "compact" comparison: punctuation, symbols, spaces, controls. */
const SEPARATORS = /[\p{P}\p{S}\p{Z}\p{C}]/gu;
const TRAILING_JUNK = /[\p{N}\p{P}\p{S}\p{Z}\p{C}]+$/u;
const LEADING_JUNK = /^[\p{N}\p{P}\p{S}\p{Z}\p{C}]+/u;

let list: Set<string> | undefined;
let preloading: Promise<{ entries: number; ms: number }> | undefined;

function refuse(reason: PasswordPolicyFailure): PasswordPolicyResult {
  return { ok: false, reason };
}

function countCodePoints(s: string): number {
  return [...s].length;
}

/** `key` is already NFKC-normalised and lower-cased. */
function isCommonKey(key: string): boolean {
  const set = loadListSync();
  if (set.has(key)) return true;
  const stem = key.replace(TRAILING_JUNK, '');
  if (stem !== key && stem !== '' && set.has(stem)) return true;
  const core = stem.replace(LEADING_JUNK, '');
  return core !== stem && core !== '' && set.has(core);
}

/** The email's local part (and its variants) worth looking for in a password. */
function emailLocalParts(email: string): string[] {
  const normalized = normalizeEmail(email);
  const at = normalized.lastIndexOf('@');
  const local = at === -1 ? normalized : normalized.slice(0, at);
  const parts = new Set<string>([local]);
  const plus = local.indexOf('+');
  if (plus > 0) parts.add(local.slice(0, plus)); // alice+work → alice
  for (const part of [...parts]) parts.add(part.replace(SEPARATORS, '')); // alice.smith → alicesmith
  return [...parts].filter((part) => countCodePoints(part) >= MIN_EMAIL_PART_LENGTH);
}

function loadListSync(): Set<string> {
  if (list) return list;
  const text = readFileSync(LIST_URL, 'utf8');
  const set = new Set<string>();
  addLines(set, text, 0, Number.POSITIVE_INFINITY);
  list = set;
  return set;
}

async function loadListAsync(): Promise<{ entries: number; ms: number }> {
  const started = performance.now();
  const text = await readFile(LIST_URL, 'utf8');
  const set = new Set<string>();
  let pos = 0;
  while (pos < text.length) {
    if (list) break; // a synchronous load won the race: keep that one
    pos = addLines(set, text, pos, SLICE_LINES);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  list ??= set;
  return { entries: list.size, ms: performance.now() - started };
}

/** Adds up to `maxLines` lines of `text` from `from`; returns where it stopped. */
function addLines(set: Set<string>, text: string, from: number, maxLines: number): number {
  let pos = from;
  for (let n = 0; n < maxLines && pos < text.length; n++) {
    let end = text.indexOf('\n', pos);
    if (end === -1) end = text.length;
    if (end > pos) set.add(text.slice(pos, end));
    pos = end + 1;
  }
  return pos;
}
