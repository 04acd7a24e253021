import { type Kysely } from 'kysely';
import type { DB, Tx } from '../platform/db/index.ts';
import type { ClientTables } from './clients.tables.ts';
import type { CreateClientInput, CreateContactInput, UpdateClientInput } from './clients.schemas.ts';

/**
 * All SQL of clients, contacts and parties. Runs under RLS (0016_workspace.sql): the
 * organization filter is the database's, not ours.
 */
const c = (tx: Tx): Kysely<DB & ClientTables> => tx.withTables<ClientTables>();

const clientColumns = [
  'id',
  'kind',
  'name',
  'email',
  'phone',
  'address',
  'status',
  'created_at',
  'updated_at',
] as const;
const contactColumns = ['id', 'client_id', 'name', 'role', 'email', 'phone', 'created_at'] as const;
const partyColumns = ['id', 'matter_id', 'client_id', 'name', 'role', 'created_at'] as const;

/** At most this many names of each kind are scored per conflict check; the trigram filter keeps it far below. */
export const CANDIDATE_LIMIT = 2000;

export async function insertClient(
  tx: Tx,
  row: CreateClientInput & { orgId: string; createdBy: string; nameNormalized: string },
) {
  return c(tx)
    .insertInto('chambers.clients')
    .values({
      org_id: row.orgId,
      kind: row.kind,
      name: row.name,
      name_normalized: row.nameNormalized,
      email: row.email ?? null,
      phone: row.phone ?? null,
      address: row.address ?? null,
      created_by: row.createdBy,
    })
    .returning(clientColumns)
    .executeTakeFirstOrThrow();
}

export async function findClient(tx: Tx, id: string) {
  return c(tx).selectFrom('chambers.clients').select(clientColumns).where('id', '=', id).executeTakeFirst();
}

export async function updateClient(tx: Tx, id: string, input: UpdateClientInput & { nameNormalized?: string }) {
  return c(tx)
    .updateTable('chambers.clients')
    .set({
      ...(input.kind !== undefined ? { kind: input.kind } : {}),
      ...(input.name !== undefined ? { name: input.name, name_normalized: input.nameNormalized ?? '' } : {}),
      ...(input.email !== undefined ? { email: input.email } : {}),
      ...(input.phone !== undefined ? { phone: input.phone } : {}),
      ...(input.address !== undefined ? { address: input.address } : {}),
      ...(input.status !== undefined ? { status: input.status } : {}),
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .returning(clientColumns)
    .executeTakeFirst();
}

/** Clients whose folded name contains every folded word of the query, in name order. */
export async function listClients(tx: Tx, opts: { words: string[]; limit: number }) {
  let query = c(tx).selectFrom('chambers.clients').select(clientColumns);
  for (const w of opts.words) query = query.where('name_normalized', 'like', `%${escapeLike(w)}%`);
  return query.orderBy('name_normalized').orderBy('id').limit(opts.limit).execute();
}

export async function insertContact(
  tx: Tx,
  row: CreateContactInput & { orgId: string; clientId: string; createdBy: string; nameNormalized: string },
) {
  return c(tx)
    .insertInto('chambers.client_contacts')
    .values({
      org_id: row.orgId,
      client_id: row.clientId,
      name: row.name,
      name_normalized: row.nameNormalized,
      role: row.role ?? null,
      email: row.email ?? null,
      phone: row.phone ?? null,
      created_by: row.createdBy,
    })
    .returning(contactColumns)
    .executeTakeFirstOrThrow();
}

export async function listContacts(tx: Tx, clientId: string) {
  return c(tx)
    .selectFrom('chambers.client_contacts')
    .select(contactColumns)
    .where('client_id', '=', clientId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function deleteContact(tx: Tx, clientId: string, contactId: string): Promise<boolean> {
  const res = await c(tx)
    .deleteFrom('chambers.client_contacts')
    .where('id', '=', contactId)
    .where('client_id', '=', clientId)
    .executeTakeFirst();
  return res.numDeletedRows > 0n;
}

/** The matters a client is a party to, newest first (the caller checks which it may see). */
export async function partiesOfClient(tx: Tx, clientId: string) {
  return c(tx)
    .selectFrom('chambers.matter_parties')
    .select(['matter_id', 'role'])
    .where('client_id', '=', clientId)
    .orderBy('created_at', 'desc')
    .limit(100)
    .execute();
}

export async function insertParty(
  tx: Tx,
  row: {
    orgId: string;
    matterId: string;
    clientId: string | null;
    name: string;
    nameNormalized: string;
    role: string;
    createdBy: string;
  },
) {
  return c(tx)
    .insertInto('chambers.matter_parties')
    .values({
      org_id: row.orgId,
      matter_id: row.matterId,
      client_id: row.clientId,
      name: row.name,
      name_normalized: row.nameNormalized,
      role: row.role,
      created_by: row.createdBy,
    })
    .returning(partyColumns)
    .executeTakeFirstOrThrow();
}

export async function listParties(tx: Tx, matterId: string) {
  return c(tx)
    .selectFrom('chambers.matter_parties')
    .select(partyColumns)
    .where('matter_id', '=', matterId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** Clients whose folded name shares a 3-letter piece with the query: the bounded candidate set of a conflict check. */
export async function clientCandidates(tx: Tx, trigrams: string[]) {
  if (trigrams.length === 0) return [];
  return c(tx)
    .selectFrom('chambers.clients')
    .select(['id', 'name', 'name_normalized', 'status'])
    .where((eb) => eb.or(trigrams.map((g) => eb('name_normalized', 'like', `%${escapeLike(g)}%`))))
    .limit(CANDIDATE_LIMIT)
    .execute();
}

/** Parties of every matter of the organization, walled ones included (see the migration), sharing a 3-letter piece. */
export async function partyCandidates(tx: Tx, trigrams: string[]) {
  if (trigrams.length === 0) return [];
  return c(tx)
    .selectFrom('chambers.matter_parties')
    .select(['matter_id', 'client_id', 'name', 'name_normalized'])
    .where((eb) => eb.or(trigrams.map((g) => eb('name_normalized', 'like', `%${escapeLike(g)}%`))))
    .limit(CANDIDATE_LIMIT)
    .execute();
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (ch) => `\\${ch}`);
