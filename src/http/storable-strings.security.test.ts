/**
 * Attack: a NUL byte (or an unpaired surrogate) in any string — a matter title, a name,
 * a search `q`, an audit `action` filter — made PostgreSQL fail the statement and the
 * server answer 500. Every string field of every operation in the OpenAPI document is
 * sent a NUL, one field at a time, by a caller who passes every access rule; each must
 * be refused with 400 VALIDATION_FAILED before anything runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInMember, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { findUnstorableString } from './storable-strings.ts';

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  format?: string;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  $ref?: string;
  minItems?: number;
  minimum?: number;
  const?: unknown;
};
type Parameter = { name: string; in: 'path' | 'query' | 'header'; required?: boolean; schema?: Schema };
type Operation = { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema?: Schema }> } };
type OpenApi = { paths: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, Schema> } };

const NUL = 'x\u0000y';
const UUID = '00000000-0000-4000-8000-000000000000';

describe('strings PostgreSQL cannot store', () => {
  let t: TestApp;
  let doc: OpenApi;
  let headers: Record<string, string>;
  beforeAll(async () => {
    t = await startTestApp();
    const admin = await signedInMember(t, { role: 'org_admin', superAdmin: true });
    headers = admin.headers;
    doc = (await t.inject({ method: 'GET', url: '/api/openapi.json' })).json() as OpenApi;
  });
  afterAll(async () => t?.close());

  const resolve = (s: Schema | undefined): Schema => {
    if (!s) return {};
    if (s.$ref) return resolve(doc.components?.schemas?.[s.$ref.split('/').pop()!]);
    if (s.allOf)
      return s.allOf.map(resolve).reduce<Schema>(
        (a, b) => ({
          ...a,
          ...b,
          properties: { ...a.properties, ...b.properties },
          required: [...(a.required ?? []), ...(b.required ?? [])],
        }),
        {},
      );
    const alt = s.anyOf ?? s.oneOf;
    if (alt) return resolve(alt.find((x) => resolve(x).type !== 'null') ?? alt[0]);
    return s;
  };

  /** A valid-looking value for a schema; `poison` replaces the string at that path with a NUL-bearing one. */
  const sample = (raw: Schema | undefined, path: string, poison: string | null): unknown => {
    const s = resolve(raw);
    if (poison === path && (s.type === 'string' || (Array.isArray(s.type) && s.type.includes('string')))) return NUL;
    if (s.const !== undefined) return s.const;
    if (s.enum) return s.enum[0];
    const type = Array.isArray(s.type) ? s.type.find((x) => x !== 'null') : s.type;
    if (type === 'object' || s.properties)
      return Object.fromEntries(
        Object.entries(s.properties ?? {}).map(([k, v]) => [k, sample(v, `${path}/${k}`, poison)]),
      );
    if (type === 'array') return [sample(s.items, `${path}/0`, poison)];
    if (type === 'integer' || type === 'number') return Math.max(1, s.minimum ?? 1);
    if (type === 'boolean') return true;
    return s.format === 'uuid'
      ? UUID
      : s.format === 'email'
        ? 'someone@example.com'
        : s.format === 'date-time'
          ? '2030-01-01T00:00:00.000Z'
          : 'text';
  };

  /** Every path at which a schema holds a string. */
  const stringPaths = (raw: Schema | undefined, path = ''): string[] => {
    const s = resolve(raw);
    const type = Array.isArray(s.type) ? s.type.find((x) => x !== 'null') : s.type;
    if (type === 'string' && !s.enum && s.const === undefined) return [path];
    if (type === 'object' || s.properties)
      return Object.entries(s.properties ?? {}).flatMap(([k, v]) => stringPaths(v, `${path}/${k}`));
    if (type === 'array') return stringPaths(s.items, `${path}/0`);
    return [];
  };

  it('should refuse a NUL in every string field of every route with 400 VALIDATION_FAILED, never a 500', async () => {
    const refused: string[] = [];
    const failures: string[] = [];
    for (const [route, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const params = op.parameters ?? [];
        const bodySchema = op.requestBody?.content?.['application/json']?.schema;
        const targets: Array<{ where: 'path' | 'query' | 'body'; field: string }> = [
          ...params
            .filter((p) => p.in !== 'header' && stringPaths(p.schema).length > 0)
            .map((p) => ({ where: p.in as 'path' | 'query', field: p.name })),
          ...stringPaths(bodySchema).map((field) => ({ where: 'body' as const, field })),
        ];
        for (const target of targets) {
          const value = (p: Parameter) =>
            target.where === p.in && target.field === p.name ? NUL : String(sample(p.schema, '', null));
          const url = route.replace(/\{(\w+)\}/g, (_, name: string) =>
            encodeURIComponent(
              value(
                params.find((p) => p.name === name && p.in === 'path') ?? {
                  name,
                  in: 'path',
                  schema: { type: 'string' },
                },
              ),
            ),
          );
          const query = params
            .filter((p) => p.in === 'query' && (p.required || target.field === p.name))
            .map((p) => `${p.name}=${encodeURIComponent(value(p))}`)
            .join('&');
          const body = bodySchema ? sample(bodySchema, '', target.where === 'body' ? target.field : null) : undefined;
          const res = await t.inject({
            method: method.toUpperCase() as 'GET',
            url: query ? `${url}?${query}` : url,
            headers,
            ...(body !== undefined ? { payload: body as object } : {}),
          });
          const label = `${method.toUpperCase()} ${route} ${target.where}:${target.field} → ${res.statusCode} ${res.body.slice(0, 160)}`;
          if (res.statusCode >= 500) failures.push(label);
          else if (res.statusCode === 400 && (res.json() as { code?: string }).code === 'VALIDATION_FAILED')
            refused.push(label);
          else if (![401, 403, 404, 405, 409, 429].includes(res.statusCode)) failures.push(label);
        }
      }
    }
    expect(failures).toEqual([]);
    // The walk reached validation for most fields (the rest stopped at an access rule, which runs first).
    expect(refused.length).toBeGreaterThan(40);
  });

  it('should find NUL and unpaired surrogates anywhere in a value, keys included, and accept paired ones', () => {
    expect(findUnstorableString({ a: [{ b: 'ok' }, { c: 'n\u0000l' }] })).toBe('/a/1/c');
    expect(findUnstorableString({ ['k\u0000']: 1 })).toBe('/k?');
    expect(findUnstorableString('lone \uD800 high')).toBe('');
    expect(findUnstorableString('lone \uDC00 low')).toBe('');
    expect(findUnstorableString({ emoji: 'Müller 😀 § ok' })).toBeNull();
  });
});
