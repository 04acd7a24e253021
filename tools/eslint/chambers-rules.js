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

export default {
  meta: { name: 'chambers' },
  rules: {
    'module-face': moduleFace,
    'route-imports': routeImports,
    'service-no-http': serviceNoHttp,
    'unsafe-owner-naming': unsafeOwnerNaming,
  },
};
