/**
 * Background schedules.
 * The module's public face: other modules import from here, never from its files.
 */
export { startDocumentJobs } from './document-jobs.ts';
export { unsafePurgeExpiredRecords } from './purge-expired.ts';
