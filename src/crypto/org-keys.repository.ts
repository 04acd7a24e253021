import { sql } from 'kysely';
import type { Tx } from '../platform/db/index.ts';

/** All SQL of chambers.org_keys (raw SQL: the table is read by the vault only). */
export type OrgKeyRow = { org_id: string; version: number; wrapped_key: Buffer };

export async function findOrgKey(tx: Tx, orgId: string, version: number): Promise<OrgKeyRow | null> {
  const { rows } = await sql<OrgKeyRow>`SELECT org_id, version, wrapped_key FROM chambers.org_keys
    WHERE org_id = ${orgId} AND version = ${version}`.execute(tx);
  return rows[0] ?? null;
}

export async function findCurrentOrgKey(tx: Tx, orgId: string): Promise<OrgKeyRow | null> {
  const { rows } = await sql<OrgKeyRow>`SELECT org_id, version, wrapped_key FROM chambers.org_keys
    WHERE org_id = ${orgId} ORDER BY version DESC LIMIT 1`.execute(tx);
  return rows[0] ?? null;
}

/** Inserts version 1 unless another transaction already did; the loser waits for the winner's commit. */
export async function insertFirstOrgKey(tx: Tx, orgId: string, wrappedKey: Buffer): Promise<void> {
  await sql`INSERT INTO chambers.org_keys (org_id, version, wrapped_key) VALUES (${orgId}, 1, ${wrappedKey})
    ON CONFLICT (org_id, version) DO NOTHING`.execute(tx);
}

/** Owner path (rotate-master): every organization's keys. */
export async function unsafeAllOrgKeys(tx: Tx): Promise<OrgKeyRow[]> {
  const { rows } = await sql<OrgKeyRow>`SELECT org_id, version, wrapped_key FROM chambers.org_keys
    ORDER BY org_id, version FOR UPDATE`.execute(tx);
  return rows;
}

export async function unsafeReplaceWrappedOrgKey(tx: Tx, row: OrgKeyRow, wrappedKey: Buffer): Promise<void> {
  await sql`UPDATE chambers.org_keys SET wrapped_key = ${wrappedKey}
    WHERE org_id = ${row.org_id} AND version = ${row.version}`.execute(tx);
}
