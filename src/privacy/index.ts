/**
 * The privacy lifecycle: "download my data", "delete my account", the shred ledger and
 * the retention classes of personal data.
 * The module's public face: other modules import from here, never from its files.
 */
export { PRIVACY_ERRORS } from './privacy.errors.ts';
export { privacyRoutes } from './privacy.routes.ts';
export { startPrivacyJobs } from './privacy-jobs.ts';
export { unsafeReapplyShredLedger } from './reapply.ts';
export { RETENTION_CLASSES, unsafeRunRetentionClasses } from './retention-classes.ts';
export { unsafeRunExportBuilds } from './export-builder.ts';
