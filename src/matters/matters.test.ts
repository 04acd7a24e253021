import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInMember, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';

describe('matters over HTTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it('should create, read, list, search and archive a matter', async () => {
    const lawyer = await signedInMember(t, { role: 'lawyer' });
    const created = await t.inject({
      method: 'POST',
      url: '/api/v1/matters',
      headers: lawyer.headers,
      payload: { title: 'Smith v Jones', reference: 'M-1', clientName: 'Smith Ltd' },
    });
    expect(created.statusCode).toBe(201);
    const matter = created.json();
    expect(matter).toMatchObject({
      title: 'Smith v Jones',
      reference: 'M-1',
      clientName: 'Smith Ltd',
      status: 'open',
      createdBy: lawyer.userId,
    });

    const got = await t.inject({ method: 'GET', url: `/api/v1/matters/${matter.id}`, headers: lawyer.headers });
    expect(got.statusCode).toBe(200);
    expect(got.json().id).toBe(matter.id);

    await t.inject({
      method: 'POST',
      url: '/api/v1/matters',
      headers: lawyer.headers,
      payload: { title: 'Estate of Brown' },
    });
    const search = await t.inject({ method: 'GET', url: '/api/v1/matters?q=smith', headers: lawyer.headers });
    expect(search.json().matters.map((m: { title: string }) => m.title)).toEqual(['Smith v Jones']);

    const archived = await t.inject({
      method: 'PATCH',
      url: `/api/v1/matters/${matter.id}`,
      headers: lawyer.headers,
      payload: { status: 'archived' },
    });
    expect(archived.json().status).toBe('archived');
    const open = await t.inject({ method: 'GET', url: '/api/v1/matters', headers: lawyer.headers });
    expect(open.json().matters.map((m: { title: string }) => m.title)).toEqual(['Estate of Brown']);
  });

  it('should page through matters with a cursor', async () => {
    const lawyer = await signedInMember(t, { role: 'lawyer' });
    for (let i = 0; i < 5; i++) {
      await t.inject({
        method: 'POST',
        url: '/api/v1/matters',
        headers: lawyer.headers,
        payload: { title: `Matter ${i}` },
      });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await t.inject({
        method: 'GET',
        url: `/api/v1/matters?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        headers: lawyer.headers,
      });
      expect(res.statusCode).toBe(200);
      const body = res.json() as { matters: Array<{ title: string }>; nextCursor: string | null };
      seen.push(...body.matters.map((m) => m.title));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual(['Matter 0', 'Matter 1', 'Matter 2', 'Matter 3', 'Matter 4']);
  });

  it('should refuse writes by a read-only reviewer', async () => {
    const reviewer = await signedInMember(t, { role: 'reviewer' });
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/matters',
      headers: reviewer.headers,
      payload: { title: 'Nope' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('FORBIDDEN');
    expect((await t.inject({ method: 'GET', url: '/api/v1/matters', headers: reviewer.headers })).statusCode).toBe(200);
  });

  it("should answer 404 NOT_FOUND for another organization's matter, never 403 or data", async () => {
    const a = await signedInMember(t, { role: 'lawyer' });
    const b = await signedInMember(t, { role: 'lawyer' });
    const matter = (
      await t.inject({ method: 'POST', url: '/api/v1/matters', headers: a.headers, payload: { title: 'Privileged' } })
    ).json();
    for (const req of [
      { method: 'GET' as const, url: `/api/v1/matters/${matter.id}` },
      { method: 'PATCH' as const, url: `/api/v1/matters/${matter.id}`, payload: { title: 'Stolen' } },
    ]) {
      const res = await t.inject({ ...req, headers: b.headers });
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('NOT_FOUND');
      expect(res.body).not.toContain('Privileged');
    }
    const list = await t.inject({ method: 'GET', url: '/api/v1/matters', headers: b.headers });
    expect(list.json().matters).toEqual([]);
  });

  it('should keep judges out of the lawyer portal', async () => {
    const judge = await signedInMember(t, { kind: 'court', role: 'judge' });
    const res = await t.inject({ method: 'GET', url: '/api/v1/matters', headers: judge.headers });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('PORTAL_FORBIDDEN');
  });

  it('should reject bad input with 400 problem+json, never 500', async () => {
    const lawyer = await signedInMember(t, { role: 'lawyer' });
    const cases = [
      {
        method: 'POST' as const,
        url: '/api/v1/matters',
        payload: { title: 'x', extra: 1 },
        code: 'VALIDATION_FAILED',
        detail: /unrecognized key.*extra/i,
      },
      {
        method: 'POST' as const,
        url: '/api/v1/matters',
        payload: { title: 'x'.repeat(301) },
        code: 'VALIDATION_FAILED',
        detail: /title/,
      },
      {
        method: 'POST' as const,
        url: '/api/v1/matters',
        payload: { title: 42 },
        code: 'VALIDATION_FAILED',
        detail: /title/,
      },
      { method: 'GET' as const, url: '/api/v1/matters/not-a-uuid', code: 'VALIDATION_FAILED', detail: /id/ },
      { method: 'GET' as const, url: '/api/v1/matters?limit=1000', code: 'VALIDATION_FAILED', detail: /limit/ },
      { method: 'GET' as const, url: '/api/v1/matters?cursor=garbage', code: 'VALIDATION_FAILED', detail: /cursor/ },
    ];
    for (const c of cases) {
      const res = await t.inject({
        method: c.method,
        url: c.url,
        headers: lawyer.headers,
        ...(c.payload ? { payload: c.payload } : {}),
      });
      expect(res.statusCode, c.url).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json().code).toBe(c.code);
      expect(res.json().detail).toMatch(c.detail);
    }
    const malformed = await t.inject({
      method: 'POST',
      url: '/api/v1/matters',
      headers: { ...lawyer.headers, 'content-type': 'application/json' },
      payload: '{"title": ',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().code).toBe('MALFORMED_JSON');
    const wrongType = await t.inject({
      method: 'POST',
      url: '/api/v1/matters',
      headers: { ...lawyer.headers, 'content-type': 'text/plain' },
      payload: 'title=x',
    });
    expect(wrongType.statusCode).toBe(415);
    expect(wrongType.json().code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });
});
