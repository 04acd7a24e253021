/**
 * Audit retention: pruning by category, legal hold, pruned checkpoints, an organization's longer period.
 * The module's public face: other modules import from here, never from its files.
 */
export { startRetentionJob, unsafeRunPurge } from './audit-retention.ts';
export { orgRetentionRoutes } from './org-retention.routes.ts';
