import type { Problem } from './client.ts';

/** Where a validation error points, in words ("body.email" → "email"). */
const FIELD = /^(?:body|querystring|params|headers)\.([\w.[\]]+):/;

/** Codes whose `detail` the server writes for people (what conflicts, why it is refused). */
const GENERIC = new Set(['CONFLICT', 'FORBIDDEN', 'NOT_FOUND', 'UNAUTHENTICATED']);

const sentence = (s: string) => {
  const t = s.trim();
  const capital = t.charAt(0).toUpperCase() + t.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
};

/**
 * A message fit to show a person for any problem the API returns. Every code has a
 * title written for people in the server's error catalog; a generic code adds its
 * detail when that is prose, and a validation error names the field instead of
 * echoing the validator ("querystring.actor: Invalid UUID").
 */
export function problemMessage(p: Pick<Problem, 'code' | 'title' | 'detail' | 'status'>): string {
  const title = p.title ? sentence(p.title) : 'The request failed.';
  if (p.code === 'VALIDATION_FAILED') {
    const field = p.detail ? FIELD.exec(p.detail)?.[1] : undefined;
    const name = field
      ?.split('.')
      .at(-1)
      ?.replace(/([a-z])([A-Z])/g, '$1 $2')
      .toLowerCase();
    return name ? `Check the “${name}” field: its value is not accepted.` : 'Check the form: a value is not accepted.';
  }
  if (GENERIC.has(p.code) && p.detail && !FIELD.test(p.detail) && !/[_{}[\]<>]/.test(p.detail))
    return sentence(p.detail);
  return title;
}
