/**
 * Deadlines and hearings, the firm calendar, reminder mails and each member's iCalendar feed.
 * The module's public face: other modules import from here, never from its files.
 */
export { CALENDAR_ERRORS } from './calendar.errors.ts';
export { calendarRoutes } from './calendar.routes.ts';
export { sendDueReminders } from './reminders.ts';
