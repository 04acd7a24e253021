/**
 * Attacks on judges' chambers through the HTTP API: a lawyer (another portal) calling any
 * judicial route; a judge of the same court, or of another court, naming another judge's
 * case, order or document ids in every route; a clerk reading the judge's notes by any
 * route; a clerk issuing an order; and bad input (a duplicate case number, a hearing in
 * the past, an order issued twice), each of which must be a clear 4xx and never data.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeTableOf } from '../access/index.ts';
import { unsafeWithOwner } from '../platform/db/index.ts';
import { multipart, pdf } from '../../test/helpers/documents.ts';
import { startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { seedCase, seedCourt, type Court, type CourtUser } from '../../test/rls/judicial-court.ts';

const UPLOAD = Symbol('a multipart file');

describe("judges' chambers under attack", () => {
  let t: TestApp;
  let court: Court;
  let a: Awaited<ReturnType<typeof seedCase>>;
  let judicialRoutes: Array<{ method: string; url: string }>;
  beforeAll(async () => {
    t = await startTestApp();
    court = await seedCourt(t);
    a = await seedCase(t, court.judgeA, 'A');
    judicialRoutes = routeTableOf(t.app).filter((r) => r.url.startsWith('/api/v1/judicial/'));
  });
  afterAll(async () => t?.close());

  const call = (who: CourtUser, method: string, url: string, payload?: unknown) => {
    // A document upload is multipart: a real file, so a refusal is about who asks, not the body.
    const file = payload === UPLOAD ? multipart([{ filename: 'probe.pdf', content: pdf('probe') }]) : null;
    return t.inject({
      method: method as 'GET',
      url,
      headers: { ...who.headers, ...file?.headers },
      ...(file ? { payload: file.payload } : {}),
      ...(payload === undefined || file ? {} : { payload: payload as Record<string, unknown> }),
    });
  };

  /** A route's URL with A's ids in it, and a body its schema accepts. */
  const concrete = (url: string) =>
    url
      .replace(':orderId', a.issuedId)
      .replace(':id', url.startsWith('/api/v1/judicial/documents/') ? a.documentId : a.caseId);
  const validBody = (method: string, url: string): unknown => {
    if (method === 'GET') return undefined;
    if (url.endsWith('/clerks')) return { userIds: [] };
    if (url.endsWith('/hearings')) return { at: '2099-01-01T10:00:00Z', purpose: 'Probe' };
    if (url.endsWith('/notes')) return { body: 'probe' };
    if (url.endsWith('/deadlines')) return { dueOn: '2099-01-01', description: 'probe' };
    if (url.endsWith('/issue')) return undefined;
    if (url.endsWith('/documents')) return UPLOAD;
    if (url.includes('/orders')) return { title: 'probe', body: 'probe' };
    if (url === '/api/v1/judicial/cases') return { caseNumber: `X-${Math.random()}`, title: 'probe', parties: [] };
    return {};
  };

  it('should declare every judicial route in the judge portal', () => {
    expect(judicialRoutes.length).toBeGreaterThanOrEqual(14);
    for (const r of routeTableOf(t.app).filter((x) => x.url.startsWith('/api/v1/judicial/'))) {
      expect(r.access, `${r.method} ${r.url}`).toMatchObject({ portal: 'judge' });
    }
  });

  it("should refuse a lawyer's token on every judicial route with 403 PORTAL_FORBIDDEN", async () => {
    for (const r of judicialRoutes) {
      const res = await call(court.lawyer, r.method, concrete(r.url), validBody(r.method, r.url));
      expect([r.method, r.url, res.statusCode, res.json().code]).toEqual([r.method, r.url, 403, 'PORTAL_FORBIDDEN']);
    }
  });

  it("should refuse a judge's token on the lawyer portal's routes with 403 PORTAL_FORBIDDEN", async () => {
    const lawyerRoutes = routeTableOf(t.app).filter((r) => !r.access.public && r.access.portal === 'lawyer');
    expect(lawyerRoutes.length).toBeGreaterThan(0);
    for (const r of lawyerRoutes) {
      const url = r.url.replace(/:[A-Za-z]+/g, '00000000-0000-4000-8000-000000000000');
      const res = await call(court.judgeA, r.method, url, r.method === 'GET' || r.method === 'DELETE' ? undefined : {});
      expect([r.method, r.url, res.statusCode]).toEqual([r.method, r.url, 403]);
      expect(res.json().code).toBe('PORTAL_FORBIDDEN');
    }
  });

  it("should answer 404 to judge B, and to a judge of another court, for judge A's case in every case route", async () => {
    const caseRoutes = judicialRoutes.filter(
      (r) => r.url.includes(':id') && !r.url.startsWith('/api/v1/judicial/documents/'),
    );
    expect(caseRoutes.length).toBeGreaterThanOrEqual(10);
    for (const intruder of [court.judgeB, court.otherJudge]) {
      for (const r of caseRoutes) {
        const res = await call(intruder, r.method, concrete(r.url), validBody(r.method, r.url));
        expect([r.method, r.url, res.statusCode, res.json().code]).toEqual([r.method, r.url, 404, 'NOT_FOUND']);
      }
    }
    // Nothing was planted on A's case by the probes.
    const detail = (await call(court.judgeA, 'GET', `/api/v1/judicial/cases/${a.caseId}`)).json();
    expect(detail.hearings).toHaveLength(1);
    expect(detail.deadlines).toHaveLength(1);
    expect((await call(court.judgeA, 'GET', `/api/v1/judicial/cases/${a.caseId}/notes`)).json().notes).toHaveLength(1);
  });

  it("should give judge B, a judge of another court, an unshared clerk, admin, reviewer or lawyer nothing of judge A's document by any route", async () => {
    const documentRoutes = judicialRoutes.filter((r) => r.url.includes('/documents'));
    expect(documentRoutes.map((r) => `${r.method} ${r.url}`).sort()).toEqual([
      'DELETE /api/v1/judicial/documents/:id',
      'GET /api/v1/judicial/cases/:id/documents',
      'GET /api/v1/judicial/documents/:id',
      'GET /api/v1/judicial/documents/:id/content',
      'POST /api/v1/judicial/cases/:id/documents',
    ]);
    const refusals: Array<[CourtUser, number, string]> = [
      [court.judgeB, 404, 'NOT_FOUND'],
      [court.otherJudge, 404, 'NOT_FOUND'],
      [court.clerk, 404, 'NOT_FOUND'],
      [court.admin, 403, 'FORBIDDEN'],
      [court.reviewer, 403, 'FORBIDDEN'],
      [court.lawyer, 403, 'PORTAL_FORBIDDEN'],
    ];
    for (const [intruder, status, code] of refusals) {
      for (const r of documentRoutes) {
        const res = await call(intruder, r.method, concrete(r.url), validBody(r.method, r.url));
        expect([intruder.email, r.method, r.url, res.statusCode, res.json().code]).toEqual([
          intruder.email,
          r.method,
          r.url,
          status,
          code,
        ]);
        expect(res.body).not.toContain('Exhibit of A');
      }
    }
    // The lawyer portal's document routes do not open a case document either (another store, another key).
    for (const url of [`/api/v1/documents/${a.documentId}`, `/api/v1/documents/${a.documentId}/content`]) {
      const res = await call(court.lawyer, 'GET', url);
      expect([url, res.statusCode]).toEqual([url, 404]);
    }
    // The probes neither removed A's document nor added one; A still reads it.
    const list = await call(court.judgeA, 'GET', `/api/v1/judicial/cases/${a.caseId}/documents`);
    expect(list.json().documents.map((d: { id: string }) => d.id)).toEqual([a.documentId]);
    const content = await call(court.judgeA, 'GET', `/api/v1/judicial/documents/${a.documentId}/content`);
    expect(content.body).toContain('Exhibit of A');
  });

  it("should never let a clerk read a judge's notes or drafts, by any route, even on a shared case", async () => {
    await call(court.judgeA, 'PUT', `/api/v1/judicial/cases/${a.caseId}/clerks`, { userIds: [court.clerk.userId] });
    for (const r of judicialRoutes.filter((x) => x.method === 'GET')) {
      const res = await call(court.clerk, 'GET', concrete(r.url).replace(':id', a.caseId));
      expect(res.body, r.url).not.toContain('lean acquit');
      expect(res.body, r.url).not.toContain('Draft of A');
    }
    const orders = (await call(court.clerk, 'GET', `/api/v1/judicial/cases/${a.caseId}/orders`)).json().orders;
    expect(orders.map((o: { id: string }) => o.id)).toEqual([a.issuedId]);
    // Changing or issuing the judge's draft by id: the clerk has no judge role, and would not see it anyway.
    const issue = await call(court.clerk, 'POST', `/api/v1/judicial/cases/${a.caseId}/orders/${a.draftId}/issue`);
    expect([issue.statusCode, issue.json().code]).toEqual([403, 'FORBIDDEN']);
    await call(court.judgeA, 'PUT', `/api/v1/judicial/cases/${a.caseId}/clerks`, { userIds: [] });
    expect((await call(court.clerk, 'GET', `/api/v1/judicial/cases/${a.caseId}`)).statusCode).toBe(404);
  });

  it('should refuse a duplicate case number in one court, even from another judge, with 409 CASE_NUMBER_TAKEN', async () => {
    const first = await call(court.judgeA, 'POST', '/api/v1/judicial/cases', {
      caseNumber: 'DUP-1',
      title: 'One',
      parties: [],
    });
    expect(first.statusCode).toBe(201);
    const again = await call(court.judgeB, 'POST', '/api/v1/judicial/cases', {
      caseNumber: 'DUP-1',
      title: 'Two',
      parties: [],
    });
    expect([again.statusCode, again.json().code]).toEqual([409, 'CASE_NUMBER_TAKEN']);
    // Another court may use the same number.
    const elsewhere = await call(court.otherJudge, 'POST', '/api/v1/judicial/cases', {
      caseNumber: 'DUP-1',
      title: 'Three',
      parties: [],
    });
    expect(elsewhere.statusCode).toBe(201);
  });

  it('should refuse a hearing in the past with 422 HEARING_IN_PAST', async () => {
    const res = await call(court.judgeA, 'POST', `/api/v1/judicial/cases/${a.caseId}/hearings`, {
      at: '2001-01-01T09:00:00Z',
      purpose: 'Too late',
    });
    expect([res.statusCode, res.json().code]).toEqual([422, 'HEARING_IN_PAST']);
  });

  it('should issue an order once: a second issue or a change after it is 409 ORDER_ISSUED', async () => {
    const again = await call(court.judgeA, 'POST', `/api/v1/judicial/cases/${a.caseId}/orders/${a.issuedId}/issue`);
    expect([again.statusCode, again.json().code]).toEqual([409, 'ORDER_ISSUED']);
    const edit = await call(court.judgeA, 'PUT', `/api/v1/judicial/cases/${a.caseId}/orders/${a.issuedId}`, {
      title: 'Rewritten',
      body: 'Rewritten',
    });
    expect([edit.statusCode, edit.json().code]).toEqual([409, 'ORDER_ISSUED']);
  });

  it('should refuse to share a case with someone who is not a clerk of the court', async () => {
    for (const stranger of [court.judgeB, court.lawyer, court.admin]) {
      const res = await call(court.judgeA, 'PUT', `/api/v1/judicial/cases/${a.caseId}/clerks`, {
        userIds: [stranger.userId],
      });
      expect([res.statusCode, res.json().code]).toEqual([422, 'NOT_A_CLERK']);
    }
  });

  it('should refuse malformed ids and bodies with 400, never 500', async () => {
    for (const [method, url, payload] of [
      ['GET', '/api/v1/judicial/cases/not-a-uuid', undefined],
      ['POST', '/api/v1/judicial/cases', { caseNumber: '', title: 'x' }],
      ['POST', `/api/v1/judicial/cases/${a.caseId}/hearings`, { at: 'tomorrow', purpose: 'x' }],
      ['GET', '/api/v1/judicial/cause-list?date=31-12-2099', undefined],
      ['POST', `/api/v1/judicial/cases/${a.caseId}/notes`, { body: 'x', extra: true }],
    ] as const) {
      const res = await call(court.judgeA, method, url, payload);
      expect([url, res.statusCode]).toEqual([url, 400]);
    }
  });

  it('should record judicial audit events for opening a case and issuing an order, never their content', async () => {
    await t.ctx.auditSealer.sealNow({ checkpoint: false });
    const { rows } = await unsafeWithOwner(t.ctx.db, (tx) =>
      sql<{ action: string; target: string; details: unknown }>`
        SELECT action, target, details FROM audit.events WHERE action LIKE 'judicial.%' AND org_id = ${court.orgId}`.execute(
        tx,
      ),
    );
    expect(rows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: 'judicial.case_create', target: a.caseId }),
        expect.objectContaining({ action: 'judicial.order_issue', target: a.issuedId }),
        expect.objectContaining({ action: 'judicial.note_create', target: a.caseId }),
      ]),
    );
    expect(JSON.stringify(rows)).not.toContain('lean acquit');
  });
});
