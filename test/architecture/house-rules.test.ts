/**
 * The house rules refuse what docs/ARCHITECTURE.md forbids. Each case lints a file
 * placed in the real tree (so imports resolve against real folders) and expects the
 * named rule to fire; the controls show the same rule stays quiet on the allowed shape.
 * `npm run lint` then applies the same rules to every file of src/.
 */
import path from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { houseRules } from '../../tools/eslint/house-rules.js';

const root = path.resolve(import.meta.dirname, '../..');
const eslint = new ESLint({
  cwd: root,
  overrideConfigFile: true,
  overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } }, houseRules],
});

async function rulesFiredOn(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).map((m) => m.ruleId ?? `fatal: ${m.message}`);
}

describe('house rules (lint)', () => {
  it('should refuse an import from the ground floor up into a feature', async () => {
    expect(
      await rulesFiredOn(
        'src/platform/probe.ts',
        "import { mattersRoutes } from '../matters/index.ts';\nexport const x = mattersRoutes;\n",
      ),
    ).toContain('boundaries/dependencies');
  });

  it('should refuse an import between two folders of one floor and from a lower floor to a higher one', async () => {
    expect(
      await rulesFiredOn(
        'src/matters/probe.ts',
        "import { webhooksRoutes } from '../webhooks/index.ts';\nexport const x = webhooksRoutes;\n",
      ),
    ).toContain('boundaries/dependencies');
    expect(
      await rulesFiredOn(
        'src/sessions/probe.ts',
        "import { authRoutes } from '../auth/index.ts';\nexport const x = authRoutes;\n",
      ),
    ).toContain('boundaries/dependencies');
  });

  it('should allow an import down the floors through the public face', async () => {
    expect(
      await rulesFiredOn(
        'src/matters/probe.ts',
        "import { inRequestTenant } from '../access/index.ts';\nexport const x = inRequestTenant;\n",
      ),
    ).toEqual([]);
  });

  it("should refuse reaching past another module's index.ts into one of its files", async () => {
    expect(
      await rulesFiredOn(
        'src/matters/probe.ts',
        "import { principalOf } from '../access/route-access.ts';\nexport const x = principalOf;\n",
      ),
    ).toContain('chambers/module-face');
    expect(
      await rulesFiredOn(
        'src/export/probe.ts',
        "import { leafHash } from '../transparency/merkle/index.ts';\nexport const x = leafHash;\n",
      ),
    ).toContain('chambers/module-face');
  });

  it("should refuse a module importing the app's top-level files", async () => {
    expect(
      await rulesFiredOn('src/documents/probe.ts', "import { boot } from '../boot.ts';\nexport const x = boot;\n"),
    ).toContain('chambers/module-face');
  });

  it('should refuse a route file that touches the database, a repository or another route file', async () => {
    expect(
      await rulesFiredOn(
        'src/matters/probe.routes.ts',
        "import { withTenant } from '../platform/db/index.ts';\nexport const x = withTenant;\n",
      ),
    ).toContain('chambers/route-imports');
    expect(
      await rulesFiredOn('src/matters/probe.routes.ts', "import { sql } from 'kysely';\nexport const x = sql;\n"),
    ).toContain('chambers/route-imports');
    expect(
      await rulesFiredOn(
        'src/matters/probe.routes.ts',
        "import * as repo from './matters.repository.ts';\nexport const x = repo;\n",
      ),
    ).toContain('chambers/route-imports');
    expect(
      await rulesFiredOn(
        'src/matters/probe.routes.ts',
        "import { mattersRoutes } from './matters.routes.ts';\nexport const x = mattersRoutes;\n",
      ),
    ).toContain('chambers/route-imports');
    expect(
      await rulesFiredOn(
        'src/auth/probe.routes.ts',
        "import { sessionRepository } from '../sessions/index.ts';\nexport const x = sessionRepository;\n",
      ),
    ).toContain('chambers/route-imports');
  });

  it('should let a route file import its own service and schemas', async () => {
    const code =
      "import * as service from './matters.service.ts';\nimport { matterIdParams } from './matters.schemas.ts';\nexport const x = [service, matterIdParams];\n";
    expect(await rulesFiredOn('src/matters/probe.routes.ts', code)).toEqual([]);
  });

  it('should refuse a service that imports Fastify', async () => {
    expect(
      await rulesFiredOn(
        'src/matters/probe.service.ts',
        "import type { FastifyRequest } from 'fastify';\nexport const f = (r: FastifyRequest) => r.id;\n",
      ),
    ).toContain('chambers/service-no-http');
  });

  it('should refuse unsafeWithOwner outside a function named unsafe…, and allow it inside one', async () => {
    const head = "import { unsafeWithOwner, type Database } from '../platform/db/index.ts';\n";
    expect(
      await rulesFiredOn(
        'src/matters/probe.ts',
        `${head}export async function listAll(db: Database) { return unsafeWithOwner(db, async () => 1); }\n`,
      ),
    ).toContain('chambers/unsafe-owner-naming');
    expect(
      await rulesFiredOn(
        'src/matters/probe.ts',
        `${head}export const listAll = (db: Database) => unsafeWithOwner(db, async () => 1);\n`,
      ),
    ).toContain('chambers/unsafe-owner-naming');
    expect(
      await rulesFiredOn(
        'src/matters/probe.ts',
        `${head}export async function unsafeListAll(db: Database) { return unsafeWithOwner(db, async (tx) => tx); }\n`,
      ),
    ).toEqual([]);
  });
});
