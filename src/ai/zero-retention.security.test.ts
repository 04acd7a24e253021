/**
 * Attack: someone with the server's disk, database or logs (an operator, a backup, a log shipper)
 * reads what lawyers asked the AI, the contract text it analyzed, or what it answered. A canary is
 * planted in a document and in a question; every tool runs, through a model provider and through
 * the local fallback; then the data directory, every table and every log line are searched.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogTables } from '../../test/rls/fixtures.ts';
import { multipart } from '../../test/helpers/documents.ts';
import { startLlmServer, type LlmServer } from '../../test/helpers/llm-server.ts';
import { memoryLog } from '../../test/helpers/memory-log.ts';
import { createScratchDatabase, testDatabaseKind } from '../../test/helpers/test-db.ts';
import { bearer, createMember, login, type TestApp } from '../../test/helpers/test-app.ts';
import { boot, type Runtime } from '../boot.ts';
import { loadConfig } from '../platform/config.ts';
import { loggerOptions } from '../platform/logger.ts';
import { SAMPLE_CONTRACT } from './fixtures/sample-contract.ts';

const DOC_CANARY = 'ZrDocCanary7f3a91c2';
const QUESTION_CANARY = 'ZrAskCanary52be0d44';

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

describe('zero retention of AI inputs and outputs', () => {
  const mem = memoryLog();
  let runtime: Runtime;
  let dataDir: string;
  let llm: LlmServer;
  let drop: (() => Promise<void>) | undefined;
  const startedAt = Date.now();

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chambers-zr-'));
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

  it('should leave no trace of the question, the document text or the answers anywhere', async () => {
    const t = {
      app: runtime.app,
      ctx: runtime.ctx,
      inject: runtime.app.inject.bind(runtime.app),
    } as unknown as TestApp;
    const m = await createMember(t, { role: 'org_admin' });
    const headers = bearer((await login(t, m.email)).accessToken);
    const inject = (method: 'GET' | 'POST', url: string, payload?: object, extra: Record<string, string> = {}) =>
      runtime.app.inject({ method, url, headers: { ...headers, ...extra }, ...(payload ? { payload } : {}) });
    const matterId = (await inject('POST', '/api/v1/matters', { title: 'Retention matter' })).json().id;
    const text = SAMPLE_CONTRACT.replace(
      'once per calendar year.',
      `once per calendar year. The audit code word is ${DOC_CANARY}.`,
    );
    const body = multipart([{ filename: 'contract.txt', content: text }]);
    const up = await runtime.app.inject({
      method: 'POST',
      url: `/api/v1/matters/${matterId}/documents`,
      headers: { ...headers, ...body.headers },
      payload: body.payload,
    });
    const documentId = up.json().id as string;
    const playbookId = (
      await inject('POST', '/api/v1/playbooks', {
        name: 'Retention playbook',
        rules: [{ id: 'audit', category: 'Audit Rights', expect: 'present', severity: 'info' }],
      })
    ).json().id as string;

    // The model echoes the canaries back, so its output carries them too.
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
        await inject('POST', '/api/v1/ai/extract', { documentId }),
        await inject('POST', '/api/v1/ai/review', { documentId, playbookId }),
        await inject('POST', '/api/v1/ai/summarize', { documentId }),
        await inject('POST', '/api/v1/ai/ask', { question, documentIds: [documentId] }),
        await inject(
          'POST',
          '/api/v1/ai/ask',
          { question, documentIds: [documentId] },
          { accept: 'text/event-stream' },
        ),
      ];
      for (const o of outs) expect(o.statusCode, o.body.slice(0, 200)).toBe(200);
      return outs.map((o) => o.body).join('\n');
    };
    const viaModel = await runAll();
    expect(viaModel).toContain(DOC_CANARY); // the tools did see and return the text…
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
    const audit = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM audit.events WHERE action = 'ai.request'`.execute(db);
    expect(audit.rows[0]?.n).toBe(10);
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
