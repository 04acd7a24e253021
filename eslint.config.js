// Lint: typescript-eslint's recommended rules plus the type-aware ones that catch
// security-relevant slips (a floating promise is an unhandled failure path), and the
// house rules of docs/ARCHITECTURE.md: folders import only folders on lower floors
// (eslint-plugin-boundaries), through their index.ts, and routes, services and the
// RLS bypass keep to their places (tools/eslint/chambers-rules.js).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { houseRules, webHouseRules } from './tools/eslint/house-rules.js';

export default tseslint.config(
  {
    ignores: ['node_modules/', 'data/', 'dist/', 'web/dist/', '.tmp/', 'coverage/', 'tools/observatory/node_modules/'],
  },
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
  houseRules,
  webHouseRules,
  {
    files: ['test/**/*.ts', '**/*.test.ts', 'bench/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['bin/**/*.js', 'eslint.config.js', 'tools/eslint/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
