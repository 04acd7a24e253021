import { z } from 'zod';

/**
 * One spelling per mailbox: NFKC (folds full-width and compatibility forms that
 * look alike), trimmed and lower-cased, so that "Ａlice@Example.COM" and
 * "alice@example.com" are the same account, the same lockout counter.
 */
export function normalizeEmail(raw: string): string {
  return raw.normalize('NFKC').trim().toLowerCase();
}

export const emailSchema = z
  .string()
  .max(254, 'an email address has at most 254 characters')
  .transform(normalizeEmail)
  .pipe(z.email({ message: 'not a valid email address' }).max(254, 'an email address has at most 254 characters'));
