/**
 * Attack: someone with the server's disk, database or logs reads what a judge asked the AI
 * about a case document, the document's text, or the answers. A canary is planted in a case
 * document (sealed under the judicial key) and in a question; every judicial tool runs, through
 * a model provider and through the local fallback; then the data directory, every table
 * (the judicial schema included) and every log line are searched.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogTables } from '../../test/rls/fixtures.ts';
import { seedCase, seedCourt } from '../../test/rls/judicial-court.ts';
import { multipart } from '../../test/helpers/documents.ts';
import { startLlmServer, type LlmServer } from '../../test/helpers/llm-server.ts';
import { memoryLog } from '../../test/helpers/memory-log.ts';
import { createScratchDatabase, testDatabaseKind } from '../../test/helpers/test-db.ts';
import type { TestApp } from '../../test/helpers/test-app.ts';
import { boot, type Runtime } from '../boot.ts';
import { loadConfig } from '../platform/config.ts';
import { loggerOptions } from '../platform/logger.ts';
import { SAMPLE_CONTRACT } from './fixtures/sample-contract.ts';

const DOC_CANARY = 'ZrJudDocCanary1c9e44b7';
const QUESTION_CANARY = 'ZrJudAskCanary8d02aa61';

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

describe('zero retention of AI inputs and outputs on case documents', () => {
  const mem = memoryLog();
  let runtime: Runtime;
  let dataDir: string;
  let llm: LlmServer;
  let drop: (() => Promise<void>) | undefined;
  const startedAt = Date.now();

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chambers-jzr-'));
    llm = await startLlmServer();
    const scratch = testDatabaseKind() === 'postgres' ? await createScratchDatabase() : null;
    drop = scratch?.drop;
    const config = loadConfig({
      CHAMBERS_DATA_DIR: dataDir,
      LOG_LEVEL: 'trace',
      AI_PROVIDER: 'openai-compatible',
      AI_BASE_URL: `${llm.url}/v1`,
      AI_MODEL: 'test-model',
      AI_TIMEOUT_MS: '3000',
      RATE_LIMIT_LAWYER_PER_MINUTE: '100000',
      RATE_LIMIT_JUDICIAL_PER_MINUTE: '100000',
      RATE_LIMIT_ADMIN_PER_MINUTE: '100000',
      RATE_LIMIT_AUTH_PER_MINUTE: '100000',
      AUTH_RESPONSE_GRID_MS: '25',
      ...(scratch ? { DATABASE_URL: scratch.url } : {}),
    });
    // PGlite on disk (no inMemory): its files are part of the data directory searched below.
    runtime = await boot(config, { logger: pino(loggerOptions('trace'), mem.stream) });
  });
  afterAll(async () => {
    await llm?.close();
    await drop?.();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('should leave no trace of the question, the case document text or the answers anywhere', async () => {
    const t = {
      app: runtime.app,
      ctx: runtime.ctx,
      inject: runtime.app.inject.bind(runtime.app),
    } as unknown as TestApp;
    const court = await seedCourt(t);
    const { caseId } = await seedCase(t, court.judgeA, 'ZR');
    const headers = court.judgeA.headers;
    const inject = (method: 'POST', url: string, payload: object, extra: Record<string, string> = {}) =>
      runtime.app.inject({ method, url, headers: { ...headers, ...extra }, payload });
    const text = SAMPLE_CONTRACT.replace(
      'once per calendar year.',
      `once per calendar year. The audit code word is ${DOC_CANARY}.`,
    );
    const body = multipart([{ filename: 'exhibit.txt', content: text }]);
    const up = await runtime.app.inject({
      method: 'POST',
      url: `/api/v1/judicial/cases/${caseId}/documents`,
      headers: { ...headers, ...body.headers },
      payload: body.payload,
    });
    expect(up.statusCode, up.body).toBe(201);
    const documentId = up.json().id as string;
    const playbook = await runtime.app.inject({
      method: 'POST',
      url: '/api/v1/playbooks',
      headers: court.admin.headers,
      payload: {
        name: 'Retention playbook',
        rules: [{ id: 'audit', category: 'Audit Rights', expect: 'present', severity: 'info' }],
      },
    });
    const playbookId = playbook.json().id as string;
    // The organization's review log is on: a case document must still never enter it.
    const settings = await runtime.app.inject({
      method: 'PUT',
      url: '/api/v1/ai/settings',
      headers: court.admin.headers,
      payload: { quotaUserPerDay: null, quotaOrgPerDay: null, reviewLog: true },
    });
    expect(settings.statusCode, settings.body).toBe(200);

    const sentence = `The audit code word is ${DOC_CANARY}.`;
    llm.fallback = (req) => {
      const structured = Boolean(req.body.response_format);
      const name = (req.body.response_format as { json_schema?: { name?: string } } | undefined)?.json_schema?.name;
      if (!structured) return { kind: 'answer', text: `About ${QUESTION_CANARY}: [[1|${sentence}]]` };
      if (name === 'record_clauses')
        return { kind: 'answer', json: { clauses: [{ category: 'Audit Rights', quote: sentence }] } };
      if (name === 'record_findings')
        return {
          kind: 'answer',
          json: { findings: [{ ruleId: 'audit', present: true, quote: sentence, explanation: `Found ${DOC_CANARY}` }] },
        };
      return { kind: 'answer', json: { summary: `Summary with ${DOC_CANARY}`, quotes: [sentence] } };
    };
    const question = `What is the audit code word ${QUESTION_CANARY}?`;
    const runAll = async () => {
      const outs = [
        await inject('POST', '/api/v1/judicial/ai/extract', { documentId }),
        await inject('POST', '/api/v1/judicial/ai/review', { documentId, playbookId }),
        await inject('POST', '/api/v1/judicial/ai/summarize', { documentId }),
        await inject('POST', '/api/v1/judicial/ai/ask', { question, documentIds: [documentId] }),
        await inject(
          'POST',
          '/api/v1/judicial/ai/ask',
          { question, documentIds: [documentId] },
          { accept: 'text/event-stream' },
        ),
      ];
      for (const o of outs) expect(o.statusCode, o.body.slice(0, 200)).toBe(200);
      return outs.map((o) => o.body).join('\n');
    };
    const viaModel = await runAll();
    expect(viaModel).toContain(DOC_CANARY); // the tools did see and return the text…
    expect(viaModel).toContain('"provider":"openai-compatible"');
    llm.fallback = () => ({ kind: 'status', status: 500 });
    const viaLocal = await runAll();
    expect(viaLocal).toContain(DOC_CANARY);
    expect(viaLocal).toContain('"provider":"local"');

    // …and nothing of it stayed: not in any table, not in any log line, not on disk.
    const db = runtime.ctx.db.owner;
    for (const table of await catalogTables(runtime.ctx.db)) {
      const { rows } = await sql<{ row: string }>`SELECT t::text AS row FROM ${sql.raw(table.qualified)} t`.execute(db);
      for (const r of rows) {
        expect(r.row, table.qualified).not.toContain(DOC_CANARY);
        expect(r.row, table.qualified).not.toContain(QUESTION_CANARY);
      }
    }
    const counts = await sql<{ action: string; n: number }>`
      SELECT action, count(*)::int AS n FROM audit.events
       WHERE action IN ('ai.request', 'judicial.document_analyze') GROUP BY action ORDER BY action`.execute(db);
    expect(counts.rows).toEqual([
      { action: 'ai.request', n: 10 },
      { action: 'judicial.document_analyze', n: 10 },
    ]);
    const reviewLog = await sql<{ n: number }>`SELECT count(*)::int AS n FROM chambers.ai_review_log`.execute(db);
    expect(reviewLog.rows[0]?.n).toBe(0);
    const logs = mem.text();
    expect(logs.length).toBeGreaterThan(1000);
    expect(logs).not.toContain(DOC_CANARY);
    expect(logs).not.toContain(QUESTION_CANARY);

    await runtime.close();
    const recent = [
      ...filesUnder(dataDir),
      ...filesUnder(os.tmpdir()).filter((f) => {
        try {
          const st = fs.statSync(f);
          return st.mtimeMs >= startedAt && st.size < 20 * 1024 * 1024;
        } catch {
          return false;
        }
      }),
    ];
    expect(recent.length).toBeGreaterThan(0);
    for (const f of recent) {
      let bytes: Buffer;
      try {
        bytes = fs.readFileSync(f);
      } catch {
        continue;
      }
      expect(bytes.includes(DOC_CANARY), f).toBe(false);
      expect(bytes.includes(QUESTION_CANARY), f).toBe(false);
    }
  });
});
