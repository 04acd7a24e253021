import { notFound, AppError } from '../platform/errors.ts';
import type { Tx } from '../platform/db/index.ts';
import * as repo from './matters.repository.ts';
import type { CreateMatterInput, ListMattersQuery, MatterView, UpdateMatterInput } from './matters.schemas.ts';

type MatterRow = NonNullable<Awaited<ReturnType<typeof repo.findMatter>>>;

function toView(row: MatterRow): MatterView {
  return {
    id: row.id,
    title: row.title,
    reference: row.reference,
    clientName: row.client_name,
    status: row.status,
    legalHold: row.legal_hold,
    createdBy: row.created_by,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

export async function createMatter(
  tx: Tx,
  actor: { orgId: string; userId: string },
  input: CreateMatterInput,
): Promise<MatterView> {
  return toView(await repo.insertMatter(tx, actor.orgId, actor.userId, input));
}

/** Another organization's matter and a missing one look the same: 404. */
export async function getMatter(tx: Tx, id: string): Promise<MatterView> {
  const row = await repo.findMatter(tx, id);
  if (!row) throw notFound();
  return toView(row);
}

export async function updateMatter(
  tx: Tx,
  id: string,
  input: UpdateMatterInput & { legalHold?: boolean },
): Promise<MatterView> {
  const row = await repo.updateMatter(tx, id, input);
  if (!row) throw notFound();
  return toView(row);
}

export async function listMatters(
  tx: Tx,
  query: ListMattersQuery,
): Promise<{ matters: MatterView[]; nextCursor: string | null }> {
  const after = query.cursor ? decodeCursor(query.cursor) : undefined;
  const rows = await repo.listMatters(tx, { q: query.q, status: query.status, limit: query.limit, after });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const nextCursor = rows.length > query.limit && last ? encodeCursor(new Date(last.created_at), last.id) : null;
  return { matters: page.map(toView), nextCursor };
}

function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(JSON.stringify([createdAt.toISOString(), id])).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    const createdAt = new Date(String(at));
    if (typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id) || Number.isNaN(createdAt.getTime()))
      throw new Error('bad');
    return { createdAt, id };
  } catch {
    throw new AppError('VALIDATION_FAILED', 'query.cursor: not a cursor this server issued');
  }
}
