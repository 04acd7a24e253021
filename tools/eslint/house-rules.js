// The house rules of docs/ARCHITECTURE.md as one ESLint config block, shared by
// eslint.config.js and the test that proves each rule refuses what it should.
import boundaries from 'eslint-plugin-boundaries';
import chambers from './chambers-rules.js';
import { FLOORS } from './floors.js';

/** One policy per folder: it may import the folders on the floors below its own. */
function floorPolicies() {
  const policies = FLOORS.flatMap((floor, i) => {
    const below = FLOORS.slice(0, i).flat();
    if (below.length === 0) return [];
    const name = below.length > 1 ? `{${below.join(',')}}` : below[0];
    return floor.map((from) => ({
      from: { element: { type: 'module', captured: { name: from } } },
      allow: { to: { element: { type: 'module', captured: { name } } } },
    }));
  });
  // A folder's own files may import each other; the command line (the top of the house) may import any folder.
  policies.push({ from: { element: { type: 'module' } }, allow: { dependency: { relationship: { to: 'internal' } } } });
  policies.push({
    from: { element: { type: 'module', captured: { name: 'cli' } } },
    allow: { to: { element: { type: 'module' } } },
  });
  return policies;
}

export const houseRules = {
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
};

/** The web app's rule: reads that do not need each other are made together (issue 14, item 9). */
export const webHouseRules = {
  files: ['web/src/**/*.ts', 'web/src/**/*.tsx'],
  plugins: { chambers },
  rules: { 'chambers/parallel-reads': 'error' },
};
