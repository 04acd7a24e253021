import type { ErrorTable } from '../platform/errors.ts';

/** Error codes of the calendar (part of the HTTP contract: never renamed). */
export const CALENDAR_ERRORS = {
  CALENDAR_RANGE_TOO_LONG: { status: 400, title: 'Ask for at most 400 days of the calendar at a time' },
} as const satisfies ErrorTable;

type CalendarErrors = typeof CALENDAR_ERRORS;
declare module '../platform/errors.ts' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges this table's codes into ErrorCatalog
  interface ErrorCatalog extends CalendarErrors {}
}
