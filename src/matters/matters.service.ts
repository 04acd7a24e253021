import { notFound, AppError } from '../platform/errors.ts';
import type { Tx } from '../platform/db/index.ts';
import { publishWebhookEvent } from '../developer/index.ts';
import * as repo from './matters.repository.ts';
import { membersAmong } from './matter-walls.repository.ts';
import type {
  CreateMatterInput,
  ListMattersQuery,
  MatterStatus,
  MatterView,
  UpdateMatterInput,
} from './matters.schemas.ts';

type Actor = { orgId: string; userId: string };

function toView(row: repo.MatterRow, teamIds: string[]): MatterView {
  return {
    id: row.id,
    title: row.title,
    reference: row.reference,
    clientName: row.client_name,
    status: row.status,
    matterType: row.matter_type,
    practiceArea: row.practice_area,
    clientId: row.client_id,
    responsibleUserId: row.responsible_user_id,
    teamIds,
    closedAt: row.closed_at ? new Date(row.closed_at).toISOString() : null,
    legalHold: row.legal_hold,
    createdBy: row.created_by,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

/**
 * People and clients named on a matter must belong to the organization: the foreign keys alone
 * would accept another organization's user or client id.
 */
async function checkNamed(
  tx: Tx,
  actor: Actor,
  input: Pick<UpdateMatterInput, 'responsibleUserId' | 'teamIds' | 'clientId'>,
): Promise<{ clientName?: string }> {
  const people = [
    ...new Set([...(input.responsibleUserId ? [input.responsibleUserId] : []), ...(input.teamIds ?? [])]),
  ];
  if (people.length > 0 && (await membersAmong(tx, actor.orgId, people)).length !== people.length)
    throw new AppError('MATTER_PERSON_UNKNOWN');
  if (!input.clientId) return {};
  const name = await repo.clientName(tx, input.clientId);
  if (name === null) throw new AppError('MATTER_CLIENT_UNKNOWN');
  return { clientName: name };
}

export async function createMatter(tx: Tx, actor: Actor, input: CreateMatterInput): Promise<MatterView> {
  const named = await checkNamed(tx, actor, input);
  const { teamIds = [], ...fields } = input;
  const row = await repo.insertMatter(tx, actor.orgId, actor.userId, {
    ...fields,
    clientName: fields.clientName ?? named.clientName,
  });
  const team = [...new Set(teamIds)];
  await repo.replaceTeam(tx, actor.orgId, row.id, team);
  await publishWebhookEvent(tx, actor.orgId, 'matter.created', { matterId: row.id });
  return toView(row, team);
}

/** Another organization's matter and a missing one look the same: 404. */
export async function getMatter(tx: Tx, id: string): Promise<MatterView> {
  const row = await repo.findMatter(tx, id);
  if (!row) throw notFound();
  return toView(row, (await repo.listTeam(tx, [id])).get(id) ?? []);
}

export async function updateMatter(
  tx: Tx,
  actor: Actor,
  id: string,
  input: UpdateMatterInput & { legalHold?: boolean },
): Promise<MatterView> {
  const named = await checkNamed(tx, actor, input);
  const { teamIds, ...fields } = input;
  // A status change moves the closing date with it: set on close, cleared on reopen or archive.
  const closedAt = input.status === undefined ? undefined : input.status === 'closed' ? new Date() : null;
  // Choosing a client shows its name on the matter, unless the same request names the client otherwise.
  const clientName = fields.clientName !== undefined ? fields.clientName : named.clientName;
  const row = await repo.updateMatter(tx, id, {
    ...fields,
    ...(clientName !== undefined ? { clientName } : {}),
    ...(closedAt !== undefined ? { closedAt } : {}),
  });
  if (!row) throw notFound();
  if (teamIds !== undefined) await repo.replaceTeam(tx, actor.orgId, id, [...new Set(teamIds)]);
  return toView(row, (await repo.listTeam(tx, [id])).get(id) ?? []);
}

/** Close, reopen, archive, unarchive: the status and when the matter was closed. */
export async function setMatterStatus(tx: Tx, actor: Actor, id: string, status: MatterStatus): Promise<MatterView> {
  return updateMatter(tx, actor, id, { status });
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
  return { matters: page.map(({ team_ids: team, ...r }) => toView(r, team)), nextCursor };
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
