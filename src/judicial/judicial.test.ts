import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { seedCase, seedCourt, type Court } from '../../test/rls/judicial-court.ts';

/** Two judges of one court work side by side; a clerk sees what a judge shares and never the judge's notes. */
describe("judges' chambers", () => {
  let t: TestApp;
  let court: Court;
  let a: Awaited<ReturnType<typeof seedCase>>;
  beforeAll(async () => {
    t = await startTestApp();
    court = await seedCourt(t);
    a = await seedCase(t, court.judgeA, 'A');
  });
  afterAll(async () => t?.close());

  const as = (who: keyof Court, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) => {
    const user = court[who];
    if (typeof user === 'string') throw new Error('not a user');
    return t.inject({ method, url, headers: user.headers, ...(payload ? { payload } : {}) });
  };

  it('should show a judge their case with parties, hearings and deadlines, and list it', async () => {
    const res = await as('judgeA', 'GET', `/api/v1/judicial/cases/${a.caseId}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      id: a.caseId,
      judgeId: court.judgeA.userId,
      status: 'open',
      parties: [{ name: 'Accused A', role: 'accused' }],
      hearings: [{ purpose: 'Arguments' }],
      deadlines: [{ dueOn: '2099-01-31', description: 'Written submissions' }],
      clerkIds: [],
    });
    const list = await as('judgeA', 'GET', '/api/v1/judicial/cases');
    expect(list.json().cases.map((c: { id: string }) => c.id)).toEqual([a.caseId]);
  });

  it("should give judge B nothing of judge A's case", async () => {
    expect((await as('judgeB', 'GET', '/api/v1/judicial/cases')).json()).toEqual({ cases: [] });
    expect((await as('judgeB', 'GET', `/api/v1/judicial/cases/${a.caseId}`)).statusCode).toBe(404);
  });

  it("should put tomorrow's hearing on tomorrow's cause list and not today's", async () => {
    const tomorrow = new Date(t.ctx.clock.now().getTime() + 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
    const res = await as('judgeA', 'GET', `/api/v1/judicial/cause-list?date=${tomorrow}`);
    expect(res.json().hearings).toEqual([
      expect.objectContaining({ caseId: a.caseId, title: 'State v. A', purpose: 'Arguments' }),
    ]);
    expect((await as('judgeB', 'GET', `/api/v1/judicial/cause-list?date=${tomorrow}`)).json()).toEqual({
      hearings: [],
    });
  });

  it('should share a case with a clerk, who then sees it and its issued orders but no note and no draft', async () => {
    const shared = await as('judgeA', 'PUT', `/api/v1/judicial/cases/${a.caseId}/clerks`, {
      userIds: [court.clerk.userId],
    });
    expect(shared.statusCode).toBe(200);
    expect(shared.json()).toEqual({ caseId: a.caseId, clerkIds: [court.clerk.userId] });
    expect((await as('clerk', 'GET', `/api/v1/judicial/cases/${a.caseId}`)).statusCode).toBe(200);
    expect((await as('clerk', 'GET', `/api/v1/judicial/cases/${a.caseId}/notes`)).json()).toEqual({ notes: [] });
    const orders = (await as('clerk', 'GET', `/api/v1/judicial/cases/${a.caseId}/orders`)).json().orders;
    expect(orders.map((o: { id: string; status: string }) => [o.id, o.status])).toEqual([[a.issuedId, 'issued']]);
  });

  it("should read back the judge's own note and both orders, decrypted", async () => {
    const notes = (await as('judgeA', 'GET', `/api/v1/judicial/cases/${a.caseId}/notes`)).json().notes;
    expect(notes).toEqual([expect.objectContaining({ id: a.noteId, body: 'Private note of A: lean acquit' })]);
    const orders = (await as('judgeA', 'GET', `/api/v1/judicial/cases/${a.caseId}/orders`)).json().orders;
    expect(orders.map((o: { status: string; body: string }) => [o.status, o.body])).toEqual([
      ['draft', 'Draft of A'],
      ['issued', 'Bail granted (A)'],
    ]);
  });

  it('should show court administrators metadata and counts, never notes or drafts', async () => {
    const res = await as('admin', 'GET', '/api/v1/judicial/oversight');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.totals).toMatchObject({ cases: 1, open: 1, hearings: 1, issuedOrders: 1 });
    expect(body.cases[0]).toMatchObject({ id: a.caseId, issuedOrders: 1, hearings: 1 });
    expect(res.body).not.toContain('lean acquit');
    expect(res.body).not.toContain('Draft of A');
    expect((await as('reviewer', 'GET', '/api/v1/judicial/oversight')).statusCode).toBe(200);
    expect((await as('judgeA', 'GET', '/api/v1/judicial/oversight')).statusCode).toBe(403);
  });
});
