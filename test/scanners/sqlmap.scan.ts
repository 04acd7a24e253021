/*
 * sqlmap (Debian package) against every route that takes query or path parameters,
 * enumerated from /api/openapi.json, authenticated as an org_admin of a firm (the
 * role that reaches the most routes) with a real bearer token, on PostgreSQL. Every
 * parameter (path, query, and the JSON body's string fields) is marked for injection.
 * sqlmap always exits 0, so its console output and session logs are parsed: any
 * identified injection point fails, and so does a target it could not test at all.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, login, startTestApp, type TestApp } from '../helpers/test-app.ts';

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  enum?: unknown[];
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  items?: Schema;
  anyOf?: Schema[];
  default?: unknown;
};
type Operation = {
  parameters?: Array<{ in: string; name: string; schema?: Schema; required?: boolean }>;
  requestBody?: { content?: Record<string, { schema?: Schema }> };
};
type Target = { method: string; route: string; url: string; body: string | null };

/** Runs with at most `limit` promises in flight (sqlmap is CPU-bound; the machine has 2 cores). */
async function pool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i]!);
      }
    }),
  );
  return results;
}

/** A plausible value for a schema, so the request passes validation and reaches the database. */
function sample(schema: Schema | undefined, name: string, known: Record<string, string>): unknown {
  if (!schema) return 'x';
  // A date-time parameter gets a date-time even where a numeric parameter shares its name (from/to).
  if (schema.format === 'date-time') return '2020-01-01T00:00:00.000Z';
  if (known[name]) return known[name];
  if (schema.anyOf) return sample(schema.anyOf.find((s) => s.type !== 'null') ?? schema.anyOf[0], name, known);
  if (schema.enum) return schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'integer':
    case 'number':
      return Math.max(schema.minimum ?? 1, 1);
    case 'boolean':
      return false;
    case 'array':
      return [];
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const key of schema.required ?? []) out[key] = sample(schema.properties?.[key], key, known);
      return out;
    }
    default:
      if (schema.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
      if (schema.format === 'email') return 'sqlmap@example.com';
      if (schema.format === 'date-time') return '2030-01-01T00:00:00.000Z';
      return 'sqlmap probe value'.padEnd(schema.minLength ?? 0, 'x').slice(0, schema.maxLength ?? 200);
  }
}

function targetsFrom(
  doc: { paths: Record<string, Record<string, Operation>> },
  base: string,
  known: Record<string, string>,
): Target[] {
  const targets: Target[] = [];
  for (const [route, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const params = op.parameters ?? [];
      if (!params.some((p) => p.in === 'path' || p.in === 'query')) continue;
      // `*` marks each injection point for sqlmap.
      let urlPath = route;
      for (const p of params.filter((p) => p.in === 'path'))
        urlPath = urlPath.replace(`{${p.name}}`, `${encodeURIComponent(String(sample(p.schema, p.name, known)))}*`);
      const query = params
        .filter((p) => p.in === 'query')
        .map((p) => `${p.name}=${encodeURIComponent(String(sample(p.schema, p.name, known)))}*`)
        .join('&');
      const bodySchema = op.requestBody?.content?.['application/json']?.schema;
      let body: string | null = null;
      if (bodySchema) {
        const value = sample(bodySchema, '', known) as Record<string, unknown>;
        body = JSON.stringify(value).replace(/"((?:[^"\\]|\\.)*)"(?=[,}])/g, '"$1*"');
      }
      targets.push({
        method: method.toUpperCase(),
        route: `${method.toUpperCase()} ${route}`,
        url: `${base}${urlPath}${query ? `?${query}` : ''}`,
        body,
      });
    }
  }
  return targets;
}

type SqlmapResult = { route: string; injectable: boolean; tested: boolean; excerpt: string };

/**
 * Routes authenticated by an HMAC signature over the body instead of the bearer token:
 * every unsigned request sqlmap sends is refused with 401 before the body is read, so
 * their baseline is that 401 and sqlmap is told to read past it.
 */
const SIGNATURE_ROUTES = new Set(['POST /api/v1/webhooks/inbound/{integrationId}']);

function runSqlmap(target: Target, token: string, outDir: string): Promise<SqlmapResult> {
  const args = [
    '-u',
    target.url,
    '--method',
    target.method,
    '-H',
    `Authorization: Bearer ${token}`,
    '--batch',
    '--flush-session',
    '--disable-coloring',
    '--dbms',
    'PostgreSQL',
    '--level',
    '3',
    '--risk',
    '2',
    '--technique',
    'BEUST',
    '--time-sec',
    '2',
    '--threads',
    '4',
    '--timeout',
    '10',
    '--retries',
    '1',
    '--skip',
    'user-agent,referer,host',
    '--ignore-code',
    SIGNATURE_ROUTES.has(target.route) ? '401,404' : '404',
    '--output-dir',
    outDir,
  ];
  if (target.body) args.push('--data', target.body, '-H', 'Content-Type: application/json');
  return new Promise((resolve) => {
    const child = spawn('sqlmap', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', () => {
      fs.writeFileSync(`${outDir}.console.txt`, out);
      const logs = fs.existsSync(outDir)
        ? fs
            .readdirSync(outDir)
            .map((h) => path.join(outDir, h, 'log'))
            .filter((f) => fs.existsSync(f))
            .map((f) => fs.readFileSync(f, 'utf8'))
            .join('\n')
        : '';
      // A candidate ("appears to be … injectable") counts unless sqlmap's own false-positive check
      // then rejected it; a confirmed point is printed as "identified …" and written to its log.
      const candidates = (out.match(/appears to be '[^'\n]*' injectable/gi) ?? []).length;
      const rejected = (out.match(/false positive or unexploitable injection point detected/gi) ?? []).length;
      const injectable =
        /identified the following injection point|is vulnerable/i.test(out) ||
        logs.trim().length > 0 ||
        candidates > rejected;
      const tested = /do not appear to be injectable|does not seem to be injectable|is not injectable/i.test(out);
      resolve({
        route: target.route,
        injectable,
        tested,
        excerpt: out
          .split('\n')
          .filter((l) => /injectable|injection point|critical|WARNING.*(code|param)/i.test(l))
          .slice(-6)
          .join('\n'),
      });
    });
  });
}

describe('sqlmap against every route with query or path parameters (authenticated, PostgreSQL)', () => {
  let t: TestApp;
  let base: string;
  let token: string;
  /** Each portal's credentials, tried in turn for a route the firm admin may not call (platform, judicial, developer). */
  let otherTokens: string[];
  const tokenFor = new Map<string, string>();
  let known: Record<string, string>;
  // SQLMAP_OUT_DIR keeps sqlmap's console output and sessions for a person to read.
  const keep = process.env.SQLMAP_OUT_DIR;
  const outRoot = keep
    ? (fs.mkdirSync(keep, { recursive: true }), keep)
    : fs.mkdtempSync(path.join(os.tmpdir(), 'chambers-sqlmap-'));
  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    const admin = await createMember(t, { role: 'org_admin', kind: 'firm' });
    // Platform routes (the audit stream) answer 403 to an org_admin: those are scanned as a super_admin, judicial
    // routes as a judge, developer routes as an api_admin.
    const platformAdmin = await createMember(t, { role: 'org_admin', kind: 'firm', superAdmin: true });
    const superToken = (await login(t, platformAdmin.email)).accessToken;
    // Judge-portal routes: a judge of a court (signed in with the second factor judges must have).
    const judge = await createMember(t, { role: 'judge', kind: 'court' });
    // Developer-portal routes: an api_admin of the firm.
    const apiAdmin = await createMember(t, { role: 'api_admin', orgId: admin.orgId });
    otherTokens = [superToken, (await login(t, judge.email)).accessToken, (await login(t, apiAdmin.email)).accessToken];
    const colleague = await createMember(t, { role: 'lawyer', orgId: admin.orgId });
    token = (await login(t, admin.email)).accessToken;
    const matter = await t.inject({
      method: 'POST',
      url: '/api/v1/matters',
      headers: { authorization: `Bearer ${token}` },
      payload: { title: 'Scan target' },
    });
    // A cursor is a base64url event id: a valid one lets the list's baseline answer 200 and each payload reach the query.
    known = {
      orgId: admin.orgId,
      userId: colleague.userId,
      id: (matter.json() as { id: string }).id,
      seq: '1',
      treeSize: '1',
      from: '0',
      to: '1',
      cursor: Buffer.from('100000000').toString('base64url'),
    };
  });
  afterAll(async () => {
    await t?.close();
    if (!keep) fs.rmSync(outRoot, { recursive: true, force: true });
  });

  it('should find no injection in any parameter', async () => {
    const doc = (await t.inject({ method: 'GET', url: '/api/openapi.json' })).json() as {
      paths: Record<string, Record<string, Operation>>;
    };
    // SQLMAP_ONLY=<route substring> scans just the matching routes (a person re-checking one route).
    const only = process.env.SQLMAP_ONLY;
    const targets = targetsFrom(doc, base, known).filter((x) => !only || x.route.includes(only));
    expect(targets.length).toBeGreaterThanOrEqual(only ? 1 : 10);
    // Baselines: every target must be reachable with this token (not 401/403), or sqlmap tests nothing real.
    for (const target of targets) {
      const res = await fetch(target.url.replaceAll('*', ''), {
        method: target.method,
        headers: { authorization: `Bearer ${token}`, ...(target.body ? { 'content-type': 'application/json' } : {}) },
        body: target.body?.replaceAll('*', '') ?? undefined,
      });
      if (SIGNATURE_ROUTES.has(target.route)) {
        expect(res.status, `${target.route} refuses an unsigned request`).toBe(401);
        continue;
      }
      let status = res.status;
      for (const other of otherTokens) {
        if (status !== 403) break;
        const again = await fetch(target.url.replaceAll('*', ''), {
          method: target.method,
          headers: {
            authorization: `Bearer ${other}`,
            ...(target.body ? { 'content-type': 'application/json' } : {}),
          },
          body: target.body?.replaceAll('*', '') ?? undefined,
        });
        await again.body?.cancel();
        status = again.status;
        tokenFor.set(target.route, other);
      }
      expect([401, 403], `${target.route} answers ${status} to the scan's credentials`).not.toContain(status);
    }
    const started = Date.now();
    const results = await pool(targets, 3, (target) =>
      runSqlmap(
        target,
        tokenFor.get(target.route) ?? token,
        path.join(outRoot, target.route.replace(/[^a-z0-9]+/gi, '_')),
      ),
    );
    process.stdout.write(`sqlmap: ${results.length} routes in ${Math.round((Date.now() - started) / 1000)} s\n`);
    for (const r of results)
      process.stdout.write(`  ${r.injectable ? 'INJECTABLE' : r.tested ? 'clean     ' : 'UNTESTED  '} ${r.route}\n`);
    expect(results.filter((r) => r.injectable).map((r) => `${r.route}\n${r.excerpt}`)).toEqual([]);
    expect(results.filter((r) => !r.tested).map((r) => `${r.route}\n${r.excerpt}`)).toEqual([]);
  });
});
