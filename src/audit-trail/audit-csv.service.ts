import type { ApiEvent } from './audit-trail.service.ts';
import type { NamedEvent } from './audit-names.service.ts';

const COLUMNS = [
  ['seq', 'Sequence'],
  ['at', 'Time (UTC)'],
  ['actorName', 'Who'],
  ['actorId', 'Who (id)'],
  ['action', 'Action'],
  ['targetLabel', 'What'],
  ['target', 'What (id)'],
  ['outcome', 'Outcome'],
  ['ip', 'IP address'],
  ['userAgent', 'User agent'],
  ['requestId', 'Request id'],
] as const satisfies ReadonlyArray<readonly [keyof NamedEvent<ApiEvent>, string]>;

/**
 * One CSV cell (RFC 4180). A cell a spreadsheet would run as a formula (=, +, -, @, tab, CR) gets a
 * leading apostrophe: a matter titled "=HYPERLINK(…)" must stay text when a partner opens the file.
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The events as a CSV file a person reads in a spreadsheet: names beside ids, one event a line. */
export function eventsToCsv(events: Array<NamedEvent<ApiEvent>>): string {
  const lines = [COLUMNS.map(([, title]) => csvCell(title)).join(',')];
  for (const e of events) lines.push(COLUMNS.map(([key]) => csvCell(e[key])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
