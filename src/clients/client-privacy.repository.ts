import { sql } from 'kysely';
import type { Tx } from '../platform/db/index.ts';

/**
 * All SQL of a client's data-subject requests. The export reads run in the caller's tenant
 * transaction (RLS: organization and ethical walls). The erasure runs in one owner transaction,
 * because it must reach matters behind walls the administrator is not admitted to (a held or
 * named walled matter is still the client's): every statement there filters by org_id itself.
 */

type MatterRow = {
  id: string;
  title: string;
  reference: string | null;
  client_name: string | null;
  status: string;
  client_id: string | null;
};

/** Party rows linked to the client, or bearing its folded name; all of the organization's, walls included. */
export async function partiesOfPerson(tx: Tx, clientId: string, nameNormalized: string) {
  const { rows } = await sql<{
    id: string;
    matter_id: string;
    client_id: string | null;
    name: string;
    role: string;
    created_at: Date | string;
  }>`SELECT id, matter_id, client_id, name, role, created_at FROM chambers.matter_parties
      WHERE client_id = ${clientId} OR name_normalized = ${nameNormalized}
      ORDER BY created_at, id`.execute(tx);
  return rows;
}

/** The matters the caller sees (RLS) among the given ids or naming the client as their client. */
export async function visibleMattersOfClient(tx: Tx, clientId: string, matterIds: string[]) {
  const { rows } = await sql<MatterRow>`
    SELECT id, title, reference, client_name, status, client_id FROM chambers.matters
     WHERE client_id = ${clientId} OR id = ANY(${matterIds}::uuid[])
     ORDER BY created_at, id`.execute(tx);
  return rows;
}

// ---- Owner path: the erasure and the audit trace. Each statement names the organization. ----

export async function lockClient(tx: Tx, orgId: string, clientId: string) {
  const { rows } = await sql<{ id: string; name: string; name_normalized: string }>`
    SELECT id, name, name_normalized FROM chambers.clients
     WHERE id = ${clientId} AND org_id = ${orgId} FOR UPDATE`.execute(tx);
  return rows[0];
}

/** The client's matters (client of record or party), walls included. */
const mattersOfClient = (orgId: string, clientId: string) => sql`
  SELECT id FROM chambers.matters WHERE org_id = ${orgId} AND client_id = ${clientId}
  UNION
  SELECT matter_id FROM chambers.matter_parties WHERE org_id = ${orgId} AND client_id = ${clientId}`;

export async function countHeldMatters(tx: Tx, orgId: string, clientId: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM chambers.matters
     WHERE org_id = ${orgId} AND legal_hold AND id IN (${mattersOfClient(orgId, clientId)})`.execute(tx);
  return rows[0]?.n ?? 0;
}

export async function allMattersOfClient(tx: Tx, orgId: string, clientId: string) {
  const { rows } = await sql<MatterRow>`
    SELECT id, title, reference, client_name, status, client_id FROM chambers.matters
     WHERE org_id = ${orgId} AND id IN (${mattersOfClient(orgId, clientId)})`.execute(tx);
  return rows;
}

export async function pseudonymizeClient(
  tx: Tx,
  v: { orgId: string; clientId: string; name: string; nameNormalized: string; now: Date },
): Promise<void> {
  await sql`UPDATE chambers.clients SET name = ${v.name}, name_normalized = ${v.nameNormalized},
      email = NULL, phone = NULL, address = NULL, updated_at = ${v.now}
    WHERE id = ${v.clientId} AND org_id = ${v.orgId}`.execute(tx);
}

export async function deleteContactsOfClient(tx: Tx, orgId: string, clientId: string): Promise<number> {
  const res =
    await sql`DELETE FROM chambers.client_contacts WHERE org_id = ${orgId} AND client_id = ${clientId}`.execute(tx);
  return Number(res.numAffectedRows ?? 0n);
}

export async function pseudonymizeParties(
  tx: Tx,
  v: { orgId: string; clientId: string; name: string; nameNormalized: string },
): Promise<number> {
  const res = await sql`UPDATE chambers.matter_parties SET name = ${v.name}, name_normalized = ${v.nameNormalized}
    WHERE org_id = ${v.orgId} AND client_id = ${v.clientId}`.execute(tx);
  return Number(res.numAffectedRows ?? 0n);
}

/** The matter's copy of its client's name; the search column follows by trigger (0019). */
export async function renameMatterClient(tx: Tx, orgId: string, matterIds: string[], name: string): Promise<void> {
  if (matterIds.length === 0) return;
  await sql`UPDATE chambers.matters SET client_name = ${name}
    WHERE org_id = ${orgId} AND id = ANY(${matterIds}::uuid[])`.execute(tx);
}

export async function countUnlinkedNamesakes(
  tx: Tx,
  orgId: string,
  clientId: string,
  nameNormalized: string,
): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM chambers.matter_parties
     WHERE org_id = ${orgId} AND client_id IS DISTINCT FROM ${clientId} AND name_normalized = ${nameNormalized}`.execute(
    tx,
  );
  return rows[0]?.n ?? 0;
}

/** The audit events about the client, oldest first (at most 1000). */
export async function auditEventsOfClient(tx: Tx, orgId: string, clientId: string) {
  const { rows } = await sql<{ at: Date | string; action: string; outcome: string }>`
    SELECT at, action, outcome FROM audit.events WHERE org_id = ${orgId} AND target = ${clientId}
     ORDER BY at, id LIMIT 1000`.execute(tx);
  return rows;
}

/** Searches and conflict checks whose keyed query hash is one of these. */
export async function countQueriesByHash(tx: Tx, orgId: string, hashes: string[]) {
  const { rows } = await sql<{ searches: number; checks: number }>`
    SELECT count(*) FILTER (WHERE action <> 'conflict.check')::int AS searches,
           count(*) FILTER (WHERE action = 'conflict.check')::int AS checks
      FROM audit.events
     WHERE org_id = ${orgId} AND action IN ('conflict.check', 'client.search', 'workspace.search')
       AND details->>'queryHash' = ANY(${hashes}::text[])`.execute(tx);
  return { searches: rows[0]?.searches ?? 0, checks: rows[0]?.checks ?? 0 };
}
