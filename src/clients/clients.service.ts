import { findMatter } from '../matters/index.ts';
import type { Tx } from '../platform/db/index.ts';
import { AppError, notFound } from '../platform/errors.ts';
import { normalizeName } from './normalize.ts';
import * as repo from './clients.repository.ts';
import type {
  ClientDetailView,
  ClientView,
  ContactView,
  CreateClientInput,
  CreateContactInput,
  CreatePartyInput,
  PartyView,
  UpdateClientInput,
} from './clients.schemas.ts';

type Actor = { orgId: string; userId: string };
type ClientRow = NonNullable<Awaited<ReturnType<typeof repo.findClient>>>;
type ContactRow = Awaited<ReturnType<typeof repo.listContacts>>[number];
type PartyRow = Awaited<ReturnType<typeof repo.listParties>>[number];

const iso = (d: Date | string) => new Date(d).toISOString();

function toClientView(row: ClientRow): ClientView {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    email: row.email,
    phone: row.phone,
    address: row.address,
    status: row.status,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

const toContactView = (row: ContactRow): ContactView => ({
  id: row.id,
  clientId: row.client_id,
  name: row.name,
  role: row.role,
  email: row.email,
  phone: row.phone,
  createdAt: iso(row.created_at),
});

export const toPartyView = (row: PartyRow): PartyView => ({
  id: row.id,
  matterId: row.matter_id,
  clientId: row.client_id,
  name: row.name,
  role: row.role,
  createdAt: iso(row.created_at),
});

export async function createClient(tx: Tx, actor: Actor, input: CreateClientInput): Promise<ClientView> {
  const row = await repo.insertClient(tx, {
    ...input,
    orgId: actor.orgId,
    createdBy: actor.userId,
    nameNormalized: normalizeName(input.name),
  });
  return toClientView(row);
}

/** Search is word by word on the folded name: "muller" finds "Müller GmbH". */
export async function listClients(tx: Tx, query: { q?: string; limit: number }): Promise<{ clients: ClientView[] }> {
  const words = query.q ? normalizeName(query.q).split(' ').filter(Boolean) : [];
  const rows = await repo.listClients(tx, { words, limit: query.limit });
  return { clients: rows.map(toClientView) };
}

/** Another organization's client and a missing one look the same: 404. */
export async function getClient(tx: Tx, id: string): Promise<ClientDetailView> {
  const row = await repo.findClient(tx, id);
  if (!row) throw notFound();
  const contacts = await repo.listContacts(tx, id);
  const matters: ClientDetailView['matters'] = [];
  const seen = new Set<string>();
  for (const p of await repo.partiesOfClient(tx, id)) {
    if (seen.has(p.matter_id)) continue;
    seen.add(p.matter_id);
    // Through the matters module: a matter behind a wall the caller is not admitted to is left out.
    const matter = await findMatter(tx, p.matter_id);
    if (matter) matters.push({ matterId: matter.id, title: matter.title, role: p.role });
  }
  return { ...toClientView(row), contacts: contacts.map(toContactView), matters };
}

export async function updateClient(tx: Tx, id: string, input: UpdateClientInput): Promise<ClientView> {
  const row = await repo.updateClient(tx, id, {
    ...input,
    ...(input.name !== undefined ? { nameNormalized: normalizeName(input.name) } : {}),
  });
  if (!row) throw notFound();
  return toClientView(row);
}

export async function addContact(
  tx: Tx,
  actor: Actor,
  clientId: string,
  input: CreateContactInput,
): Promise<ContactView> {
  if (!(await repo.findClient(tx, clientId))) throw notFound();
  const row = await repo.insertContact(tx, {
    ...input,
    orgId: actor.orgId,
    clientId,
    createdBy: actor.userId,
    nameNormalized: normalizeName(input.name),
  });
  return toContactView(row);
}

export async function removeContact(tx: Tx, clientId: string, contactId: string): Promise<void> {
  if (!(await repo.deleteContact(tx, clientId, contactId))) throw notFound();
}

/** The matter must be one the caller sees (walls included), else 404 as for any unknown id. */
async function requireMatter(tx: Tx, matterId: string): Promise<void> {
  if (!(await findMatter(tx, matterId))) throw notFound();
}

export async function addParty(tx: Tx, actor: Actor, matterId: string, input: CreatePartyInput): Promise<PartyView> {
  await requireMatter(tx, matterId);
  if (input.clientId && !(await repo.findClient(tx, input.clientId)))
    throw new AppError('CLIENT_UNKNOWN', 'clientId: no such client in this organization');
  const row = await repo.insertParty(tx, {
    orgId: actor.orgId,
    matterId,
    clientId: input.clientId ?? null,
    name: input.name,
    nameNormalized: normalizeName(input.name),
    role: input.role,
    createdBy: actor.userId,
  });
  return toPartyView(row);
}

export async function listParties(tx: Tx, matterId: string): Promise<{ parties: PartyView[] }> {
  await requireMatter(tx, matterId);
  return { parties: (await repo.listParties(tx, matterId)).map(toPartyView) };
}
