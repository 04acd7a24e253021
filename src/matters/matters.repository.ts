import { sql, type Kysely } from 'kysely';
import { reusableQuery, type DB, type Tx } from '../platform/db/index.ts';
import { AppError } from '../platform/errors.ts';
import type { MatterLifecycleTables } from './matters.tables.ts';
import type { CreateMatterInput, MatterStatus, UpdateMatterInput } from './matters.schemas.ts';

/** All SQL of matters. Runs under RLS: the organization filter is the database's, not ours. */
const m = (tx: Tx): Kysely<DB & MatterLifecycleTables> => tx.withTables<MatterLifecycleTables>();

const columns = [
  'id',
  'title',
  'reference',
  'client_name',
  'status',
  'legal_hold',
  'matter_type',
  'practice_area',
  'client_id',
  'responsible_user_id',
  'closed_at',
  'created_by',
  'created_at',
  'updated_at',
] as const;

/** The unique index of 0019 (org_id, lower(reference)); its violation is the contract's 409. */
const REFERENCE_INDEX = 'matters_org_reference_key';

/**
 * The foreign keys of 0023 that keep a matter's client and people inside its organization. The
 * service checks first; a key still refuses a row when a client or member goes away between that
 * check and the write, and that is the same 422 as the check's, never a 500.
 */
const SAME_ORG_KEYS = {
  matters_client_same_org: 'MATTER_CLIENT_UNKNOWN',
  matters_responsible_is_member: 'MATTER_PERSON_UNKNOWN',
  matter_team_members_is_member: 'MATTER_PERSON_UNKNOWN',
} as const;

const violated = (e: { constraint?: unknown; message?: unknown }, name: string): boolean =>
  e.constraint === name || String(e.message).includes(`"${name}"`);

/**
 * A duplicate reference is found by the index, not by a look-up first: a matter behind an ethical
 * wall is invisible to the caller, yet its reference still counts.
 */
async function referenceGuard<T>(write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (err) {
    const e = err as { code?: unknown; constraint?: unknown; message?: unknown };
    if (e.code === '23505' && (e.constraint === REFERENCE_INDEX || String(e.message).includes(REFERENCE_INDEX)))
      throw new AppError('REFERENCE_TAKEN');
    if (e.code === '23503')
      for (const [key, code] of Object.entries(SAME_ORG_KEYS)) if (violated(e, key)) throw new AppError(code);
    throw err;
  }
}

export type MatterFields = Omit<CreateMatterInput, 'teamIds'>;

export async function insertMatter(tx: Tx, orgId: string, userId: string, input: MatterFields) {
  return referenceGuard(
    m(tx)
      .insertInto('chambers.matters')
      .values({
        org_id: orgId,
        title: input.title,
        reference: input.reference ?? null,
        client_name: input.clientName ?? null,
        matter_type: input.matterType ?? null,
        practice_area: input.practiceArea ?? null,
        client_id: input.clientId ?? null,
        responsible_user_id: input.responsibleUserId ?? null,
        created_by: userId,
      })
      .returning(columns)
      .executeTakeFirstOrThrow(),
  );
}

export async function findMatter(tx: Tx, id: string) {
  return m(tx).selectFrom('chambers.matters').select(columns).where('id', '=', id).executeTakeFirst();
}

export type MatterRow = NonNullable<Awaited<ReturnType<typeof findMatter>>>;

type MatterListValues = { status: MatterStatus; pattern: string; afterCreatedAt: Date; afterId: string; limit: number };
/** Which clauses a list has: a status filter, a search, a cursor. */
type MatterListShape = `${'status' | 'all'} ${'q' | '-'} ${'after' | '-'}`;

/** The matter list, compiled once per shape (reusable-query.ts): it is the first read of most pages. */
const matterListQuery = reusableQuery((tx: Tx, v: MatterListValues, shape: MatterListShape) => {
  const [status, search, after] = shape.split(' ');
  let query = m(tx)
    .selectFrom('chambers.matters')
    .select(columns)
    // The team in the same statement: a list is one query, not one plus one per page (docs/performance.md).
    .select(
      sql<string[]>`(SELECT coalesce(array_agg(t.user_id ORDER BY t.created_at, t.user_id), '{}')
                       FROM chambers.matter_team_members t WHERE t.matter_id = matters.id)`.as('team_ids'),
    );
  if (status === 'status') query = query.where('status', '=', v.status);
  if (search === 'q')
    query = query.where((eb) =>
      eb.or([
        eb('title', 'ilike', v.pattern),
        eb('reference', 'ilike', v.pattern),
        eb('client_name', 'ilike', v.pattern),
      ]),
    );
  if (after === 'after')
    query = query.where(sql<boolean>`(created_at, id) < (${v.afterCreatedAt}, ${v.afterId}::uuid)`);
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(v.limit);
});

export async function listMatters(
  tx: Tx,
  opts: { q?: string; status: MatterStatus | 'all'; limit: number; after?: { createdAt: Date; id: string } },
) {
  const shape: MatterListShape = `${opts.status === 'all' ? 'all' : 'status'} ${opts.q ? 'q' : '-'} ${opts.after ? 'after' : '-'}`;
  return matterListQuery(
    tx,
    {
      status: opts.status === 'all' ? 'open' : opts.status,
      pattern: opts.q ? `%${opts.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : '',
      afterCreatedAt: opts.after?.createdAt ?? new Date(0),
      afterId: opts.after?.id ?? '',
      limit: opts.limit + 1,
    },
    shape,
  );
}

export type MatterChanges = Omit<UpdateMatterInput, 'teamIds'> & { legalHold?: boolean; closedAt?: Date | null };

export async function updateMatter(tx: Tx, id: string, input: MatterChanges) {
  const has = (k: keyof MatterChanges) => input[k] !== undefined;
  return referenceGuard(
    m(tx)
      .updateTable('chambers.matters')
      .set({
        ...(input.title !== undefined ? { title: input.title } : {}),
        ...(has('reference') ? { reference: input.reference ?? null } : {}),
        ...(has('clientName') ? { client_name: input.clientName ?? null } : {}),
        ...(input.status !== undefined ? { status: input.status } : {}),
        ...(input.legalHold !== undefined ? { legal_hold: input.legalHold } : {}),
        ...(has('matterType') ? { matter_type: input.matterType ?? null } : {}),
        ...(has('practiceArea') ? { practice_area: input.practiceArea ?? null } : {}),
        ...(has('clientId') ? { client_id: input.clientId ?? null } : {}),
        ...(has('responsibleUserId') ? { responsible_user_id: input.responsibleUserId ?? null } : {}),
        ...(has('closedAt') ? { closed_at: input.closedAt ?? null } : {}),
        updated_at: sql<Date>`now()`,
      })
      .where('id', '=', id)
      .returning(columns)
      .executeTakeFirst(),
  );
}

export async function listTeam(tx: Tx, matterIds: string[]): Promise<Map<string, string[]>> {
  const team = new Map<string, string[]>();
  if (matterIds.length === 0) return team;
  const rows = await m(tx)
    .selectFrom('chambers.matter_team_members')
    .select(['matter_id', 'user_id'])
    .where('matter_id', 'in', matterIds)
    .orderBy('created_at')
    .orderBy('user_id')
    .execute();
  for (const r of rows) team.set(r.matter_id, [...(team.get(r.matter_id) ?? []), r.user_id]);
  return team;
}

export async function replaceTeam(tx: Tx, orgId: string, matterId: string, userIds: string[]): Promise<void> {
  await m(tx).deleteFrom('chambers.matter_team_members').where('matter_id', '=', matterId).execute();
  if (userIds.length === 0) return;
  await referenceGuard(
    m(tx)
      .insertInto('chambers.matter_team_members')
      .values(userIds.map((userId) => ({ matter_id: matterId, user_id: userId, org_id: orgId })))
      .execute(),
  );
}

/** Is this client one of the current organization's (RLS decides)? A foreign key alone would accept any org's id. */
export async function clientName(tx: Tx, clientId: string): Promise<string | null> {
  const { rows } = await sql<{ name: string }>`SELECT name FROM chambers.clients WHERE id = ${clientId}`.execute(tx);
  return rows[0]?.name ?? null;
}
