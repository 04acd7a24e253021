/**
 * Every module's error table is registered once by the app: a `*.errors.ts` table
 * missing from src/error-catalog.ts would leave its codes rendered as 500.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_TABLES } from '../../src/error-catalog.ts';
import { AppError, allErrorCodes, errorDefinition, registerErrorTables } from '../../src/platform/errors.ts';

const src = path.resolve(import.meta.dirname, '../../src');
const errorFiles = (fs.readdirSync(src, { recursive: true }) as string[]).filter(
  (f) => f.endsWith('.errors.ts') || f === path.join('platform', 'errors.ts'),
);

describe('error catalog', () => {
  it('should list every table that a *.errors.ts file exports', async () => {
    expect(errorFiles.length).toBeGreaterThan(8);
    for (const file of errorFiles) {
      const mod = (await import(path.join(src, file))) as Record<string, unknown>;
      const tables = Object.entries(mod).filter(
        ([name, v]) => /ERROR/.test(name) && typeof v === 'object' && v !== null,
      );
      expect(tables.length, `${file} exports an error table`).toBeGreaterThan(0);
      for (const [name, table] of tables)
        expect(ERROR_TABLES, `${file}: ${name} is registered in src/error-catalog.ts`).toContain(table);
    }
  });

  it('should give each code one status and title, UPPER_SNAKE', () => {
    registerErrorTables(ERROR_TABLES);
    const codes = ERROR_TABLES.flatMap((t) => Object.keys(t));
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) {
      expect(code).toMatch(/^[A-Z][A-Z0-9_]*$/);
      expect(allErrorCodes()).toContain(code);
    }
    expect(() => registerErrorTables([{ NOT_FOUND: { status: 400, title: 'another meaning' } }])).toThrow(
      /defined twice/,
    );
  });

  it("should render a module's code with its own status once registered", () => {
    registerErrorTables(ERROR_TABLES);
    expect(new AppError('MFA_CODE_INVALID').status).toBe(401);
    expect(new AppError('FILE_INFECTED').status).toBe(errorDefinition('FILE_INFECTED')?.status);
    expect(new AppError('NOT_FOUND', 'no such matter').detail).toBe('no such matter');
  });
});
