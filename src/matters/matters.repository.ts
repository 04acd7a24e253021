import { sql } from 'kysely';
import type { Tx } from '../platform/db/index.ts';
import type { CreateMatterInput, UpdateMatterInput } from './matters.schemas.ts';

/** All SQL of matters. Runs under RLS: the organization filter is the database's, not ours. */

const columns = [
  'id',
  'title',
  'reference',
  'client_name',
  'status',
  'legal_hold',
  'created_by',
  'created_at',
  'updated_at',
] as const;

export async function insertMatter(tx: Tx, orgId: string, userId: string, input: CreateMatterInput) {
  return tx
    .insertInto('chambers.matters')
    .values({
      org_id: orgId,
      title: input.title,
      reference: input.reference ?? null,
      client_name: input.clientName ?? null,
      created_by: userId,
    })
    .returning(columns)
    .executeTakeFirstOrThrow();
}

export async function findMatter(tx: Tx, id: string) {
  return tx.selectFrom('chambers.matters').select(columns).where('id', '=', id).executeTakeFirst();
}

export async function listMatters(
  tx: Tx,
  opts: { q?: string; status: 'open' | 'archived' | 'all'; limit: number; after?: { createdAt: Date; id: string } },
) {
  let query = tx.selectFrom('chambers.matters').select(columns);
  if (opts.status !== 'all') query = query.where('status', '=', opts.status);
  if (opts.q) {
    const pattern = `%${opts.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) =>
      eb.or([eb('title', 'ilike', pattern), eb('reference', 'ilike', pattern), eb('client_name', 'ilike', pattern)]),
    );
  }
  if (opts.after) {
    const { createdAt, id } = opts.after;
    query = query.where(sql<boolean>`(created_at, id) < (${createdAt}, ${id}::uuid)`);
  }
  return query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(opts.limit + 1)
    .execute();
}

export async function updateMatter(tx: Tx, id: string, input: UpdateMatterInput & { legalHold?: boolean }) {
  return tx
    .updateTable('chambers.matters')
    .set({
      ...(input.title !== undefined ? { title: input.title } : {}),
      ...(input.reference !== undefined ? { reference: input.reference } : {}),
      ...(input.clientName !== undefined ? { client_name: input.clientName } : {}),
      ...(input.status !== undefined ? { status: input.status } : {}),
      ...(input.legalHold !== undefined ? { legal_hold: input.legalHold } : {}),
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .returning(columns)
    .executeTakeFirst();
}
