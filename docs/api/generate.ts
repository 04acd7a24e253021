import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Writes docs/api/reference.md from the server's OpenAPI document
 * (web/openapi/openapi.json): one section per tag, each operation with its access
 * rule (when the document states one), parameters, request body fields and
 * responses. `$ref`s are resolved against the document's components.
 *
 *   node --import tsx docs/api/generate.ts            # write the reference
 *   node --import tsx docs/api/generate.ts --check    # exit 1 when it is stale
 *   … --in <openapi.json> --out <reference.md>        # other files
 *
 * The output depends on the document alone (no clock, no environment), so the same
 * document always gives the same bytes.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };
type Row = { name: string; type: string; required: string; notes: string };

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DEFAULT_IN = path.join(ROOT, 'web/openapi/openapi.json');
const DEFAULT_OUT = path.join(ROOT, 'docs/api/reference.md');
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
/** Nested objects are listed down to this depth; deeper ones are shown as `object`. */
const MAX_DEPTH = 4;
/** zod's integer bounds: they say "integer", not a limit worth printing. */
const SAFE_INTEGER_BOUNDS = new Set([Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]);
const UNTAGGED = 'untagged';

const isObject = (v: Json | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const asArray = (v: Json | undefined): Json[] => (Array.isArray(v) ? v : []);
const asString = (v: Json | undefined): string | undefined => (typeof v === 'string' ? v : undefined);
const asNumber = (v: Json | undefined): number | undefined => (typeof v === 'number' ? v : undefined);

/** Text safe inside a Markdown table cell. */
const cell = (text: string): string =>
  text
    .replaceAll('\\', '\\\\')
    .replaceAll('|', '\\|')
    .replace(/\s*\n\s*/g, ' ');
/** Inline code that survives any backtick inside it. */
const code = (text: string): string => (text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``);

class Resolver {
  constructor(private readonly doc: JsonObject) {}

  /** Follows `$ref` chains inside the document; throws on a reference that leads nowhere or in a circle. */
  resolve(value: Json | undefined, seen: string[] = []): JsonObject {
    if (!isObject(value)) return {};
    const ref = asString(value.$ref);
    if (ref === undefined) return value;
    if (seen.includes(ref)) throw new Error(`circular $ref: ${[...seen, ref].join(' → ')}`);
    if (!ref.startsWith('#/')) throw new Error(`only references inside the document are supported, got ${ref}`);
    let target: Json | undefined = this.doc;
    for (const part of ref.slice(2).split('/')) {
      const key = part.replaceAll('~1', '/').replaceAll('~0', '~');
      target = isObject(target) ? target[key] : undefined;
    }
    if (target === undefined) throw new Error(`unresolved $ref ${ref}`);
    return this.resolve(target, [...seen, ref]);
  }

  /** The component name of a `$ref` to components/schemas, if that is what the value is. */
  static refName(value: Json | undefined): string | undefined {
    const ref = isObject(value) ? asString(value.$ref) : undefined;
    return ref?.startsWith('#/components/schemas/') ? ref.slice('#/components/schemas/'.length) : undefined;
  }
}

/** The schema with `allOf` members merged into one object schema. */
function flatten(schema: JsonObject, r: Resolver): JsonObject {
  const parts = asArray(schema.allOf);
  if (parts.length === 0) return schema;
  const merged: JsonObject = { ...schema, properties: {}, required: [] };
  delete merged.allOf;
  for (const part of [schema, ...parts.map((p) => flatten(r.resolve(p), r))]) {
    if (isObject(part.properties)) Object.assign(merged.properties as JsonObject, part.properties);
    (merged.required as Json[]).push(...asArray(part.required));
    if (part.type !== undefined && merged.type === undefined) merged.type = part.type;
  }
  if (Object.keys(merged.properties as JsonObject).length > 0 && merged.type === undefined) merged.type = 'object';
  return merged;
}

const variantsOf = (schema: JsonObject): Json[] => [...asArray(schema.anyOf), ...asArray(schema.oneOf)];
const isNull = (s: JsonObject): boolean => s.type === 'null';

/** A short, readable name for a schema's type: `string (uuid)`, `array of object`, `integer or null`. */
function typeLabel(value: Json | undefined, r: Resolver, depth = 0): string {
  const name = Resolver.refName(value);
  if (name !== undefined) return name;
  const schema = flatten(r.resolve(value), r);
  if (depth > 3) return 'object';
  if ('const' in schema) return `${code(JSON.stringify(schema.const))}`;
  const variants = variantsOf(schema);
  if (variants.length > 0) return unique(variants.map((v) => typeLabel(v, r, depth + 1))).join(' or ');
  const types = Array.isArray(schema.type)
    ? schema.type.map(String)
    : typeof schema.type === 'string'
      ? [schema.type]
      : [];
  if (types.length === 0) return isObject(schema.properties) ? 'object' : 'any';
  return unique(
    types.map((t) => {
      if (t === 'array') return `array of ${typeLabel(schema.items, r, depth + 1)}`;
      const format = asString(schema.format);
      return format && t !== 'null' ? `${t} (${format})` : t;
    }),
  ).join(' or ');
}

const unique = (items: string[]): string[] => [...new Set(items)];

/** Constraints and remarks of one schema, in a fixed order. */
function notesOf(value: Json | undefined, r: Resolver, inRequest = false): string {
  const schema = flatten(r.resolve(value), r);
  const notes: string[] = [];
  const description = asString(schema.description);
  if (description) notes.push(description);
  const enumValues = asArray(schema.enum).length > 0 ? asArray(schema.enum) : enumOfVariants(schema, r);
  if (enumValues.length === 1) notes.push(`always ${code(JSON.stringify(enumValues[0]))}`);
  else if (enumValues.length > 1) notes.push(`one of ${enumValues.map((v) => code(JSON.stringify(v))).join(', ')}`);
  const minLength = asNumber(schema.minLength);
  const maxLength = asNumber(schema.maxLength);
  if (minLength !== undefined && maxLength !== undefined) notes.push(`${minLength}–${maxLength} characters`);
  else if (minLength !== undefined) notes.push(`at least ${minLength} characters`);
  else if (maxLength !== undefined) notes.push(`at most ${maxLength} characters`);
  const bound = (key: string) => {
    const n = asNumber(schema[key]);
    return n !== undefined && !SAFE_INTEGER_BOUNDS.has(n) ? n : undefined;
  };
  const minimum = bound('minimum');
  const maximum = bound('maximum');
  if (minimum !== undefined && maximum !== undefined) notes.push(`${minimum}–${maximum}`);
  else if (minimum !== undefined) notes.push(`≥ ${minimum}`);
  else if (maximum !== undefined) notes.push(`≤ ${maximum}`);
  if (bound('exclusiveMinimum') !== undefined) notes.push(`> ${bound('exclusiveMinimum')}`);
  if (bound('exclusiveMaximum') !== undefined) notes.push(`< ${bound('exclusiveMaximum')}`);
  const minItems = asNumber(schema.minItems);
  const maxItems = asNumber(schema.maxItems);
  if (minItems !== undefined || maxItems !== undefined) notes.push(`${minItems ?? 0}–${maxItems ?? '∞'} items`);
  const pattern = asString(schema.pattern);
  // A format already says what the pattern spells out (zod writes both for uuid, email…).
  if (pattern !== undefined && schema.format === undefined) notes.push(`pattern ${code(pattern)}`);
  if ('default' in schema) notes.push(`default ${code(JSON.stringify(schema.default))}`);
  if (schema.deprecated === true) notes.push('deprecated');
  if (inRequest && schema.additionalProperties === false && isObject(schema.properties)) notes.push('no other fields');
  return notes.join('; ');
}

/** `anyOf: [{const: 'a'}, {const: 'b'}]` is an enum written longhand. */
function enumOfVariants(schema: JsonObject, r: Resolver): Json[] {
  const variants = variantsOf(schema).map((v) => r.resolve(v));
  return variants.length > 0 && variants.every((v) => 'const' in v) ? variants.map((v) => v.const ?? null) : [];
}

/** The object schemas a value may be, ignoring `null` (an object-or-null field lists the object's fields). */
function objectShapes(value: Json | undefined, r: Resolver): JsonObject[] {
  const schema = flatten(r.resolve(value), r);
  const variants = variantsOf(schema);
  if (variants.length > 0) return variants.flatMap((v) => objectShapes(v, r));
  return isObject(schema.properties) && Object.keys(schema.properties).length > 0 ? [schema] : [];
}

/** One row per field, nested objects as `parent.child` and arrays of objects as `parent[].child`. */
function fieldRows(schema: JsonObject, r: Resolver, inRequest: boolean, prefix = '', depth = 0): Row[] {
  const rows: Row[] = [];
  const properties = isObject(schema.properties) ? schema.properties : {};
  const required = new Set(asArray(schema.required).map(String));
  for (const [key, prop] of Object.entries(properties)) {
    const name = `${prefix}${key}`;
    rows.push({
      name,
      type: typeLabel(prop, r),
      required: required.has(key) ? 'yes' : 'no',
      notes: notesOf(prop, r, inRequest),
    });
    if (depth + 1 >= MAX_DEPTH) continue;
    const resolved = flatten(r.resolve(prop), r);
    const shapes = objectShapes(prop, r);
    if (shapes.length === 1 && shapes[0]) rows.push(...fieldRows(shapes[0], r, inRequest, `${name}.`, depth + 1));
    const itemShapes = resolved.type === 'array' ? objectShapes(resolved.items, r) : [];
    if (itemShapes.length === 1 && itemShapes[0])
      rows.push(...fieldRows(itemShapes[0], r, inRequest, `${name}[].`, depth + 1));
  }
  return rows;
}

function table(header: string[], rows: string[][]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ];
}

const fieldTable = (rows: Row[]): string[] =>
  table(
    ['field', 'type', 'required', 'notes'],
    rows.map((f) => [code(f.name), f.type, f.required, f.notes]),
  );

/** A body schema: its fields, or, for a union of objects, each alternative's fields; otherwise its type. */
function schemaBlock(value: Json | undefined, r: Resolver, inRequest: boolean): string[] {
  const schema = flatten(r.resolve(value), r);
  const shapes = objectShapes(value, r);
  const variants = variantsOf(schema);
  const strict = (shape: JsonObject): string[] =>
    inRequest && shape.additionalProperties === false ? ['', 'Unknown fields are refused.'] : [];
  if (variants.length > 1 && shapes.length > 1) {
    const out: string[] = [`One of ${shapes.length} shapes:`];
    shapes.forEach((shape, i) =>
      out.push('', `Shape ${i + 1}:`, '', ...fieldTable(fieldRows(shape, r, inRequest)), ...strict(shape)),
    );
    return out;
  }
  if (shapes.length === 1 && shapes[0]) {
    const out = [...fieldTable(fieldRows(shapes[0], r, inRequest)), ...strict(shapes[0])];
    const nullable = variants.some((v) => isNull(r.resolve(v)));
    return nullable ? ['Either `null` or:', '', ...out] : out;
  }
  const label = typeLabel(value, r);
  const notes = notesOf(value, r, inRequest);
  return [`Type: ${label}${notes ? ` (${notes})` : ''}.`];
}

/** What the document says about who may call an operation: the `x-access` extension, else `security`. */
function accessOf(op: JsonObject, doc: JsonObject): string | undefined {
  const declared = op['x-access'] ?? op['x-chambers-access'];
  if (isObject(declared)) return describeAccess(declared);
  const security = op.security ?? doc.security;
  if (Array.isArray(security)) {
    if (security.length === 0) return 'public';
    const schemes = security.map((req) => (isObject(req) ? Object.keys(req).sort().join(' + ') : '')).filter(Boolean);
    return schemes.length > 0 ? `authenticated (${schemes.join(' or ')})` : undefined;
  }
  return undefined;
}

const duration = (ms: number): string =>
  ms % 3_600_000 === 0 ? `${ms / 3_600_000} h` : ms % 60_000 === 0 ? `${ms / 60_000} min` : `${ms / 1000} s`;

/** The route's access declaration in words (keys as in src/access/route-access.ts; unknown keys shown as they are). */
function describeAccess(a: JsonObject): string {
  if (a.public === true)
    return a.identify === true ? 'public (the caller is identified when credentials are sent)' : 'public';
  const parts: string[] = [];
  const known = new Set([
    'public',
    'identify',
    'superAdmin',
    'roles',
    'orSuperAdmin',
    'portal',
    'orgOptional',
    'allowEnrollment',
    'recentFactorMs',
  ]);
  if (a.superAdmin === true) parts.push('super_admin');
  const roles = asArray(a.roles).map(String);
  if (roles.length > 0) parts.push(`role ${roles.join(' or ')}${a.orSuperAdmin === true ? ', or super_admin' : ''}`);
  if (!a.superAdmin && roles.length === 0) parts.push('any signed-in member');
  if (typeof a.portal === 'string') parts.push(`${a.portal} portal`);
  if (a.orgOptional === true) parts.push('no organization needed');
  if (a.allowEnrollment === true) parts.push('also with an enrollment token');
  const recent = asNumber(a.recentFactorMs);
  if (recent !== undefined) parts.push(`second factor verified within ${duration(recent)}`);
  for (const key of Object.keys(a).sort()) if (!known.has(key)) parts.push(`${key}: ${JSON.stringify(a[key])}`);
  return parts.join('; ');
}

type Operation = { method: (typeof METHODS)[number]; path: string; op: JsonObject; pathItem: JsonObject };

function operationSection(o: Operation, doc: JsonObject, r: Resolver): string[] {
  const { op } = o;
  const out: string[] = [`### ${o.method.toUpperCase()} ${o.path}`, ''];
  const summary = asString(op.summary);
  if (summary) out.push(`${summary}.`.replace(/([.?!])\.$/, '$1'), '');
  const description = asString(op.description);
  if (description) out.push(description, '');
  if (op.deprecated === true) out.push('**Deprecated.**', '');
  const access = accessOf(op, doc);
  if (access) out.push(`Access: ${access}.`, '');

  const params = [...asArray(o.pathItem.parameters), ...asArray(op.parameters)].map((p) => r.resolve(p));
  // An operation's parameter replaces a path-level one of the same name and location.
  const byKey = new Map<string, JsonObject>();
  for (const p of params) byKey.set(`${String(p.in)}:${String(p.name)}`, p);
  if (byKey.size > 0) {
    out.push('Parameters:', '');
    const rows = [...byKey.values()].map((p) => {
      const schema =
        p.schema ??
        (isObject(p.content)
          ? Object.values(p.content).map((c) => (isObject(c) ? c.schema : undefined))[0]
          : undefined);
      const notes = [asString(p.description), notesOf(schema, r, true)].filter(Boolean).join('; ');
      return [code(String(p.name)), String(p.in), typeLabel(schema, r), p.required === true ? 'yes' : 'no', notes];
    });
    out.push(...table(['name', 'in', 'type', 'required', 'notes'], rows), '');
    if (op['x-query-additional-properties'] === false) out.push('Unknown query parameters are refused.', '');
  }

  if (op.requestBody !== undefined) {
    const body = r.resolve(op.requestBody);
    const content = isObject(body.content) ? body.content : {};
    for (const [mediaType, media] of Object.entries(content)) {
      out.push(`Request body (${code(mediaType)}${body.required === true ? ', required' : ''}):`, '');
      out.push(...schemaBlock(isObject(media) ? media.schema : undefined, r, true), '');
    }
  }

  const responses = isObject(op.responses) ? op.responses : {};
  const codes = Object.keys(responses).sort((a, b) =>
    a === 'default' ? 1 : b === 'default' ? -1 : a.localeCompare(b),
  );
  if (codes.length > 0) {
    out.push('Responses:', '');
    for (const status of codes) {
      const res = r.resolve(responses[status]);
      const text = asString(res.description);
      const content = isObject(res.content) ? res.content : {};
      const mediaTypes = Object.keys(content);
      const said = text && text !== 'Default Response' ? ` ${text}` : '';
      out.push(`- **${status}**${said}${mediaTypes.length > 0 ? ` (${mediaTypes.map(code).join(', ')})` : ''}`);
      for (const mediaType of mediaTypes) {
        const media = content[mediaType];
        const block = schemaBlock(isObject(media) ? media.schema : undefined, r, false);
        out.push('', ...block.map((line) => (line ? `  ${line}` : line)));
      }
      if (mediaTypes.length > 0) out.push('');
    }
    if (out.at(-1) !== '') out.push('');
  }
  return out;
}

/** GitHub's heading anchor for a heading text. */
const anchor = (heading: string): string =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .trim()
    .replace(/\s/g, '-');

export function renderReference(doc: JsonObject, sourceName: string): string {
  const r = new Resolver(doc);
  const info = isObject(doc.info) ? doc.info : {};
  const paths = isObject(doc.paths) ? doc.paths : {};

  const operations: Operation[] = [];
  for (const [p, item] of Object.entries(paths)) {
    const pathItem = r.resolve(item);
    for (const method of METHODS) {
      const op = pathItem[method];
      if (isObject(op)) operations.push({ method, path: p, op, pathItem });
    }
  }

  // Tags in the document's declared order, then the rest alphabetically; untagged last.
  const declared = asArray(doc.tags)
    .map((t) => (isObject(t) ? String(t.name) : ''))
    .filter(Boolean);
  const used = unique(operations.map((o) => asString(asArray(o.op.tags)[0]) ?? UNTAGGED));
  const tags = [
    ...declared.filter((t) => used.includes(t)),
    ...used.filter((t) => !declared.includes(t) && t !== UNTAGGED).sort(),
    ...(used.includes(UNTAGGED) ? [UNTAGGED] : []),
  ];
  const tagDescription = (tag: string): string | undefined => {
    const t = asArray(doc.tags).find((x) => isObject(x) && x.name === tag);
    return isObject(t) ? asString(t.description) : undefined;
  };

  const anyAccess = operations.some((o) => accessOf(o.op, doc) !== undefined);
  const out: string[] = [
    '# API reference',
    '',
    `<!-- Generated by docs/api/generate.ts from ${sourceName}. Do not edit: run \`node --import tsx docs/api/generate.ts\`. -->`,
    '',
    `${String(info.title ?? 'API')} version ${String(info.version ?? '?')}, OpenAPI ${String(doc.openapi ?? '?')}: ${operations.length} operations.`,
    '',
    `This page is generated from the OpenAPI document the server serves at \`GET /api/openapi.json\` (a copy is kept in \`${sourceName}\`).`,
    'Errors are `application/problem+json` (RFC 9457) with a stable `code`; they are not listed per operation.',
  ];
  const schemes =
    isObject(doc.components) && isObject(doc.components.securitySchemes) ? doc.components.securitySchemes : {};
  const schemeLines = Object.keys(schemes)
    .sort()
    .map((name) => {
      const s = r.resolve(schemes[name]);
      const what = [asString(s.type), asString(s.scheme), asString(s.bearerFormat)].filter(Boolean).join(', ');
      return `- ${code(name)}: ${what}`;
    });
  if (schemeLines.length > 0) out.push('', 'Authentication schemes:', '', ...schemeLines);
  if (!anyAccess) {
    out.push(
      '',
      'The document does not state who may call each operation. Each route declares it in `config.access`; see [ARCHITECTURE.md](../ARCHITECTURE.md#the-path-of-a-request).',
    );
  }
  out.push('', '## Contents', '');
  for (const tag of tags) {
    const count = operations.filter((o) => (asString(asArray(o.op.tags)[0]) ?? UNTAGGED) === tag).length;
    out.push(`- [${tag}](#${anchor(tag)}) (${count})`);
  }
  for (const tag of tags) {
    if (out.at(-1) !== '') out.push('');
    out.push(`## ${tag}`, '');
    const description = tagDescription(tag);
    if (description) out.push(description, '');
    const mine = operations.filter((o) => (asString(asArray(o.op.tags)[0]) ?? UNTAGGED) === tag);
    out.push(
      ...table(
        ['method', 'path', 'summary'],
        mine.map((o) => [o.method.toUpperCase(), code(o.path), asString(o.op.summary) ?? '']),
      ),
      '',
    );
    for (const o of mine) out.push(...operationSection(o, doc, r));
  }
  while (out.at(-1) === '') out.pop();
  return `${out.join('\n')}\n`;
}

function argValue(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  if (i < 0) return undefined;
  const value = args[i + 1];
  if (!value || value.startsWith('--')) throw new Error(`${flag} needs a file name`);
  return value;
}

function main(args: string[]): void {
  const input = path.resolve(argValue(args, '--in') ?? DEFAULT_IN);
  const output = path.resolve(argValue(args, '--out') ?? DEFAULT_OUT);
  if (!fs.existsSync(input))
    throw new Error(`${path.relative(ROOT, input)} does not exist: generate the OpenAPI document first`);
  const doc = JSON.parse(fs.readFileSync(input, 'utf8')) as Json;
  if (!isObject(doc) || !isObject(doc.paths)) throw new Error(`${input} is not an OpenAPI document (no paths)`);
  const sourceName = path.relative(ROOT, input).split(path.sep).join('/');
  const text = renderReference(doc, sourceName);
  const shown = path.relative(process.cwd(), output);
  if (args.includes('--check')) {
    const current = fs.existsSync(output) ? fs.readFileSync(output, 'utf8') : null;
    if (current !== text) {
      process.stderr.write(`${shown} is stale: run node --import tsx docs/api/generate.ts\n`);
      process.exitCode = 1;
    }
    return;
  }
  fs.mkdirSync(path.dirname(output), { recursive: true });
  fs.writeFileSync(output, text);
  process.stdout.write(`wrote ${shown}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`docs/api/generate.ts: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}
