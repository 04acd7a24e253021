import { findMatter } from '../matters/index.ts';
import type { Tx } from '../platform/db/index.ts';
import { AppError, notFound } from '../platform/errors.ts';
import * as repo from './matter-work.repository.ts';
import type { CreateTaskInput, ListTasksQuery, NoteView, TaskView, UpdateTaskInput } from './matter-work.schemas.ts';

type Actor = { orgId: string; userId: string };
type NoteRow = Awaited<ReturnType<typeof repo.listNotes>>[number];
type TaskRow = Awaited<ReturnType<typeof repo.listTasks>>[number];

const iso = (d: Date | string) => new Date(d).toISOString();
const isoOrNull = (d: Date | string | null) => (d === null ? null : iso(d));

const toNoteView = (r: NoteRow): NoteView => ({
  id: r.id,
  matterId: r.matter_id,
  body: r.body,
  createdBy: r.created_by,
  createdAt: iso(r.created_at),
});

export const toTaskView = (r: TaskRow): TaskView => ({
  id: r.id,
  matterId: r.matter_id,
  title: r.title,
  assigneeId: r.assignee_id,
  dueAt: isoOrNull(r.due_at),
  done: r.done_at !== null,
  doneAt: isoOrNull(r.done_at),
  createdBy: r.created_by,
  createdAt: iso(r.created_at),
});

/** The matter must be one the caller sees (the matters module's check, walls included); otherwise 404. */
async function requireMatter(tx: Tx, matterId: string): Promise<void> {
  if (!(await findMatter(tx, matterId))) throw notFound();
}

async function requireAssignee(tx: Tx, orgId: string, assigneeId: string | null | undefined): Promise<void> {
  if (assigneeId && !(await repo.isActiveMember(tx, orgId, assigneeId)))
    throw new AppError('ASSIGNEE_NOT_MEMBER', 'assigneeId: not an active member of this organization');
}

export async function addNote(tx: Tx, actor: Actor, matterId: string, body: string): Promise<NoteView> {
  await requireMatter(tx, matterId);
  return toNoteView(await repo.insertNote(tx, { orgId: actor.orgId, matterId, body, createdBy: actor.userId }));
}

export async function listNotes(tx: Tx, matterId: string): Promise<{ notes: NoteView[] }> {
  await requireMatter(tx, matterId);
  return { notes: (await repo.listNotes(tx, matterId)).map(toNoteView) };
}

export async function addTask(tx: Tx, actor: Actor, matterId: string, input: CreateTaskInput): Promise<TaskView> {
  await requireMatter(tx, matterId);
  await requireAssignee(tx, actor.orgId, input.assigneeId);
  const row = await repo.insertTask(tx, {
    orgId: actor.orgId,
    matterId,
    title: input.title,
    assigneeId: input.assigneeId ?? null,
    dueAt: input.dueAt ? new Date(input.dueAt) : null,
    createdBy: actor.userId,
  });
  return toTaskView(row);
}

export async function updateTask(
  tx: Tx,
  actor: Actor,
  id: string,
  input: UpdateTaskInput,
  now: Date,
): Promise<TaskView> {
  await requireAssignee(tx, actor.orgId, input.assigneeId);
  const row = await repo.updateTask(tx, id, {
    title: input.title,
    dueAt: input.dueAt === undefined ? undefined : input.dueAt === null ? null : new Date(input.dueAt),
    assigneeId: input.assigneeId,
    doneAt: input.done === undefined ? undefined : input.done ? now : null,
  });
  if (!row) throw notFound();
  return toTaskView(row);
}

export async function listMatterTasks(tx: Tx, matterId: string): Promise<{ tasks: TaskView[] }> {
  await requireMatter(tx, matterId);
  return { tasks: (await repo.listTasks(tx, { matterId, limit: 500 })).map(toTaskView) };
}

export async function listTasks(tx: Tx, actor: Actor, query: ListTasksQuery): Promise<{ tasks: TaskView[] }> {
  const rows = await repo.listTasks(tx, {
    assigneeId: query.assignee === 'me' ? actor.userId : undefined,
    open: query.open === undefined ? undefined : query.open === 'true',
    limit: query.limit,
  });
  return { tasks: rows.map(toTaskView) };
}

/** Open tasks of one member due in [from, to): what the calendar and its feed show of tasks. */
export async function tasksDueBetween(tx: Tx, assigneeId: string, from: Date, to: Date): Promise<TaskView[]> {
  const rows = await repo.listTasks(tx, { assigneeId, open: true, dueFrom: from, dueTo: to, limit: 1000 });
  return rows.map(toTaskView);
}

export async function listAssignees(tx: Tx, actor: Actor): Promise<{ members: Array<{ id: string; name: string }> }> {
  return { members: await repo.assignableMembers(tx, actor.orgId) };
}
