/**
 * chambers/parallel-reads (issue 14, item 9): in web/src, an API read awaited right after another
 * one whose answer it does not use is refused; the page should ask for both at once. What the rule
 * cannot see (a panel mounted only once its parent's data arrived) e2e/parallel-requests covers.
 * Each case lints code placed in the web tree; the controls show the allowed shapes stay quiet.
 */
import path from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { webHouseRules } from '../../tools/eslint/house-rules.js';

const root = path.resolve(import.meta.dirname, '../..');
const eslint = new ESLint({
  cwd: root,
  overrideConfigFile: true,
  overrideConfig: [{ files: ['**/*.ts', '**/*.tsx'], languageOptions: { parser: tseslint.parser } }, webHouseRules],
});

async function findings(code: string, file = 'web/src/pages/workspace/probe.tsx'): Promise<number[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).map((m) => {
    if (m.ruleId !== 'chambers/parallel-reads') throw new Error(`unexpected: ${m.ruleId ?? m.message}`);
    return m.line;
  });
}

describe('chambers/parallel-reads (lint)', () => {
  it('should refuse a second read that waits for a first one it does not need', async () => {
    expect(
      await findings(
        [
          'async function load(id: string) {',
          '  const matter = await get(`/api/v1/matters/${id}`);',
          '  const docs = await get(`/api/v1/matters/${id}/documents`);',
          '  return { matter, docs };',
          '}',
        ].join('\n'),
      ),
    ).toEqual([3]);
  });

  it('should refuse it whatever the read looks like: setters, api("GET"), request("GET"), .GET, .then', async () => {
    expect(
      await findings(
        [
          'const load = async () => {',
          "  setA(await get('/api/v1/a'));",
          "  setB(await api('GET', '/api/v1/b', { background: true }));",
          "  const r = await request('GET', '/api/v1/c');",
          "  const keys = await developerApi.GET('/api/v1/developer/keys').then(bodyOf);",
          '  return [r, keys];',
          '};',
        ].join('\n'),
        'web/src/pages/developer/probe.ts',
      ),
    ).toEqual([3, 4, 5]);
  });

  it('should allow a read that uses what the one before it answered', async () => {
    expect(
      await findings(
        [
          'async function open(id: string) {',
          '  const { exportId } = await get(`/api/v1/things/${id}`);',
          '  const status = await get(`/api/v1/me/exports/${exportId}`);',
          '  return status;',
          '}',
        ].join('\n'),
      ),
    ).toEqual([]);
  });

  it('should allow reads made together, a read after a write, and reads apart', async () => {
    expect(
      await findings(
        [
          'async function load(id: string) {',
          '  const [a, b] = await Promise.all([get(`/api/v1/a/${id}`), get(`/api/v1/b/${id}`)]);',
          "  await post('/api/v1/c', { a, b });",
          "  const c = await get('/api/v1/c');",
          '  if (!c) return;',
          "  const d = await get('/api/v1/d');",
          '  return d;',
          '}',
          "const later = async () => { await get('/api/v1/e'); };",
          "const again = async () => { await get('/api/v1/f'); };",
        ].join('\n'),
      ),
    ).toEqual([]);
  });

  it('should not look at src/ (the server has its own reasons to order its reads)', async () => {
    expect(
      await findings(
        "async function f() {\n  const a = await get('/a');\n  const b = await get('/b');\n  return [a, b];\n}\n",
        'src/matters/probe.ts',
      ),
    ).toEqual([]);
  });
});
