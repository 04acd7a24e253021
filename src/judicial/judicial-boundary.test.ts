import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Only the judicial module reads the judicial store: no file outside src/judicial imports
 * its repositories, its store tables or its key code, and its public face exports none of
 * them. (The module-face lint rule already forbids deep imports; this holds the line for
 * tests, tools and the face itself too.)
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const PRIVATE =
  /judicial[\\/](judicial\.repository|judicial-oversight\.repository|judicial\.tables|judicial-keys)(\.ts)?['"]/;

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'dist' ? [] : filesUnder(full);
    return /\.(ts|tsx|js|mjs)$/.test(e.name) ? [full] : [];
  });
}

describe('the judicial store boundary', () => {
  it('should have no file outside src/judicial import the judicial repository, tables or keys', () => {
    const own = path.join(ROOT, 'src', 'judicial') + path.sep;
    const offenders = ['src', 'test', 'e2e', 'tools', 'web/src', 'bench']
      .flatMap((d) => filesUnder(path.join(ROOT, d)))
      .filter((f) => !f.startsWith(own))
      .filter((f) => PRIVATE.test(fs.readFileSync(f, 'utf8')))
      .map((f) => path.relative(ROOT, f));
    expect(offenders).toEqual([]);
  });

  it('should export no repository, table type or key function from the module face', () => {
    const face = fs.readFileSync(path.join(ROOT, 'src', 'judicial', 'index.ts'), 'utf8');
    const exported = face.split('\n').filter((line) => line.startsWith('export'));
    expect(exported.length).toBeGreaterThan(0);
    expect(exported.filter((line) => /repository|tables|judicial-keys/.test(line))).toEqual([]);
  });

  it('should catch an import of the repository from outside (the rule itself)', () => {
    expect(PRIVATE.test(`import * as repo from '../judicial/judicial.repository.ts';`)).toBe(true);
    expect(PRIVATE.test(`import { judicialRoutes } from './judicial/index.ts';`)).toBe(false);
  });
});
