/**
 * AppContext: what every feature module receives.
 * The module's public face: other modules import from here, never from its files.
 */
export { type AppContext } from './app-context.ts';
