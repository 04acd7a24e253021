// Lint: typescript-eslint's recommended rules plus the type-aware ones that catch
// security-relevant slips (a floating promise is an unhandled failure path), and the
// house rules of docs/ARCHITECTURE.md: folders import only folders on lower floors
// (eslint-plugin-boundaries), through their index.ts, and routes, services and the
// RLS bypass keep to their places (tools/eslint/chambers-rules.js).
import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import tseslint from 'typescript-eslint';
import chambers from './tools/eslint/chambers-rules.js';
import { FLOORS } from './tools/eslint/floors.js';

/** One policy per folder: it may import the folders on the floors below its own. */
function floorPolicies() {
  const policies = FLOORS.flatMap((floor, i) => {
    const below = FLOORS.slice(0, i).flat();
    return below.length === 0
      ? []
      : floor.map((name) => ({
          from: { element: { type: 'module', captured: { name } } },
          allow: { to: { element: { type: 'module', captured: { name: below.length > 1 ? `{${below.join(',')}}` : below[0] } } } },
        }));
  });
  // A folder's own files, and the command line (the top of the house), may import freely.
  policies.push({ from: { element: { type: 'module' } }, allow: { dependency: { relationship: { to: 'internal' } } } });
  policies.push({ from: { element: { type: 'module', captured: { name: 'cli' } } }, allow: { to: { element: { type: 'module' } } } });
  return policies;
}

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'dist/', 'web/dist/', '.tmp/', 'coverage/', 'tools/observatory/node_modules/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    plugins: { boundaries, chambers },
    settings: { 'boundaries/elements': [{ type: 'module', pattern: 'src/*', capture: ['name'] }] },
    rules: {
      'boundaries/dependencies': ['error', { default: 'disallow', policies: floorPolicies() }],
      'chambers/module-face': 'error',
      'chambers/route-imports': 'error',
      'chambers/service-no-http': 'error',
      'chambers/unsafe-owner-naming': 'error',
    },
  },
  {
    files: ['test/**/*.ts', '**/*.test.ts', 'bench/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['bin/**/*.js', 'eslint.config.js', 'tools/eslint/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
