import type { RouteShorthandOptions } from 'fastify';
import { z } from 'zod';

const uuid = () => z.uuid({ message: 'must be a UUID' });
export const idParams = z.strictObject({ id: uuid() });
const instant = z.iso.datetime({ offset: true, message: 'an ISO 8601 date and time' }).max(40);

/** Markdown, rendered by the web app with HTML off, https links only and no images. */
export const createNoteBody = z.strictObject({ body: z.string().trim().min(1).max(20000) });
export const noteResponse = z.object({
  id: z.uuid(),
  matterId: z.uuid(),
  body: z.string(),
  createdBy: z.uuid(),
  createdAt: z.string(),
});
export type NoteView = z.infer<typeof noteResponse>;
export const noteListResponse = z.object({ notes: z.array(noteResponse) });

export const createTaskBody = z.strictObject({
  title: z.string().trim().min(1).max(300),
  assigneeId: uuid().optional(),
  dueAt: instant.optional(),
});
export type CreateTaskInput = z.infer<typeof createTaskBody>;
export const updateTaskBody = z
  .strictObject({
    done: z.boolean().optional(),
    title: z.string().trim().min(1).max(300).optional(),
    dueAt: instant.nullable().optional(),
    assigneeId: uuid().nullable().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'give at least one field to change' });
export type UpdateTaskInput = z.infer<typeof updateTaskBody>;
export const listTasksQuery = z.strictObject({
  /** `me`: tasks assigned to the caller; omitted: every task the caller may see. */
  assignee: z.literal('me').optional(),
  open: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});
export type ListTasksQuery = z.infer<typeof listTasksQuery>;

export const taskResponse = z.object({
  id: z.uuid(),
  matterId: z.uuid(),
  title: z.string(),
  assigneeId: z.uuid().nullable(),
  dueAt: z.string().nullable(),
  done: z.boolean(),
  doneAt: z.string().nullable(),
  createdBy: z.uuid(),
  createdAt: z.string(),
});
export type TaskView = z.infer<typeof taskResponse>;
export const taskListResponse = z.object({ tasks: z.array(taskResponse) });

/*
 * Route options: each route's access declaration and OpenAPI schema, named after what it does; the routes file maps paths to handlers.
 */
const READ = { access: { portal: 'lawyer' as const } };
const WRITE = { access: { portal: 'lawyer' as const, roles: ['org_admin' as const, 'lawyer' as const] } };

export const createNoteRoute = {
  config: WRITE,
  schema: {
    tags: ['notes'],
    summary: 'Add a note (markdown) to a matter',
    params: idParams,
    body: createNoteBody,
    response: { 201: noteResponse },
  },
} satisfies RouteShorthandOptions;

export const listNotesRoute = {
  config: READ,
  schema: {
    tags: ['notes'],
    summary: "A matter's notes, newest first",
    params: idParams,
    response: { 200: noteListResponse },
  },
} satisfies RouteShorthandOptions;

export const createTaskRoute = {
  config: WRITE,
  schema: {
    tags: ['tasks'],
    summary: 'Add a task to a matter',
    params: idParams,
    body: createTaskBody,
    response: { 201: taskResponse },
  },
} satisfies RouteShorthandOptions;

export const listMatterTasksRoute = {
  config: READ,
  schema: { tags: ['tasks'], summary: "A matter's tasks", params: idParams, response: { 200: taskListResponse } },
} satisfies RouteShorthandOptions;

export const listTasksRoute = {
  config: READ,
  schema: {
    tags: ['tasks'],
    summary: 'Tasks across matters (e.g. my open tasks)',
    querystring: listTasksQuery,
    response: { 200: taskListResponse },
  },
} satisfies RouteShorthandOptions;

export const updateTaskRoute = {
  config: WRITE,
  schema: {
    tags: ['tasks'],
    summary: 'Complete, rename, reschedule or reassign a task',
    params: idParams,
    body: updateTaskBody,
    response: { 200: taskResponse },
  },
} satisfies RouteShorthandOptions;

export const assigneesResponse = z.object({ members: z.array(z.object({ id: z.uuid(), name: z.string() })) });
export const listAssigneesRoute = {
  config: READ,
  schema: {
    tags: ['tasks'],
    summary: 'Members a task can be assigned to',
    response: { 200: assigneesResponse },
  },
} satisfies RouteShorthandOptions;
