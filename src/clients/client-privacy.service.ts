import { searchQueryDetails } from '../audit/index.ts';
import { findMatter } from '../matters/index.ts';
import { type Database, type Tx, unsafeWithOwner } from '../platform/db/index.ts';
import { AppError, notFound } from '../platform/errors.ts';
import { getClient } from './clients.service.ts';
import { normalizeName } from './normalize.ts';
import * as repo from './client-privacy.repository.ts';
import type { ClientErasure, ClientExport, ClientProcessing } from './client-privacy.schemas.ts';

type Actor = { orgId: string; userId: string };
const iso = (d: Date | string) => new Date(d).toISOString();

/**
 * The name an erased client's records keep: stable for the client (erasing twice changes
 * nothing), and it names no one. Matters stay intact under it, as a member's records stay
 * under "Former member …" after the member's own erasure (src/privacy).
 */
export const clientPseudonymOf = (clientId: string): string => `Erased client ${clientId.slice(0, 8)}`;

/**
 * Art. 15 for a client: the record, its contacts, the matters it is client of or party to, and the
 * party rows linked to it or bearing its name. Read with the caller's rights: a matter behind an
 * ethical wall the caller is not admitted to is counted, never shown (nor its id).
 */
export async function collectClientData(
  tx: Tx,
  clientId: string,
  now: Date,
): Promise<Omit<ClientExport, 'processing'> & { nameForTrace: string }> {
  const { contacts, matters: _visible, ...client } = await getClient(tx, clientId);
  const nameNormalized = normalizeName(client.name);
  const parties = await repo.partiesOfPerson(tx, clientId, nameNormalized);
  const linkedMatterIds = [...new Set(parties.filter((p) => p.client_id === clientId).map((p) => p.matter_id))];
  const matters = await repo.visibleMattersOfClient(tx, clientId, linkedMatterIds);
  const seen = new Set(matters.map((m) => m.id));
  // A named-alike party's matter is shown when visible too; a walled one only loses its id.
  const visible = new Map<string, boolean>();
  for (const p of parties)
    if (!visible.has(p.matter_id))
      visible.set(p.matter_id, seen.has(p.matter_id) || Boolean(await findMatter(tx, p.matter_id)));
  return {
    format: 'chambers.client-personal-data/1',
    exportedAt: now.toISOString(),
    client,
    contacts,
    matters: matters.map((m) => ({
      matterId: m.id,
      title: m.title,
      reference: m.reference,
      clientName: m.client_name,
      status: m.status,
      clientOfRecord: m.client_id === clientId,
      partyRoles: parties.filter((p) => p.client_id === clientId && p.matter_id === m.id).map((p) => p.role),
    })),
    parties: parties.map((p) => ({
      id: p.id,
      matterId: visible.get(p.matter_id) ? p.matter_id : null,
      name: p.name,
      role: p.role,
      linked: p.client_id === clientId,
      createdAt: iso(p.created_at),
    })),
    withheldMatters: linkedMatterIds.filter((id) => !seen.has(id)).length,
    nameForTrace: client.name,
  };
}

/**
 * What the audit log holds about the client: events naming its id, and searches and conflict
 * checks for exactly its name (the log keeps only a keyed hash of each query, so only the same
 * words are found). Read on the owner path, filtered to the organization; for org_admins, who
 * read the audit log anyway.
 */
export async function unsafeClientProcessing(
  db: Database,
  masterKey: Buffer,
  orgId: string,
  clientId: string,
  name: string,
): Promise<ClientProcessing> {
  const hashes = [...new Set([name, name.trim()])].map((q) => searchQueryDetails(masterKey, orgId, q).queryHash);
  return unsafeWithOwner(db, async (tx) => {
    const events = await repo.auditEventsOfClient(tx, orgId, clientId);
    const counts = await repo.countQueriesByHash(tx, orgId, hashes);
    return {
      events: events.map((e) => ({ at: iso(e.at), action: e.action, outcome: e.outcome })),
      searchesForName: counts.searches,
      conflictChecksForName: counts.checks,
    };
  });
}

/**
 * Art. 17 for a client, in one owner transaction (the client's walled matters count too): refused
 * with 409 CLIENT_LEGAL_HOLD while any of its matters is held. Otherwise the client's name becomes
 * a pseudonym and its email, phone and address are cleared; its contact persons are deleted; its
 * party rows and its matters' copy of its name take the pseudonym, and with them the folded columns
 * search and the conflict check read. Matters, documents and the audit log stay. Idempotent.
 */
export async function unsafeEraseClient(
  db: Database,
  actor: Actor,
  clientId: string,
  now: Date,
): Promise<ClientErasure> {
  return unsafeWithOwner(db, async (tx) => {
    const client = await repo.lockClient(tx, actor.orgId, clientId);
    if (!client) throw notFound();
    const held = await repo.countHeldMatters(tx, actor.orgId, clientId);
    if (held > 0)
      throw new AppError(
        'CLIENT_LEGAL_HOLD',
        `${held} of this client's matters ${held === 1 ? 'is' : 'are'} under legal hold: lift the hold before erasing`,
        { body: { heldMatters: held } },
      );
    const pseudonym = clientPseudonymOf(clientId);
    const named = { orgId: actor.orgId, clientId, name: pseudonym, nameNormalized: normalizeName(pseudonym) };
    const matters = await repo.allMattersOfClient(tx, actor.orgId, clientId);
    // The matter's copy of the client's name: the client of record's always, a party's when it is that name.
    const renamed = matters.filter(
      (m) =>
        m.client_name !== null &&
        m.client_name !== pseudonym &&
        (m.client_id === clientId || normalizeName(m.client_name) === client.name_normalized),
    );
    const titled = client.name_normalized
      ? matters.filter((m) => normalizeName(m.title).includes(client.name_normalized)).length
      : 0;
    await repo.pseudonymizeClient(tx, { ...named, now });
    const contactsRemoved = await repo.deleteContactsOfClient(tx, actor.orgId, clientId);
    const partiesPseudonymized = await repo.pseudonymizeParties(tx, named);
    await repo.renameMatterClient(
      tx,
      actor.orgId,
      renamed.map((m) => m.id),
      pseudonym,
    );
    const unlinkedParties =
      client.name === pseudonym
        ? 0
        : await repo.countUnlinkedNamesakes(tx, actor.orgId, clientId, client.name_normalized);
    return {
      status: 'erased' as const,
      pseudonym,
      contactsRemoved,
      partiesPseudonymized,
      mattersPseudonymized: renamed.length,
      review: { unlinkedParties, matterTitles: titled },
    };
  });
}
