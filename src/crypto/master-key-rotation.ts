import { sql } from 'kysely';
import { safeEqual } from '../platform/crypto-basics.ts';
import { type Database, unsafeWithOwner, type Tx } from '../platform/db/index.ts';
import { openSecret, sealSecret } from './secrets.ts';
import { masterKeyCheck } from './master-key-check.ts';
import { MASTER_WRAPPED_KEY_COLUMNS, SEALED_SECRET_COLUMNS } from './sealed-columns.ts';
import { unwrapKey, wrapKey } from './key-wrap.ts';
import { unwrapUnderMaster, wrapUnderMaster } from './master-wrap.ts';
import { orgKeyBinding, orgKeyWrappingKey } from './org-keyring.ts';
import { unsafeAllOrgKeys, unsafeReplaceWrappedOrgKey } from './org-keys.repository.ts';

export type MasterKeyRotation = {
  orgKeys: number;
  sealedSecrets: number;
  /** Keys wrapped directly under the master key: people's audit keys, export archive keys. */
  wrappedKeys: number;
  /** Hashes keyed by the master key cannot be recomputed without their secret: these stop verifying. */
  invalidated: { backupCodeUsers: number; trustedDevices: number };
};

export class MasterKeyMismatchError extends Error {
  constructor() {
    super('the current master key does not match this database; rotation needs the key the data is sealed with');
    this.name = 'MasterKeyMismatchError';
  }
}

/**
 * Re-wraps every organization key and every key wrapped directly under the master
 * key (people's audit keys, export archive keys), re-seals every master-sealed secret under
 * `newKey`, and records the new key's check value — all in one transaction, so
 * the database is entirely under one key or the other. Blobs are not touched:
 * they are sealed under data keys, which are wrapped by organization keys, which
 * do not change. Returns null when the database is already under `newKey`
 * (an interrupted rotation being finished).
 */
export async function unsafeRotateMasterKey(
  db: Database,
  oldKey: Buffer,
  newKey: Buffer,
): Promise<MasterKeyRotation | null> {
  if (oldKey.length !== 32 || newKey.length !== 32) throw new RangeError('master keys are 32 bytes');
  if (safeEqual(oldKey, newKey)) throw new Error('the new master key is the current one');
  return unsafeWithOwner(db, async (tx) => {
    const { rows } = await sql<{
      master_key_check: string;
    }>`SELECT master_key_check FROM chambers.deployment FOR UPDATE`.execute(tx);
    const check = rows[0]?.master_key_check;
    if (check && safeEqual(check, masterKeyCheck(newKey))) return null;
    if (!check || !safeEqual(check, masterKeyCheck(oldKey))) throw new MasterKeyMismatchError();

    const oldWrap = orgKeyWrappingKey(oldKey);
    const newWrap = orgKeyWrappingKey(newKey);
    const orgKeys = await unsafeAllOrgKeys(tx);
    for (const row of orgKeys) {
      const binding = orgKeyBinding(row.org_id, row.version);
      const orgKey = unwrapKey(oldWrap, row.wrapped_key, binding, 'organization key');
      await unsafeReplaceWrappedOrgKey(tx, row, wrapKey(newWrap, orgKey, binding));
      orgKey.fill(0);
    }

    let sealedSecrets = 0;
    for (const col of SEALED_SECRET_COLUMNS) sealedSecrets += await resealColumn(tx, col, oldKey, newKey);
    let wrappedKeys = 0;
    for (const col of MASTER_WRAPPED_KEY_COLUMNS) wrappedKeys += await rewrapColumn(tx, col, oldKey, newKey);

    await sql`UPDATE chambers.deployment SET master_key_check = ${masterKeyCheck(newKey)}`.execute(tx);
    const count = async (q: ReturnType<typeof sql<{ n: number }>>) => (await q.execute(tx)).rows[0]?.n ?? 0;
    return {
      orgKeys: orgKeys.length,
      sealedSecrets,
      wrappedKeys,
      invalidated: {
        backupCodeUsers: await count(
          sql<{
            n: number;
          }>`SELECT count(DISTINCT user_id)::int AS n FROM chambers.mfa_backup_codes WHERE used_at IS NULL`,
        ),
        trustedDevices: await count(
          sql<{
            n: number;
          }>`SELECT count(*)::int AS n FROM chambers.trusted_devices WHERE revoked_at IS NULL AND expires_at > now()`,
        ),
      },
    };
  });
}

async function resealColumn(
  tx: Tx,
  col: (typeof SEALED_SECRET_COLUMNS)[number],
  oldKey: Buffer,
  newKey: Buffer,
): Promise<number> {
  const [schema, table] = col.table.split('.');
  if (!schema || !table) throw new Error(`not a qualified table: ${col.table}`);
  const ref = sql.id(schema, table);
  const { rows } = await sql<{
    id: string;
    sealed: string;
  }>`SELECT ${sql.id(col.id)}::text AS id, ${sql.id(col.column)} AS sealed
    FROM ${ref} WHERE ${sql.id(col.column)} IS NOT NULL FOR UPDATE`.execute(tx);
  for (const row of rows) {
    const resealed = sealSecret(newKey, col.purpose, openSecret(oldKey, col.purpose, row.sealed, row.id), row.id);
    await sql`UPDATE ${ref} SET ${sql.id(col.column)} = ${resealed} WHERE ${sql.id(col.id)}::text = ${row.id}`.execute(
      tx,
    );
  }
  return rows.length;
}

/** Re-wraps one column of master-wrapped keys; a NULL (a destroyed key) is left NULL, never re-created. */
async function rewrapColumn(
  tx: Tx,
  col: (typeof MASTER_WRAPPED_KEY_COLUMNS)[number],
  oldKey: Buffer,
  newKey: Buffer,
): Promise<number> {
  const [schema, table] = col.table.split('.');
  if (!schema || !table) throw new Error(`not a qualified table: ${col.table}`);
  const ref = sql.id(schema, table);
  const { rows } = await sql<{
    id: string;
    wrapped: Uint8Array;
  }>`SELECT ${sql.id(col.id)}::text AS id, ${sql.id(col.column)} AS wrapped
    FROM ${ref} WHERE ${sql.id(col.column)} IS NOT NULL FOR UPDATE`.execute(tx);
  for (const row of rows) {
    const binding = `${col.bindingPrefix}${row.id}`;
    const key = unwrapUnderMaster(oldKey, col.purpose, Buffer.from(row.wrapped), binding);
    const rewrapped = wrapUnderMaster(newKey, col.purpose, key, binding);
    key.fill(0);
    await sql`UPDATE ${ref} SET ${sql.id(col.column)} = ${rewrapped} WHERE ${sql.id(col.id)}::text = ${row.id}`.execute(
      tx,
    );
  }
  return rows.length;
}
