import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multipart } from '../../test/helpers/documents.ts';
import { startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { seedCase, seedCourt, type Court, type CourtUser } from '../../test/rls/judicial-court.ts';
import { unsafeWithOwner } from '../platform/db/index.ts';
import { SAMPLE_CONTRACT } from './fixtures/sample-contract.ts';

/**
 * The AI tools on case documents (judge portal): a judge analyzes her own case's document, a
 * clerk the case is shared with may too, and nothing crosses between judges: another judge's
 * document is a 404 on every tool, exactly like one that does not exist; a lawyer is 403.
 */
/** A judicial rate tier no other tier shares, so a response says which tier it counted in. */
const JUDICIAL_TIER = '99999';

describe('AI analysis of case documents (judge portal)', () => {
  let t: TestApp;
  let court: Court;
  let caseA: Awaited<ReturnType<typeof seedCase>>;
  let docA: string;
  let playbookId: string;

  const post = (who: CourtUser, url: string, payload: object, extra: Record<string, string> = {}) =>
    t.inject({ method: 'POST', url, headers: { ...who.headers, ...extra }, payload });
  const tools = (documentId: string) =>
    [
      ['/api/v1/judicial/ai/extract', { documentId }],
      ['/api/v1/judicial/ai/review', { documentId, playbookId }],
      ['/api/v1/judicial/ai/summarize', { documentId }],
      ['/api/v1/judicial/ai/ask', { question: 'Which law governs?', documentIds: [documentId] }],
    ] as const;

  beforeAll(async () => {
    t = await startTestApp({ env: { RATE_LIMIT_JUDICIAL_PER_MINUTE: JUDICIAL_TIER } });
    court = await seedCourt(t);
    caseA = await seedCase(t, court.judgeA, 'A');
    const body = multipart([{ filename: 'distribution.txt', content: SAMPLE_CONTRACT }]);
    const up = await t.inject({
      method: 'POST',
      url: `/api/v1/judicial/cases/${caseA.caseId}/documents`,
      headers: { ...court.judgeA.headers, ...body.headers },
      payload: body.payload,
    });
    expect(up.statusCode, up.body).toBe(201);
    docA = up.json().id;
    const pb = await post(court.admin, '/api/v1/playbooks', {
      name: 'Court playbook',
      rules: [{ id: 'law', category: 'Governing Law', expect: 'present', severity: 'critical' }],
    });
    expect(pb.statusCode, pb.body).toBe(201);
    playbookId = pb.json().id;
  });
  afterAll(async () => t?.close());

  it('should let a judge run every tool on her case document, audited without content', async () => {
    const [extract, review, summarize, ask] = await Promise.all(
      tools(docA).map(([url, body]) => post(court.judgeA, url, body)),
    );
    expect(extract!.statusCode, extract!.body).toBe(200);
    // A judge portal route: it counts in the judicial rate tier, not the lawyers'.
    expect(extract!.headers['ratelimit-limit']).toBe(JUDICIAL_TIER);
    const clauses = extract!.json().clauses as Array<{ category: string; text: string; start: number; end: number }>;
    const law = clauses.find((c) => c.category === 'Governing Law');
    expect(law).toBeDefined();
    expect(SAMPLE_CONTRACT.slice(law!.start, law!.end)).toBe(law!.text);
    expect(review!.json().findings).toEqual([expect.objectContaining({ ruleId: 'law', status: 'ok' })]);
    expect(summarize!.statusCode).toBe(200);
    expect(ask!.json()).toMatchObject({
      provider: 'local',
      citations: expect.arrayContaining([expect.objectContaining({ documentId: docA })]),
    });
    const stream = await post(
      court.judgeA,
      '/api/v1/judicial/ai/ask',
      { question: 'Which law governs?', documentIds: [docA] },
      { accept: 'text/event-stream' },
    );
    expect(stream.statusCode).toBe(200);
    expect(stream.body).toContain('event: done');

    const { rows } = await unsafeWithOwner(t.ctx.db, (tx) =>
      sql<{ action: string; details: Record<string, unknown>; target: string }>`
        SELECT action, details, target FROM audit.events
         WHERE actor_id = ${court.judgeA.userId} AND action IN ('ai.request', 'judicial.document_analyze')`.execute(tx),
    );
    // A JSON column comes back parsed on PostgreSQL and as text on PGlite.
    for (const r of rows)
      if (typeof r.details === 'string') r.details = JSON.parse(r.details) as Record<string, unknown>;
    const requests = rows.filter((r) => r.action === 'ai.request');
    expect(requests.map((r) => r.details.tool).sort()).toEqual(['ask', 'ask', 'extract', 'review', 'summarize']);
    for (const r of requests) {
      expect(r.target).toBe(docA);
      expect(r.details).toMatchObject({ source: 'judicial', provider: 'local', docs: 1 });
      expect(r.details.latencyMs).toEqual(expect.any(Number));
    }
    const reads = rows.filter((r) => r.action === 'judicial.document_analyze');
    expect(reads).toHaveLength(5);
    for (const r of reads) expect(r.details).toMatchObject({ size: Buffer.byteLength(SAMPLE_CONTRACT) });
    expect(JSON.stringify(rows)).not.toContain('Northwind');
  });

  it("should answer another judge 404 on every tool for a colleague's document, like an unknown id", async () => {
    for (const who of [court.judgeB, court.otherJudge, court.clerk]) {
      for (const [url, body] of tools(docA)) {
        const res = await post(who, url, body);
        expect(res.statusCode, `${url} ${res.body}`).toBe(404);
        expect(res.json().code).toBe('NOT_FOUND');
      }
    }
    const streamed = await post(
      court.judgeB,
      '/api/v1/judicial/ai/ask',
      { question: 'Which law governs?', documentIds: [docA] },
      { accept: 'text/event-stream' },
    );
    expect(streamed.statusCode).toBe(404);
  });

  it("should refuse a lawyer's token with 403 PORTAL_FORBIDDEN and keep the firm routes off case documents", async () => {
    for (const [url, body] of tools(docA)) {
      const res = await post(court.lawyer, url, body);
      expect(res.statusCode, url).toBe(403);
      expect(res.json().code).toBe('PORTAL_FORBIDDEN');
    }
    // The lawyer-portal tools read the firm vault only: a case document's id is not there.
    const viaVault = await post(court.judgeA, '/api/v1/ai/extract', { documentId: docA });
    expect(viaVault.statusCode).toBe(404);
  });

  it('should let a clerk the case is shared with analyze its document, and refuse unsupported types', async () => {
    const share = await t.inject({
      method: 'PUT',
      url: `/api/v1/judicial/cases/${caseA.caseId}/clerks`,
      headers: court.judgeA.headers,
      payload: { userIds: [court.clerk.userId] },
    });
    expect(share.statusCode, share.body).toBe(200);
    const res = await post(court.clerk, '/api/v1/judicial/ai/summarize', { documentId: docA });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().summary.length).toBeGreaterThan(0);
    // Unshared again: the clerk is a stranger to the document once more.
    await t.inject({
      method: 'PUT',
      url: `/api/v1/judicial/cases/${caseA.caseId}/clerks`,
      headers: court.judgeA.headers,
      payload: { userIds: [] },
    });
    expect((await post(court.clerk, '/api/v1/judicial/ai/summarize', { documentId: docA })).statusCode).toBe(404);
  });
});
