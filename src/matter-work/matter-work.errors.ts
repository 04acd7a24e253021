import type { ErrorTable } from '../platform/errors.ts';

/** Error codes of matter notes and tasks (part of the HTTP contract: never renamed). */
export const MATTER_WORK_ERRORS = {
  ASSIGNEE_NOT_MEMBER: { status: 422, title: 'A task can be assigned only to an active member of this organization' },
} as const satisfies ErrorTable;

type MatterWorkErrors = typeof MATTER_WORK_ERRORS;
declare module '../platform/errors.ts' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges this table's codes into ErrorCatalog
  interface ErrorCatalog extends MatterWorkErrors {}
}
