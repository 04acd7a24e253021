import type { Linter } from 'eslint';

/** The house rules as one flat-config block (see house-rules.js). */
export declare const houseRules: Linter.Config;

/** The web app's house rules (see house-rules.js). */
export declare const webHouseRules: Linter.Config;
