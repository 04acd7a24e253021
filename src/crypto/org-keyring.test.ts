import crypto from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unsafeWithOwner, withTenant } from '../platform/db/tenant.ts';
import { createMember, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { KeyUnwrapError } from './key-wrap.ts';
import { OrgKeyMissingError, createOrgKeyring } from './org-keyring.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

const orgKeyCount = (orgId: string) =>
  unsafeWithOwner(
    t.ctx.db,
    async (tx) =>
      (await sql<{ n: number }>`SELECT count(*)::int AS n FROM chambers.org_keys WHERE org_id = ${orgId}`.execute(tx))
        .rows[0]?.n,
  );

describe('organization keyring', () => {
  it('creates the organization key on first use and unwraps the data keys it issued', async () => {
    const m = await createMember(t);
    const keyring = createOrgKeyring(t.ctx.keys.masterKey);
    const tenant = { orgId: m.orgId, userId: m.userId };
    expect(await orgKeyCount(m.orgId)).toBe(0);
    const issued = await withTenant(t.ctx.db, tenant, (tx) => keyring.newDataKey(tx, m.orgId));
    expect(issued.dataKey).toHaveLength(32);
    expect(issued.orgKeyVersion).toBe(1);
    expect(issued.wrappedDataKey.includes(issued.dataKey)).toBe(false);
    const second = await withTenant(t.ctx.db, tenant, (tx) => keyring.newDataKey(tx, m.orgId));
    expect(second.dataKey.equals(issued.dataKey)).toBe(false);
    expect(await orgKeyCount(m.orgId)).toBe(1);
    const unwrapped = await withTenant(t.ctx.db, tenant, (tx) =>
      keyring.unwrapDataKey(tx, m.orgId, issued.wrappedDataKey, issued.orgKeyVersion),
    );
    expect(unwrapped.equals(issued.dataKey)).toBe(true);
  });

  it('ends two concurrent first uses with exactly one organization key, both data keys usable', async () => {
    const m = await createMember(t);
    const tenant = { orgId: m.orgId, userId: m.userId };
    // Two processes' keyrings: nothing is shared in memory, only the database decides.
    const [k1, k2] = [createOrgKeyring(t.ctx.keys.masterKey), createOrgKeyring(t.ctx.keys.masterKey)];
    const hold = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const [a, b] = await Promise.all([
      withTenant(t.ctx.db, tenant, async (tx) => {
        const issued = await k1.newDataKey(tx, m.orgId);
        await hold(150); // keep the first insert uncommitted while the second runs
        return issued;
      }),
      withTenant(t.ctx.db, tenant, async (tx) => {
        await hold(20);
        return k2.newDataKey(tx, m.orgId);
      }),
    ]);
    expect(await orgKeyCount(m.orgId)).toBe(1);
    for (const issued of [a, b]) {
      const back = await withTenant(t.ctx.db, tenant, (tx) =>
        k1.unwrapDataKey(tx, m.orgId, issued.wrappedDataKey, issued.orgKeyVersion),
      );
      expect(back.equals(issued.dataKey)).toBe(true);
    }
  });

  it("refuses to unwrap another organization's data key, from either tenant", async () => {
    const [a, b] = [await createMember(t), await createMember(t)];
    const keyring = createOrgKeyring(t.ctx.keys.masterKey);
    const issuedA = await withTenant(t.ctx.db, { orgId: a.orgId, userId: a.userId }, (tx) =>
      keyring.newDataKey(tx, a.orgId),
    );
    await withTenant(t.ctx.db, { orgId: b.orgId, userId: b.userId }, (tx) => keyring.newDataKey(tx, b.orgId));
    // B presents A's wrapped key as its own: B's org key and binding do not open it.
    await expect(
      withTenant(t.ctx.db, { orgId: b.orgId, userId: b.userId }, (tx) =>
        keyring.unwrapDataKey(tx, b.orgId, issuedA.wrappedDataKey, 1),
      ),
    ).rejects.toBeInstanceOf(KeyUnwrapError);
    // B names A's organization: row-level security hides A's key.
    await expect(
      withTenant(t.ctx.db, { orgId: b.orgId, userId: b.userId }, (tx) =>
        keyring.unwrapDataKey(tx, a.orgId, issuedA.wrappedDataKey, 1),
      ),
    ).rejects.toBeInstanceOf(OrgKeyMissingError);
    // B cannot plant a key for A either.
    await expect(
      withTenant(t.ctx.db, { orgId: b.orgId, userId: b.userId }, (tx) => keyring.newDataKey(tx, crypto.randomUUID())),
    ).rejects.toThrow();
  });

  it('refuses a tampered wrapped data key, a wrong version and a keyring under another master key', async () => {
    const m = await createMember(t);
    const tenant = { orgId: m.orgId, userId: m.userId };
    const keyring = createOrgKeyring(t.ctx.keys.masterKey);
    const issued = await withTenant(t.ctx.db, tenant, (tx) => keyring.newDataKey(tx, m.orgId));
    const flipped = Buffer.from(issued.wrappedDataKey);
    flipped[20] = (flipped[20] as number) ^ 1;
    await expect(
      withTenant(t.ctx.db, tenant, (tx) => keyring.unwrapDataKey(tx, m.orgId, flipped, 1)),
    ).rejects.toBeInstanceOf(KeyUnwrapError);
    await expect(
      withTenant(t.ctx.db, tenant, (tx) => keyring.unwrapDataKey(tx, m.orgId, issued.wrappedDataKey, 2)),
    ).rejects.toBeInstanceOf(OrgKeyMissingError);
    const stranger = createOrgKeyring(crypto.randomBytes(32));
    await expect(
      withTenant(t.ctx.db, tenant, (tx) => stranger.unwrapDataKey(tx, m.orgId, issued.wrappedDataKey, 1)),
    ).rejects.toBeInstanceOf(KeyUnwrapError);
  });
});
