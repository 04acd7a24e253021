import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { routeTableOf } from '../access/index.ts';

/**
 * Account enumeration: an attacker who sends the same requests for an address with an
 * account and for one without must see the same answers, in the same order, in the
 * same time band. The outside review found the 6th wrong reset code answering
 * CODE_EXPIRED for a real account and CODE_INVALID for an unknown one, and sign-up
 * taking longer for a new address. Every sequence here is compared in full.
 */
const STRONG = 'copper-lantern-drifts-93';
const unknownAddress = () => `nobody-${Math.random().toString(36).slice(2, 10)}@example.com`;

type Answer = { status: number; body: unknown };

/** What an observer compares: status and body, without what differs per request by design. */
function answerOf(res: { statusCode: number; body: string }): Answer {
  let body: unknown = res.body;
  try {
    body = JSON.parse(res.body);
  } catch {
    /* an empty 204 stays a string */
  }
  if (body && typeof body === 'object') {
    const { requestId: _r, instance: _i, ...rest } = body as Record<string, unknown>;
    body = rest;
  }
  return { status: res.statusCode, body };
}

describe('account enumeration: every unauthenticated route that takes an address', () => {
  let t: TestApp;
  let existing: { email: string; password: string };
  // The deployed default. A smaller grid makes the file faster but lets a loaded machine (the two CI suites
  // side by side) push a fresh sign-up's hash and inserts past one slot, which reads as a timing difference.
  const GRID_MS = 300;

  beforeAll(async () => {
    t = await startTestApp({ env: { AUTH_RESPONSE_GRID_MS: String(GRID_MS) } });
    existing = await createMember(t);
  });
  afterAll(async () => t?.close());

  const post = async (url: string, payload: Record<string, unknown>) =>
    answerOf(await t.inject({ method: 'POST', url, payload }));

  it('should declare every public route with an email field account-blind', async () => {
    const doc = (await t.inject({ method: 'GET', url: '/api/openapi.json' })).json() as {
      paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: unknown }> } }>>;
    };
    const table = routeTableOf(t.app);
    const withEmail: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const schema = op.requestBody?.content?.['application/json']?.schema as
          { properties?: Record<string, unknown> } | undefined;
        if (!schema?.properties || !('email' in schema.properties)) continue;
        const url = path.replace(/\{(\w+)\}/g, ':$1');
        const route = table.find((r) => r.url === url && r.method === method.toUpperCase());
        expect(route, `${method} ${path} is in the route table`).toBeDefined();
        if (route?.access.public) withEmail.push(`${route.method} ${route.url} ${String(route.access.accountBlind)}`);
      }
    }
    // The five routes the review named, each declared; a new one must be too.
    expect(withEmail.length).toBeGreaterThanOrEqual(5);
    for (const line of withEmail) expect(line, line).toMatch(/ true$/);
  });

  it('should answer forgot + wrong reset codes the same sequence for an account and for no account', async () => {
    const run = async (email: string) => {
      const answers = [await post('/api/v1/auth/password/forgot', { email })];
      for (let i = 0; i < 7; i++)
        answers.push(await post('/api/v1/auth/password/reset', { email, code: '000000', newPassword: STRONG }));
      // Asking again starts a new code for both.
      answers.push(await post('/api/v1/auth/password/forgot', { email }));
      answers.push(await post('/api/v1/auth/password/reset', { email, code: '000000', newPassword: STRONG }));
      return answers;
    };
    const known = await run(existing.email);
    const unknown = await run(unknownAddress());
    expect(known.map((a) => a.status)).toEqual([202, 400, 400, 400, 400, 400, 400, 400, 202, 400]);
    expect(known.slice(1, 8).map((a) => (a.body as { code: string }).code)).toContain('CODE_EXPIRED');
    expect(unknown).toEqual(known);
  });

  it('should answer reset codes the same without any forgot request', async () => {
    const run = async (email: string) => {
      const answers: Answer[] = [];
      for (let i = 0; i < 7; i++)
        answers.push(await post('/api/v1/auth/password/reset', { email, code: '123456', newPassword: STRONG }));
      return answers;
    };
    const other = await createMember(t);
    expect(await run(unknownAddress())).toEqual(await run(other.email));
  });

  it('should answer register + wrong verification codes the same for a verified account and a new address', async () => {
    const run = async (email: string) => {
      const answers = [await post('/api/v1/auth/register', { email, password: STRONG, name: 'Alex Morgan' })];
      for (let i = 0; i < 7; i++) answers.push(await post('/api/v1/auth/verify-email', { email, code: '000000' }));
      return answers;
    };
    const known = await run(existing.email);
    const fresh = await run(unknownAddress());
    expect(known[0]!.status).toBe(202);
    expect(fresh).toEqual(known);
    expect(known.map((a) => (a.body as { code?: string }).code)).toContain('CODE_EXPIRED');
  });

  it('should answer verification codes the same for a verified account and an address never seen', async () => {
    const run = async (email: string) => {
      const answers: Answer[] = [];
      for (let i = 0; i < 7; i++) answers.push(await post('/api/v1/auth/verify-email', { email, code: '999999' }));
      return answers;
    };
    const other = await createMember(t);
    expect(await run(unknownAddress())).toEqual(await run(other.email));
  });

  it('should answer wrong sign-ins the same sequence, lockout included, for an account and for no account', async () => {
    const run = async (email: string) => {
      const answers: Answer[] = [];
      for (let i = 0; i < 7; i++)
        answers.push(await post('/api/v1/auth/login', { email, password: 'wrong-password-123456' }));
      return answers;
    };
    const other = await createMember(t);
    const known = await run(other.email);
    expect(known.at(-1)!.status).toBe(423);
    const unknown = await run(unknownAddress());
    // Retry-After counts down in seconds; the bodies otherwise match.
    const strip = (a: Answer[]) =>
      a.map((x) => ({ ...x, body: { ...(x.body as object), retryAfter: undefined, detail: undefined } }));
    expect(strip(unknown)).toEqual(strip(known));
  });

  it('should release sign-up answers on the time grid, whether or not the address has an account', async () => {
    const timed = async (email: string) => {
      const started = performance.now();
      const res = await t.inject({
        method: 'POST',
        url: '/api/v1/auth/register',
        payload: { email, password: STRONG, name: 'Alex Morgan' },
      });
      expect(res.statusCode).toBe(202);
      return performance.now() - started;
    };
    const known: number[] = [];
    const fresh: number[] = [];
    for (let i = 0; i < 6; i++) {
      known.push(await timed(existing.email));
      fresh.push(await timed(unknownAddress()));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    // Both wait for the grid; neither answers before it.
    for (const ms of [...known, ...fresh]) expect(ms).toBeGreaterThanOrEqual(GRID_MS - 2);
    expect(Math.abs(median(known) - median(fresh))).toBeLessThan(GRID_MS / 2);
    expect(Math.round(median(known) / GRID_MS)).toBe(Math.round(median(fresh) / GRID_MS));
  });
});
