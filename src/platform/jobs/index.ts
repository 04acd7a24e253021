/**
 * The periodic job runner.
 * The module's public face: other modules import from here, never from its files.
 */
export { startPeriodicJob } from './periodic-job.ts';
