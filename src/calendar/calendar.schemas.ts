import type { RouteShorthandOptions } from 'fastify';
import { z } from 'zod';

const uuid = () => z.uuid({ message: 'must be a UUID' });
export const idParams = z.strictObject({ id: uuid() });
const instant = z.iso.datetime({ offset: true, message: 'an ISO 8601 date and time' }).max(40);

export const createDeadlineBody = z.strictObject({
  title: z.string().trim().min(1).max(300),
  dueAt: instant,
  kind: z.enum(['deadline', 'hearing']).default('deadline'),
  /** When the reminder mail goes out, in minutes before dueAt (default one day); null: no reminder. */
  remindMinutesBefore: z
    .number()
    .int()
    .min(0)
    .max(60 * 24 * 30)
    .nullable()
    .default(60 * 24),
});
export type CreateDeadlineInput = z.infer<typeof createDeadlineBody>;

export const deadlineResponse = z.object({
  id: z.uuid(),
  matterId: z.uuid(),
  kind: z.enum(['deadline', 'hearing']),
  title: z.string(),
  dueAt: z.string(),
  remindAt: z.string().nullable(),
  createdBy: z.uuid(),
  createdAt: z.string(),
});
export type DeadlineView = z.infer<typeof deadlineResponse>;
export const deadlineListResponse = z.object({ deadlines: z.array(deadlineResponse) });

export const calendarQuery = z.strictObject({ from: instant, to: instant });
export const calendarEvent = z.object({
  kind: z.enum(['deadline', 'hearing', 'task']),
  /** The deadline's or task's id. */
  id: z.uuid(),
  title: z.string(),
  at: z.string(),
  matterId: z.uuid(),
});
export type CalendarEvent = z.infer<typeof calendarEvent>;
export const calendarResponse = z.object({ events: z.array(calendarEvent) });

export const feedResponse = z.object({ url: z.string() });
export const feedStatusResponse = z.object({ active: z.boolean(), createdAt: z.string().nullable() });
/** The feed's secret: named `token` so the request log blanks the segment out (platform/logger.ts). */
export const feedTokenParams = z.strictObject({ token: z.string().min(1).max(100) });

/*
 * Route options: each route's access declaration and OpenAPI schema, named after what it does; the routes file maps paths to handlers.
 */
const READ = { access: { portal: 'lawyer' as const } };
const WRITE = { access: { portal: 'lawyer' as const, roles: ['org_admin' as const, 'lawyer' as const] } };
const tags = ['calendar'];

export const createDeadlineRoute = {
  config: WRITE,
  schema: {
    tags,
    summary: 'Add a deadline or hearing to a matter',
    params: idParams,
    body: createDeadlineBody,
    response: { 201: deadlineResponse },
  },
} satisfies RouteShorthandOptions;

export const listDeadlinesRoute = {
  config: READ,
  schema: {
    tags,
    summary: "A matter's deadlines and hearings",
    params: idParams,
    response: { 200: deadlineListResponse },
  },
} satisfies RouteShorthandOptions;

export const calendarRoute = {
  config: READ,
  schema: {
    tags,
    summary: "The firm calendar: deadlines and hearings the caller may see, and the caller's open tasks",
    querystring: calendarQuery,
    response: { 200: calendarResponse },
  },
} satisfies RouteShorthandOptions;

export const feedStatusRoute = {
  config: READ,
  schema: { tags, summary: 'Whether the caller has an iCalendar feed', response: { 200: feedStatusResponse } },
} satisfies RouteShorthandOptions;

export const createFeedRoute = {
  config: READ,
  schema: {
    tags,
    summary: 'Create (or replace) the caller’s secret iCalendar feed URL; shown once',
    response: { 200: feedResponse },
  },
} satisfies RouteShorthandOptions;

export const revokeFeedRoute = {
  config: READ,
  schema: { tags, summary: 'Revoke the caller’s iCalendar feed URL' },
} satisfies RouteShorthandOptions;

/** Per client IP: enough for calendar apps polling, too few to guess 256-bit tokens (not that it would help). */
const FEED_LIMITS = [{ bucket: 'calendar-feed', limit: 60, windowMs: 60_000 }];

export const feedRoute = {
  config: { access: { public: true as const }, rateLimits: FEED_LIMITS },
  schema: {
    tags,
    summary: 'An iCalendar feed (text/calendar), by its secret URL',
    params: feedTokenParams,
  },
} satisfies RouteShorthandOptions;
