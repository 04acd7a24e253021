// Chambers' own lint rules: the house rules of docs/ARCHITECTURE.md that
// eslint-plugin-boundaries (which checks the direction between folders) cannot say.
import path from 'node:path';

const SRC = `${path.sep}src${path.sep}`;
const PLATFORM_SUBMODULES = new Set(['db', 'storage', 'mail', 'outbound', 'scanner', 'jobs']);

/** 'src/<module>' (or 'src/platform/<sub>'), null for a top-level src file or a single platform file. */
export function moduleOf(file) {
  const at = file.lastIndexOf(SRC);
  if (at < 0) return undefined;
  const parts = file.slice(at + SRC.length).split(path.sep);
  if (parts.length === 1) return null;
  if (parts[0] === 'platform')
    return parts.length >= 3 && PLATFORM_SUBMODULES.has(parts[1]) ? `platform/${parts[1]}` : null;
  return parts[0];
}

const isTest = (file) => /\.test\.ts$/.test(file);
const resolve = (file, spec) => path.resolve(path.dirname(file), spec);

function importSources(context, visit) {
  const check = (node) => node.source && typeof node.source.value === 'string' && visit(node, node.source.value);
  return {
    ImportDeclaration: check,
    ExportNamedDeclaration: check,
    ExportAllDeclaration: check,
    ImportExpression: check,
  };
}

/** Another module is reached only through its index.ts; a module never imports the app's top-level files. */
const moduleFace = {
  meta: {
    type: 'problem',
    schema: [],
    messages: {
      deep: "import {{target}} through its public face '{{face}}/index.ts', not one of its files",
      top: "a module may not import the app's top-level file {{target}} (only src/*.ts and cli/ may)",
    },
  },
  create(context) {
    const file = context.filename;
    const from = moduleOf(file);
    if (from === undefined || isTest(file)) return {};
    return importSources(context, (node, spec) => {
      if (!spec.startsWith('.')) return;
      const target = resolve(file, spec);
      const to = moduleOf(target);
      if (to === undefined) return;
      if (to === null) {
        const inPlatform = target.includes(`${SRC}platform${path.sep}`);
        if (!inPlatform && from !== null && from !== 'cli')
          context.report({ node, messageId: 'top', data: { target: path.basename(target) } });
        return;
      }
      if (to === from) return;
      const face = path.join(file.slice(0, file.lastIndexOf(SRC) + SRC.length), ...to.split('/'), 'index.ts');
      if (target !== face) {
        context.report({ node, messageId: 'deep', data: { target: spec, face: to } });
      }
    });
  },
};

/** Route files speak HTTP and call their service: no database, no repository, no other route file. */
const routeImports = {
  meta: {
    type: 'problem',
    schema: [],
    messages: {
      own: "a route file imports only its own service and schemas (and other modules' faces), not {{target}}",
      db: 'a route file does not touch the database ({{target}}): call a service, which takes the transaction',
      repo: 'a route file does not use a repository ({{name}}): call a service',
    },
  },
  create(context) {
    const file = context.filename;
    if (!file.endsWith('.routes.ts') || isTest(file)) return {};
    const from = moduleOf(file);
    return importSources(context, (node, spec) => {
      if (spec === 'kysely') return context.report({ node, messageId: 'db', data: { target: spec } });
      if (!spec.startsWith('.')) return;
      const target = resolve(file, spec);
      const to = moduleOf(target);
      if (to === 'platform/db') return context.report({ node, messageId: 'db', data: { target: spec } });
      if (to === from && !/\.(service|schemas)\.ts$/.test(target))
        return context.report({ node, messageId: 'own', data: { target: spec } });
      for (const s of node.specifiers ?? []) {
        const name = s.imported?.name ?? s.local?.name ?? '';
        if (/Repository$|Repo$/.test(name)) context.report({ node: s, messageId: 'repo', data: { name } });
      }
    });
  },
};

/** A service is called with the transaction (or context) by its route; it never sees the HTTP request. */
const serviceNoHttp = {
  meta: {
    type: 'problem',
    schema: [],
    messages: { http: 'a service never takes a Fastify request or reply; pass the values it needs' },
  },
  create(context) {
    const file = context.filename;
    if (!file.endsWith('.service.ts') || isTest(file)) return {};
    return importSources(context, (node, spec) => {
      if (spec === 'fastify' || spec.startsWith('@fastify/')) context.report({ node, messageId: 'http' });
    });
  },
};

/** The one RLS bypass may be used only where the name warns the reader. */
const unsafeOwnerNaming = {
  meta: {
    type: 'problem',
    schema: [],
    messages: { name: 'unsafeWithOwner may be called only inside a function named unsafe… (found in {{fn}})' },
  },
  create(context) {
    const nameOf = (fn) => {
      if (fn.id?.name) return fn.id.name;
      const p = fn.parent;
      if (p?.type === 'VariableDeclarator' && p.id.type === 'Identifier') return p.id.name;
      if ((p?.type === 'Property' || p?.type === 'MethodDefinition') && p.key.type === 'Identifier') return p.key.name;
      return null;
    };
    return {
      CallExpression(node) {
        if (node.callee.type !== 'Identifier' || node.callee.name !== 'unsafeWithOwner') return;
        const named = context.sourceCode
          .getAncestors(node)
          .reverse()
          .filter((a) => /Function/.test(a.type))
          .map(nameOf)
          .find((n) => n !== null);
        if (!named || !named.startsWith('unsafe'))
          context.report({ node, messageId: 'name', data: { fn: named ?? 'an anonymous function' } });
      },
    };
  },
};

/**
 * The web app's API read, if `call` is one: get(…), api('GET', …), request('GET', …) or
 * developerApi.GET(…), also behind .then / .catch / .finally.
 */
function apiRead(call) {
  if (call?.type !== 'CallExpression') return null;
  const { callee } = call;
  if (
    callee.type === 'MemberExpression' &&
    !callee.computed &&
    ['then', 'catch', 'finally'].includes(callee.property.name)
  )
    return apiRead(callee.object);
  if (callee.type === 'Identifier' && callee.name === 'get') return call;
  const first = call.arguments[0];
  if (callee.type === 'Identifier' && ['api', 'request'].includes(callee.name))
    return first?.type === 'Literal' && first.value === 'GET' ? call : null;
  if (callee.type === 'MemberExpression' && !callee.computed && callee.property.name === 'GET') return call;
  return null;
}

/** The awaited API reads of one statement, not counting those inside functions it defines. */
function awaitedReads(node, found = []) {
  if (!node || typeof node.type !== 'string' || /Function/.test(node.type)) return found;
  if (node.type === 'AwaitExpression' && apiRead(node.argument)) found.push(node);
  for (const [key, value] of Object.entries(node)) {
    if (key === 'parent') continue;
    for (const child of Array.isArray(value) ? value : [value])
      if (child && typeof child.type === 'string') awaitedReads(child, found);
  }
  return found;
}

/** The names a statement declares (const a = …, const { b, c: [d] } = …). */
function declaredNames(statement) {
  const names = new Set();
  const walk = (p) => {
    if (!p) return;
    if (p.type === 'Identifier') names.add(p.name);
    else if (p.type === 'ObjectPattern') p.properties.forEach((q) => walk(q.type === 'RestElement' ? q : q.value));
    else if (p.type === 'ArrayPattern') p.elements.forEach(walk);
    else if (p.type === 'RestElement') walk(p.argument);
    else if (p.type === 'AssignmentPattern') walk(p.left);
  };
  if (statement.type === 'VariableDeclaration') statement.declarations.forEach((d) => walk(d.id));
  return names;
}

function usesAny(node, names) {
  if (!node || typeof node.type !== 'string') return false;
  if (node.type === 'Identifier' && names.has(node.name)) return true;
  return Object.entries(node).some(
    ([key, value]) => key !== 'parent' && (Array.isArray(value) ? value : [value]).some((c) => c && usesAny(c, names)),
  );
}

/**
 * Two API reads awaited one after the other, the second not using what the first answered:
 * the page waits twice for what it could have asked at once (Promise.all, or start both first).
 */
const parallelReads = {
  meta: {
    type: 'suggestion',
    schema: [],
    messages: {
      sequential:
        'this API read waits for the one before it but does not use its answer: ask for both at once (Promise.all)',
    },
  },
  create(context) {
    const check = (body) => {
      for (let i = 1; i < body.length; i++) {
        const before = body[i - 1];
        const now = body[i];
        if (awaitedReads(before).length === 0) continue;
        const [read] = awaitedReads(now);
        if (read && !usesAny(now, declaredNames(before))) context.report({ node: read, messageId: 'sequential' });
      }
    };
    return {
      BlockStatement: (node) => check(node.body),
      Program: (node) => check(node.body),
    };
  },
};

export default {
  meta: { name: 'chambers' },
  rules: {
    'module-face': moduleFace,
    'route-imports': routeImports,
    'service-no-http': serviceNoHttp,
    'unsafe-owner-naming': unsafeOwnerNaming,
    'parallel-reads': parallelReads,
  },
};
