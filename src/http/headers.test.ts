import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, signedInMember, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';

type Headers = IncomingHttpHeaders | Record<string, string | string[] | number | undefined>;

const header = (h: Headers, name: string): string => {
  const v = h[name];
  return Array.isArray(v) ? v.join(', ') : v === undefined ? '' : String(v);
};

/** The browser-facing policy every response must carry, errors and 404s included. */
function expectSecurityHeaders(h: Headers): void {
  const csp = header(h, 'content-security-policy');
  const directives = new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...values]) => [name as string, values]),
  );
  expect(directives.get('default-src')).toEqual(["'self'"]);
  expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
  expect(directives.get('object-src')).toEqual(["'none'"]);
  expect(directives.get('base-uri')).toEqual(["'none'"]);
  expect(directives.get('form-action')).toEqual(["'self'"]);
  expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);

  expect(header(h, 'x-frame-options')).toBe('DENY');
  expect(header(h, 'x-content-type-options')).toBe('nosniff');
  expect(header(h, 'referrer-policy')).toBe('strict-origin-when-cross-origin');
  const permissions = header(h, 'permissions-policy')
    .split(',')
    .map((s) => s.trim());
  for (const feature of ['camera=()', 'microphone=()', 'geolocation=()', 'payment=()', 'usb=()'])
    expect(permissions).toContain(feature);
  expect(header(h, 'cross-origin-opener-policy')).toBe('same-origin');
  expect(header(h, 'cross-origin-resource-policy')).toBe('same-origin');
  expect(header(h, 'x-request-id')).toMatch(/^[A-Za-z0-9._-]{8,64}$/);
}

/** A throwaway self-signed certificate for localhost. */
function selfSignedCertificate(dir: string): { cert: string; key: string } {
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      '/CN=localhost',
      '-days',
      '1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  return { cert, key };
}

function httpsGet(
  port: number,
  urlPath: string,
  ca: Buffer,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(
      { host: '127.0.0.1', port, path: urlPath, ca, servername: 'localhost', checkServerIdentity: () => undefined },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
  });
}

type JsonSchema = { [key: string]: unknown };

/** Every object schema reachable from a schema, following $refs into the document's components. */
function objectSchemas(
  schema: unknown,
  doc: JsonSchema,
  where: string,
  out: Array<{ where: string; schema: JsonSchema }> = [],
  seen = new Set<unknown>(),
): typeof out {
  if (!schema || typeof schema !== 'object' || seen.has(schema)) return out;
  seen.add(schema);
  const s = schema as JsonSchema;
  if (typeof s.$ref === 'string') {
    const target = s.$ref
      .replace(/^#\//, '')
      .split('/')
      .reduce<unknown>((node, key) => (node as JsonSchema | undefined)?.[key], doc);
    expect(target, `unresolvable ${s.$ref} at ${where}`).toBeTruthy();
    return objectSchemas(target, doc, `${where}→${s.$ref}`, out, seen);
  }
  if (s.type === 'object' || (Array.isArray(s.type) && s.type.includes('object')) || s.properties)
    out.push({ where, schema: s });
  for (const [name, sub] of Object.entries((s.properties as JsonSchema | undefined) ?? {}))
    objectSchemas(sub, doc, `${where}.${name}`, out, seen);
  for (const key of ['items', 'not', 'additionalProperties', 'prefixItems', 'anyOf', 'oneOf', 'allOf']) {
    const sub = s[key];
    for (const [i, item] of (Array.isArray(sub) ? sub : [sub]).entries())
      objectSchemas(item, doc, `${where}/${key}${Array.isArray(sub) ? `[${i}]` : ''}`, out, seen);
  }
  return out;
}

/**
 * Every string schema reachable from a schema that has no maxLength. Bounded by
 * construction, and so accepted: `enum`/`const`, and `format: uuid` (its pattern fixes 36 characters).
 */
function unboundedStrings(
  schema: unknown,
  doc: JsonSchema,
  where: string,
  out: string[] = [],
  seen = new Set<unknown>(),
): string[] {
  if (!schema || typeof schema !== 'object' || seen.has(schema)) return out;
  seen.add(schema);
  const s = schema as JsonSchema;
  if (typeof s.$ref === 'string') {
    const target = s.$ref
      .replace(/^#\//, '')
      .split('/')
      .reduce<unknown>((node, key) => (node as JsonSchema | undefined)?.[key], doc);
    return unboundedStrings(target, doc, `${where}→${s.$ref}`, out, seen);
  }
  const isString = s.type === 'string' || (Array.isArray(s.type) && s.type.includes('string'));
  if (isString && typeof s.maxLength !== 'number' && !('enum' in s) && !('const' in s) && s.format !== 'uuid')
    out.push(where);
  for (const [name, sub] of Object.entries((s.properties as JsonSchema | undefined) ?? {}))
    unboundedStrings(sub, doc, `${where}.${name}`, out, seen);
  for (const key of ['items', 'not', 'additionalProperties', 'prefixItems', 'anyOf', 'oneOf', 'allOf']) {
    const sub = s[key];
    for (const [i, item] of (Array.isArray(sub) ? sub : [sub]).entries())
      unboundedStrings(item, doc, `${where}/${key}${Array.isArray(sub) ? `[${i}]` : ''}`, out, seen);
  }
  return out;
}

type OpenApiOperation = {
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  parameters?: Array<{ in: string; name: string; schema?: unknown }>;
  'x-query-additional-properties'?: unknown;
};

describe('security headers and the HTTP edge', () => {
  let t: TestApp;
  let accessToken: string;
  beforeAll(async () => {
    t = await startTestApp({ env: { CORS_ORIGINS: 'https://app.example.com', BODY_LIMIT: '4kb' } });
    ({ accessToken } = await signedInMember(t, { role: 'lawyer' }));
  });
  afterAll(async () => t?.close());

  it('should send the security headers on an API JSON response, and no-store', async () => {
    const res = await t.inject({ method: 'GET', url: '/api/v1/matters', headers: bearer(accessToken) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expectSecurityHeaders(res.headers);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('should send them on a 404 for an unknown route, as problem+json', async () => {
    const res = await t.inject({ method: 'GET', url: '/api/v1/no-such-route' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.json()).toMatchObject({ status: 404, code: 'NOT_FOUND', requestId: res.headers['x-request-id'] });
    expectSecurityHeaders(res.headers);
  });

  it('should send them on a 400', async () => {
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'a@example.com', password: 'x', admin: true },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(res.json().detail).toContain('admin');
    expectSecurityHeaders(res.headers);

    const malformed = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"email":',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().code).toBe('MALFORMED_JSON');
    expectSecurityHeaders(malformed.headers);
  });

  it('should send them on /healthz and /api/openapi.json', async () => {
    for (const url of ['/healthz', '/readyz', '/api/openapi.json']) {
      const res = await t.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expectSecurityHeaders(res.headers);
    }
  });

  it('should send them, and no HSTS, over real plain HTTP', async () => {
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = t.app.server.address() as AddressInfo;
    for (const url of ['/healthz', '/api/v1/no-such-route']) {
      const res = await fetch(`http://127.0.0.1:${port}${url}`, { headers: { 'x-forwarded-proto': 'https' } });
      expectSecurityHeaders(Object.fromEntries(res.headers));
      // A client claiming https through X-Forwarded-Proto is not a trusted proxy.
      expect(res.headers.get('strict-transport-security')).toBeNull();
    }
  });

  it('should give every response its own request id, and replace a malformed one sent by the client', async () => {
    const a = await t.inject({ method: 'GET', url: '/healthz' });
    const b = await t.inject({ method: 'GET', url: '/healthz' });
    expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
    // No TRUST_PROXY here: a client-chosen id is never kept (client-ip.security.test.ts covers a trusted proxy).
    const chosen = await t.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'upstream-req-12345' },
    });
    expect(chosen.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const replaced = await t.inject({
      method: 'GET',
      url: '/api/v1/nope',
      headers: { 'x-request-id': '<script>alert(1)</script>' },
    });
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(replaced.json().requestId).toBe(replaced.headers['x-request-id']);
  });

  describe('CORS', () => {
    const preflight = (origin: string) =>
      t.inject({
        method: 'OPTIONS',
        url: '/api/v1/matters',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, content-type',
        },
      });

    it('should allow a preflight from a configured origin', async () => {
      const res = await preflight('https://app.example.com');
      expect(res.statusCode).toBeLessThan(300);
      expect(res.headers['access-control-allow-origin']).toBe('https://app.example.com');
      expect(res.headers['access-control-allow-credentials']).toBe('true');
      expect(String(res.headers['access-control-allow-methods'])).toContain('POST');
    });

    it('should not allow any other origin', async () => {
      for (const origin of [
        'https://evil.example',
        'https://app.example.com.evil.example',
        'http://app.example.com',
        'null',
      ]) {
        const res = await preflight(origin);
        expect(res.headers['access-control-allow-origin'], origin).toBeUndefined();
        const simple = await t.inject({
          method: 'GET',
          url: '/api/v1/matters',
          headers: { origin, ...bearer(accessToken) },
        });
        expect(simple.headers['access-control-allow-origin'], origin).toBeUndefined();
      }
    });
  });

  describe('OpenAPI', () => {
    it('should publish an OpenAPI 3.1 document covering the API', async () => {
      const res = await t.inject({ method: 'GET', url: '/api/openapi.json' });
      expect(res.statusCode).toBe(200);
      const doc = res.json() as { openapi: string; paths: Record<string, unknown> };
      expect(doc.openapi).toMatch(/^3\.1/);
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining(['/api/v1/matters', '/api/v1/auth/login', '/api/v1/setup', '/healthz']),
      );
    });

    it('should declare additionalProperties false on every object of every request body', async () => {
      const doc = (await t.inject({ method: 'GET', url: '/api/openapi.json' })).json() as JsonSchema & {
        paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: unknown }> } }>>;
      };
      const objects: Array<{ where: string; schema: JsonSchema }> = [];
      let bodies = 0;
      for (const [route, operations] of Object.entries(doc.paths)) {
        for (const [method, op] of Object.entries(operations)) {
          for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) {
            bodies++;
            objectSchemas(media.schema, doc, `${method.toUpperCase()} ${route} (${type})`, objects);
          }
        }
      }
      expect(bodies).toBeGreaterThanOrEqual(10);
      expect(objects.length).toBeGreaterThanOrEqual(bodies);
      const open = objects.filter((o) => o.schema.additionalProperties !== false).map((o) => o.where);
      expect(open).toEqual([]);
    });

    it('should bound every string of every request body, query and path parameter with maxLength', async () => {
      const doc = (await t.inject({ method: 'GET', url: '/api/openapi.json' })).json() as JsonSchema & {
        paths: Record<string, Record<string, OpenApiOperation>>;
      };
      const unbounded: string[] = [];
      let strings = 0;
      for (const [route, operations] of Object.entries(doc.paths)) {
        for (const [method, op] of Object.entries(operations)) {
          const at = `${method.toUpperCase()} ${route}`;
          for (const [type, media] of Object.entries(op.requestBody?.content ?? {}))
            unboundedStrings(media.schema, doc, `${at} body (${type})`, unbounded);
          for (const p of op.parameters ?? []) {
            if (p.in !== 'query' && p.in !== 'path') continue;
            strings++;
            unboundedStrings(p.schema, doc, `${at} ${p.in} ${p.name}`, unbounded);
          }
        }
      }
      expect(strings).toBeGreaterThan(10);
      expect(unbounded).toEqual([]);
      // The walker itself: an unbounded string is reported, bounded and closed ones are not.
      expect(
        unboundedStrings(
          {
            type: 'object',
            properties: {
              a: { type: 'string' },
              b: { type: 'string', maxLength: 5 },
              c: { enum: ['x'] },
              d: { type: 'array', items: { type: 'string' } },
            },
          },
          {},
          'x',
        ),
      ).toEqual(['x.a', 'x.d/items']);
    });

    it('should refuse unknown query fields on every route that takes a query (additionalProperties false)', async () => {
      const doc = (await t.inject({ method: 'GET', url: '/api/openapi.json' })).json() as {
        paths: Record<string, Record<string, OpenApiOperation>>;
      };
      const withQuery = Object.entries(doc.paths).flatMap(([route, operations]) =>
        Object.entries(operations)
          .filter(([, op]) => (op.parameters ?? []).some((p) => p.in === 'query'))
          .map(([method, op]) => ({
            at: `${method.toUpperCase()} ${route}`,
            closed: op['x-query-additional-properties'],
          })),
      );
      expect(withQuery.length).toBeGreaterThanOrEqual(3);
      expect(withQuery.filter((q) => q.closed !== false).map((q) => q.at)).toEqual([]);
    });
  });

  it('should answer a JSON body over BODY_LIMIT with 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'a@example.com', password: 'x'.repeat(5 * 1024) },
    });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    expectSecurityHeaders(res.headers);
    const fits = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'a@example.com', password: 'x'.repeat(1024) },
    });
    expect(fits.statusCode).toBe(401);
  });

  // Last: it takes the database away from this app.
  it('should answer a failure below the HTTP layer with a problem carrying only the request id, never a stack', async () => {
    await t.ctx.db.close();
    const res = await t.inject({ method: 'GET', url: '/api/v1/matters', headers: bearer(accessToken) });
    expect([500, 503]).toContain(res.statusCode);
    const body = res.json() as Record<string, unknown>;
    expect(['INTERNAL_ERROR', 'SERVICE_UNAVAILABLE']).toContain(body.code);
    expect(body.requestId).toBe(res.headers['x-request-id']);
    expect(Object.keys(body).sort()).toEqual(['code', 'requestId', 'status', 'title', 'type']);
    expect(res.body).not.toMatch(/\bat .+\(|\.ts:\d+|node_modules|stack/i);
    expectSecurityHeaders(res.headers);
  });
});

describe('over HTTPS', () => {
  let t: TestApp;
  let dir: string;
  let ca: Buffer;
  let port: number;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chambers-tls-'));
    const { cert, key } = selfSignedCertificate(dir);
    ca = fs.readFileSync(cert);
    t = await startTestApp({ env: { TLS_CERT_FILE: cert, TLS_KEY_FILE: key } });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    port = (t.app.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('should send HSTS for two years with subdomains, on success and on errors', async () => {
    for (const url of ['/healthz', '/api/openapi.json', '/api/v1/no-such-route']) {
      const res = await httpsGet(port, url, ca);
      expect(res.headers['strict-transport-security'], url).toBe('max-age=63072000; includeSubDomains');
      expectSecurityHeaders(res.headers);
    }
    expect((await httpsGet(port, '/healthz', ca)).status).toBe(200);
  });
});
