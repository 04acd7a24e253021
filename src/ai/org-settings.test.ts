/**
 * An organization's own AI settings: its provider (base URL, model, API key sealed under the master
 * key, org_admin only, step-up declared) and the opt-in review log of AI inputs and outputs
 * (encrypted under the organization key, readable by org_admins, purged after its retention).
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multipart } from '../../test/helpers/documents.ts';
import { startLlmServer, type LlmServer } from '../../test/helpers/llm-server.ts';
import {
  bearer,
  createMember,
  login,
  signedInMember,
  startTestApp,
  type TestApp,
} from '../../test/helpers/test-app.ts';
import { RECENT_FACTOR } from '../access/index.ts';
import { unsafeWithOwner } from '../platform/db/index.ts';
import { GOVERNING_LAW_SENTENCE, SAMPLE_CONTRACT } from './fixtures/sample-contract.ts';
import { unsafePurgeExpiredReviewLog } from './review-log.ts';
import { putProviderRoute, putSettingsRoute } from './ai.schemas.ts';

type Headers = Record<string, string>;
const API_KEY = 'sk-org-secret-2f9c1e77aa';
const QUESTION_CANARY = 'ReviewLogCanary91d3';

describe("an organization's own AI provider and review log", () => {
  let t: TestApp;
  let llm: LlmServer;
  let admin: { orgId: string; headers: Headers };
  let lawyer: { headers: Headers };
  let other: { orgId: string; headers: Headers };
  let docId: string;

  const call = (method: 'GET' | 'PUT' | 'POST', url: string, headers: Headers, payload?: object) =>
    t.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  const rows = async (query: string) =>
    (await unsafeWithOwner(t.ctx.db, (tx) => sql.raw<Record<string, unknown>>(query).execute(tx))).rows;

  beforeAll(async () => {
    llm = await startLlmServer();
    t = await startTestApp({ env: { SSRF_ALLOW_HOSTS: '127.0.0.1', AI_TIMEOUT_MS: '3000' } });
    admin = await signedInMember(t, { role: 'org_admin' });
    const m = await createMember(t, { role: 'lawyer', orgId: admin.orgId });
    lawyer = { headers: bearer((await login(t, m.email)).accessToken) };
    other = await signedInMember(t, { role: 'org_admin' });
    const matterId = (await call('POST', '/api/v1/matters', lawyer.headers, { title: 'Own provider' })).json().id;
    const body = multipart([{ filename: 'distribution.txt', content: SAMPLE_CONTRACT }]);
    const up = await t.inject({
      method: 'POST',
      url: `/api/v1/matters/${matterId}/documents`,
      headers: { ...lawyer.headers, ...body.headers },
      payload: body.payload,
    });
    expect(up.statusCode, up.body).toBe(201);
    docId = up.json().id;
  });
  afterAll(async () => {
    await t?.close();
    await llm?.close();
  });

  it('should declare step-up on the routes that change where documents go and what is kept', () => {
    expect(putProviderRoute.config.access).toMatchObject({
      roles: ['org_admin'],
      recentFactorMs: RECENT_FACTOR.sensitive,
    });
    expect(putSettingsRoute.config.access).toMatchObject({
      roles: ['org_admin'],
      recentFactorMs: RECENT_FACTOR.sensitive,
    });
  });

  it('should let only org_admins set a provider, keep its key sealed, and answer with it', async () => {
    const payload = { provider: 'openai-compatible', baseUrl: `${llm.url}/v1`, model: 'org-model', apiKey: API_KEY };
    expect((await call('PUT', '/api/v1/ai/provider', lawyer.headers, payload)).statusCode).toBe(403);
    expect((await call('GET', '/api/v1/ai/provider', lawyer.headers)).statusCode).toBe(403);

    const set = await call('PUT', '/api/v1/ai/provider', admin.headers, payload);
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toEqual({
      provider: 'openai-compatible',
      baseUrl: `${llm.url}/v1`,
      model: 'org-model',
      apiKeySet: true,
    });
    expect(set.body).not.toContain(API_KEY);
    const [stored] = await rows(
      `SELECT api_key_ciphertext::text AS k FROM chambers.ai_settings WHERE org_id = '${admin.orgId}'`,
    );
    expect(String(stored?.k)).toMatch(/^v1\./);
    expect(String(stored?.k)).not.toContain(API_KEY);

    const status = (await call('GET', '/api/v1/ai/status', lawyer.headers)).json();
    expect(status).toMatchObject({ provider: 'openai-compatible', model: 'org-model' });
    // Another organization still has the server's (local) analyzer.
    expect((await call('GET', '/api/v1/ai/status', other.headers)).json()).toMatchObject({ provider: 'local' });

    llm.script({
      kind: 'answer',
      json: { answer: 'It is New York law.', citations: [{ documentId: docId, text: GOVERNING_LAW_SENTENCE }] },
    });
    const before = llm.received.length;
    const res = await call('POST', '/api/v1/ai/ask', lawyer.headers, {
      question: 'Which law governs?',
      documentIds: [docId],
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ provider: 'openai-compatible', model: 'org-model' });
    const sent = llm.received[before];
    expect(sent?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(sent?.body.model).toBe('org-model');
  });

  it('should keep the stored key when it is omitted, and refuse a base URL the SSRF policy forbids', async () => {
    const keep = await call('PUT', '/api/v1/ai/provider', admin.headers, {
      provider: 'openai-compatible',
      baseUrl: `${llm.url}/v1`,
      model: 'org-model-2',
    });
    expect(keep.json()).toMatchObject({ model: 'org-model-2', apiKeySet: true });
    for (const baseUrl of [
      'http://10.0.0.5/v1',
      'https://169.254.169.254/latest',
      'file:///etc/passwd',
      'https://u:p@example.com/v1',
    ]) {
      const res = await call('PUT', '/api/v1/ai/provider', admin.headers, {
        provider: 'openai-compatible',
        baseUrl,
        model: 'm',
      });
      expect(res.statusCode, baseUrl).toBe(422);
      expect(res.json().code, baseUrl).toMatch(/^SSRF_/);
    }
    const cleared = await call('PUT', '/api/v1/ai/provider', admin.headers, { provider: null });
    expect(cleared.json()).toEqual({ provider: null, baseUrl: null, model: null, apiKeySet: false });
    expect((await call('GET', '/api/v1/ai/status', lawyer.headers)).json()).toMatchObject({ provider: 'local' });
  });

  it('should keep nothing while the review log is off (the default)', async () => {
    expect((await call('GET', '/api/v1/ai/settings', lawyer.headers)).json()).toMatchObject({ reviewLog: false });
    const res = await call('POST', '/api/v1/ai/ask', lawyer.headers, {
      question: `Which law governs? ${QUESTION_CANARY}`,
      documentIds: [docId],
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(await rows('SELECT id FROM chambers.ai_review_log')).toEqual([]);
    expect((await call('GET', '/api/v1/ai/review-log', admin.headers)).json()).toEqual({ entries: [] });
  });

  it('should store entries encrypted under the organization key when on, show them to admins, and purge them after retention', async () => {
    const on = await call('PUT', '/api/v1/ai/settings', admin.headers, {
      quotaUserPerDay: null,
      quotaOrgPerDay: null,
      reviewLog: true,
      reviewLogDays: 7,
    });
    expect(on.statusCode, on.body).toBe(200);
    expect(on.json()).toMatchObject({ reviewLog: true, reviewLogDays: 7 });
    expect((await call('GET', '/api/v1/ai/status', lawyer.headers)).json()).toMatchObject({
      reviewLog: true,
      reviewLogDays: 7,
    });

    const ask = await call('POST', '/api/v1/ai/ask', lawyer.headers, {
      question: `Which law governs? ${QUESTION_CANARY}`,
      documentIds: [docId],
    });
    expect(ask.statusCode, ask.body).toBe(200);
    expect((await call('POST', '/api/v1/ai/extract', lawyer.headers, { documentId: docId })).statusCode).toBe(200);

    const stored = await rows(
      "SELECT tool, encode(ciphertext, 'escape') AS c, expires_at, created_at FROM chambers.ai_review_log",
    );
    expect(stored.map((r) => r.tool).sort()).toEqual(['ask', 'extract']);
    for (const r of stored) {
      expect(String(r.c)).not.toContain(QUESTION_CANARY);
      expect(String(r.c)).not.toContain('New York');
      const days = (new Date(String(r.expires_at)).getTime() - new Date(String(r.created_at)).getTime()) / 86_400_000;
      expect(Math.round(days)).toBe(7);
    }

    expect((await call('GET', '/api/v1/ai/review-log', lawyer.headers)).statusCode).toBe(403);
    const log = await call('GET', '/api/v1/ai/review-log', admin.headers);
    expect(log.statusCode, log.body).toBe(200);
    const entries = log.json().entries as Array<{ tool: string; input: { question?: string }; documentIds: string[] }>;
    const askEntry = entries.find((e) => e.tool === 'ask');
    expect(askEntry?.input.question).toContain(QUESTION_CANARY);
    expect(askEntry?.documentIds).toEqual([docId]);
    // Another organization's admin sees none of it.
    expect((await call('GET', '/api/v1/ai/review-log', other.headers)).json()).toEqual({ entries: [] });

    expect(await unsafePurgeExpiredReviewLog(t.ctx.db, new Date(Date.now() + 6 * 86_400_000))).toBe(0);
    expect(await unsafePurgeExpiredReviewLog(t.ctx.db, new Date(Date.now() + 8 * 86_400_000))).toBe(2);
    expect(await rows('SELECT id FROM chambers.ai_review_log')).toEqual([]);
  });
});
