import { describe, expect, it } from 'vitest';
import { ERROR_TABLES } from '../../src/error-catalog.ts';
import { problemMessage } from '../../web/src/api/error-message.ts';

// Every error code the server can answer becomes a sentence for people in the web app:
// never the code, never the validator's path ("querystring.actor: Invalid UUID").
describe('the web app has a human message for every error code', () => {
  const codes = ERROR_TABLES.flatMap((t) => Object.entries(t));

  it('should cover the whole catalog', () => {
    expect(codes.length).toBeGreaterThan(50);
  });

  it.each(codes)('%s', (code, entry) => {
    for (const detail of [undefined, 'querystring.actor: Invalid UUID', 'body.email: Invalid email address']) {
      const message = problemMessage({ code, title: entry.title, status: entry.status, detail });
      expect(message, `${code} with detail ${String(detail)}`).toMatch(/^[A-Z“]/);
      expect(message).toMatch(/[.!?]$/);
      expect(message).not.toContain(code);
      expect(message).not.toMatch(/\b(querystring|body|params)\.|Invalid UUID/);
    }
  });

  it('should name the field of a validation error in words', () => {
    expect(
      problemMessage({ code: 'VALIDATION_FAILED', status: 400, title: 'x', detail: 'querystring.actor: Invalid UUID' }),
    ).toBe('Check the “actor” field: its value is not accepted.');
    expect(
      problemMessage({ code: 'CONFLICT', status: 409, title: 'Conflict', detail: 'you cannot suspend yourself' }),
    ).toBe('You cannot suspend yourself.');
  });
});
