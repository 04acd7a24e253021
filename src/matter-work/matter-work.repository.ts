import { type Kysely } from 'kysely';
import type { DB, Tx } from '../platform/db/index.ts';
import { AppError } from '../platform/errors.ts';
import type { MatterWorkTables } from './matter-work.tables.ts';

/**
 * All SQL of notes and tasks. Runs under RLS (0016_workspace.sql): a note or task is visible
 * only when its matter is, so an ethical wall hides them without a filter here.
 */
const w = (tx: Tx): Kysely<DB & MatterWorkTables> => tx.withTables<MatterWorkTables>();

/** The key of 0023 that admits only a member of the task's organization as assignee. */
const ASSIGNEE_KEY = 'matter_tasks_assignee_is_member';

/**
 * The service checks the assignee first; should the member be removed between that check and the
 * write, the key refuses the row (23503), and that is the check's 422, never a 500.
 */
async function assigneeGuard<T>(write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (err) {
    const e = err as { code?: unknown; constraint?: unknown; message?: unknown };
    if (e.code === '23503' && (e.constraint === ASSIGNEE_KEY || String(e.message).includes(`"${ASSIGNEE_KEY}"`)))
      throw new AppError('ASSIGNEE_NOT_MEMBER', 'assigneeId: not an active member of this organization');
    throw err;
  }
}

const noteColumns = ['id', 'matter_id', 'body', 'created_by', 'created_at'] as const;
const taskColumns = [
  'id',
  'matter_id',
  'title',
  'assignee_id',
  'due_at',
  'done_at',
  'created_by',
  'created_at',
] as const;

export async function insertNote(tx: Tx, row: { orgId: string; matterId: string; body: string; createdBy: string }) {
  return w(tx)
    .insertInto('chambers.matter_notes')
    .values({ org_id: row.orgId, matter_id: row.matterId, body: row.body, created_by: row.createdBy })
    .returning(noteColumns)
    .executeTakeFirstOrThrow();
}

export async function listNotes(tx: Tx, matterId: string) {
  return w(tx)
    .selectFrom('chambers.matter_notes')
    .select(noteColumns)
    .where('matter_id', '=', matterId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(500)
    .execute();
}

export async function insertTask(
  tx: Tx,
  row: {
    orgId: string;
    matterId: string;
    title: string;
    assigneeId: string | null;
    dueAt: Date | null;
    createdBy: string;
  },
) {
  return assigneeGuard(
    w(tx)
      .insertInto('chambers.matter_tasks')
      .values({
        org_id: row.orgId,
        matter_id: row.matterId,
        title: row.title,
        assignee_id: row.assigneeId,
        due_at: row.dueAt,
        created_by: row.createdBy,
      })
      .returning(taskColumns)
      .executeTakeFirstOrThrow(),
  );
}

export async function updateTask(
  tx: Tx,
  id: string,
  set: { title?: string; dueAt?: Date | null; assigneeId?: string | null; doneAt?: Date | null },
) {
  return assigneeGuard(
    w(tx)
      .updateTable('chambers.matter_tasks')
      .set({
        ...(set.title !== undefined ? { title: set.title } : {}),
        ...(set.dueAt !== undefined ? { due_at: set.dueAt } : {}),
        ...(set.assigneeId !== undefined ? { assignee_id: set.assigneeId } : {}),
        ...(set.doneAt !== undefined ? { done_at: set.doneAt } : {}),
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .returning(taskColumns)
      .executeTakeFirst(),
  );
}

export async function listTasks(
  tx: Tx,
  opts: { matterId?: string; assigneeId?: string; open?: boolean; dueFrom?: Date; dueTo?: Date; limit: number },
) {
  let q = w(tx).selectFrom('chambers.matter_tasks').select(taskColumns);
  if (opts.matterId) q = q.where('matter_id', '=', opts.matterId);
  if (opts.assigneeId) q = q.where('assignee_id', '=', opts.assigneeId);
  if (opts.open === true) q = q.where('done_at', 'is', null);
  if (opts.open === false) q = q.where('done_at', 'is not', null);
  if (opts.dueFrom) q = q.where('due_at', '>=', opts.dueFrom);
  if (opts.dueTo) q = q.where('due_at', '<', opts.dueTo);
  return q
    .orderBy((eb) => eb.fn.coalesce('due_at', eb.val(new Date('9999-12-31T00:00:00Z'))))
    .orderBy('created_at')
    .limit(opts.limit)
    .execute();
}

/** Is this user an active (not suspended) member of the caller's organization? Memberships are org-scoped by RLS. */
export async function isActiveMember(tx: Tx, orgId: string, userId: string): Promise<boolean> {
  const row = await tx
    .selectFrom('chambers.memberships')
    .select('user_id')
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .where('suspended_at', 'is', null)
    .executeTakeFirst();
  return Boolean(row);
}

/** Who may be given a task: the organization's active lawyers and administrators, by name. */
export async function assignableMembers(tx: Tx, orgId: string) {
  return tx
    .selectFrom('chambers.memberships as m')
    .innerJoin('chambers.users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.name'])
    .where('m.org_id', '=', orgId)
    .where('m.suspended_at', 'is', null)
    .where('m.role', 'in', ['lawyer', 'org_admin'])
    .orderBy('u.name')
    .limit(1000)
    .execute();
}
