import crypto from 'node:crypto';
import { deriveKey } from '../platform/crypto-basics.ts';
import type { Tx } from '../platform/db/index.ts';
import { unwrapKey, wrapKey } from './key-wrap.ts';
import { findCurrentOrgKey, findOrgKey, insertFirstOrgKey } from './org-keys.repository.ts';

/**
 * The vault's key hierarchy: master key → one key per organization (table
 * chambers.org_keys, wrapped under a master-derived key) → one data key per
 * document blob (wrapped under its organization's key, stored with the document).
 */
export type OrgKeyring = {
  /** A fresh data key for one blob, and that key wrapped for storage next to the document row. */
  newDataKey(trx: Tx, orgId: string): Promise<{ dataKey: Buffer; wrappedDataKey: Buffer; orgKeyVersion: number }>;
  /** Throws KeyUnwrapError for another organization's, a tampered or a shredded key. */
  unwrapDataKey(trx: Tx, orgId: string, wrappedDataKey: Buffer, orgKeyVersion: number): Promise<Buffer>;
};

/** What an organization key is bound to when wrapped by the master key. */
export const orgKeyBinding = (orgId: string, version: number) => `chambers:org-key:${orgId}:${version}`;
const dataKeyBinding = (orgId: string, version: number) => `chambers:data-key:${orgId}:${version}`;

/** The key that wraps organization keys: derived from the master key for this one purpose. */
export const orgKeyWrappingKey = (masterKey: Buffer): Buffer => deriveKey(masterKey, 'vault:org-key-wrap');

export class OrgKeyMissingError extends Error {
  constructor() {
    super('no organization key of this version is visible to this tenant');
    this.name = 'OrgKeyMissingError';
  }
}

/**
 * @example
 *   const keyring = createOrgKeyring(ctx.keys.masterKey);
 *   const { dataKey, wrappedDataKey, orgKeyVersion } = await withTenant(db, tenant, (tx) => keyring.newDataKey(tx, orgId));
 */
export function createOrgKeyring(masterKey: Buffer): OrgKeyring {
  const wrappingKey = orgKeyWrappingKey(masterKey);

  const openOrgKey = (orgId: string, version: number, wrapped: Buffer) =>
    unwrapKey(wrappingKey, wrapped, orgKeyBinding(orgId, version), 'organization key');

  /** The current organization key, created on first use; concurrent first uses end with one key. */
  async function currentOrgKey(trx: Tx, orgId: string): Promise<{ key: Buffer; version: number }> {
    let row = await findCurrentOrgKey(trx, orgId);
    if (!row) {
      await insertFirstOrgKey(trx, orgId, wrapKey(wrappingKey, crypto.randomBytes(32), orgKeyBinding(orgId, 1)));
      // Whichever insert won, read the row that is now there (a fresh statement sees the winner's commit).
      row = await findCurrentOrgKey(trx, orgId);
      if (!row) throw new OrgKeyMissingError();
    }
    return { key: openOrgKey(orgId, row.version, row.wrapped_key), version: row.version };
  }

  return {
    async newDataKey(trx, orgId) {
      const orgKey = await currentOrgKey(trx, orgId);
      const dataKey = crypto.randomBytes(32);
      const wrappedDataKey = wrapKey(orgKey.key, dataKey, dataKeyBinding(orgId, orgKey.version));
      orgKey.key.fill(0);
      return { dataKey, wrappedDataKey, orgKeyVersion: orgKey.version };
    },

    async unwrapDataKey(trx, orgId, wrappedDataKey, orgKeyVersion) {
      const row = await findOrgKey(trx, orgId, orgKeyVersion);
      if (!row) throw new OrgKeyMissingError();
      const orgKey = openOrgKey(orgId, row.version, row.wrapped_key);
      try {
        return unwrapKey(orgKey, wrappedDataKey, dataKeyBinding(orgId, orgKeyVersion), 'data key');
      } finally {
        orgKey.fill(0);
      }
    },
  };
}
