/**
 * Attack: an operator rotates the master key after a leak, and a secret sealed under
 * the old key is left behind, still readable with the leaked key and no longer with
 * the new one (the outside review found inbound-webhook secrets left this way).
 * Every sealed column must be registered, and rotation must re-seal each of them.
 */
import crypto from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInMember, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { unsafeWithOwner } from '../platform/db/index.ts';
import { unsafeRotateMasterKey } from './master-key-rotation.ts';
import { SEALED_SECRET_COLUMNS } from './sealed-columns.ts';
import { openSecret } from './secrets.ts';

describe('sealed columns and master-key rotation', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it('should register every column of the catalog that holds sealed secrets (named *ciphertext* or *sealed*)', async () => {
    const { rows } = await unsafeWithOwner(t.ctx.db, (tx) =>
      sql<{
        table_schema: string;
        table_name: string;
        column_name: string;
      }>`SELECT table_schema, table_name, column_name FROM information_schema.columns
        WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND (column_name LIKE '%ciphertext%' OR column_name LIKE '%sealed%')`.execute(
        tx,
      ),
    );
    const inCatalog = rows.map((r) => `${r.table_schema}.${r.table_name}.${r.column_name}`).sort();
    const registered = SEALED_SECRET_COLUMNS.map((c) => `${c.table}.${c.column}`).sort();
    expect(inCatalog.length).toBeGreaterThan(1);
    expect(registered).toEqual(inCatalog);
  });

  it('should re-seal every registered column, so each secret opens under the new key and no longer under the old one', async () => {
    const admin = await signedInMember(t, { role: 'org_admin' });
    const res = await t.inject({
      method: 'POST',
      url: `/api/v1/orgs/${admin.orgId}/webhooks/integrations`,
      headers: admin.headers,
      payload: { name: 'Court e-filing' },
    });
    expect(res.statusCode, res.body).toBe(201);
    const integration = res.json() as { id: string; secret: string };

    const oldKey = t.ctx.keys.masterKey;
    const newKey = crypto.randomBytes(32);
    const before = await readSealed(t);
    expect(before.length).toBeGreaterThanOrEqual(SEALED_SECRET_COLUMNS.length);
    expect(new Set(before.map((r) => r.table))).toEqual(new Set(SEALED_SECRET_COLUMNS.map((c) => c.table)));

    const result = await unsafeRotateMasterKey(t.ctx.db, oldKey, newKey);
    expect(result?.sealedSecrets).toBe(before.length);

    for (const row of await readSealed(t)) {
      const col = SEALED_SECRET_COLUMNS.find((c) => c.table === row.table)!;
      expect(() => openSecret(newKey, col.purpose, row.sealed, row.id), `${row.table} ${row.id}`).not.toThrow();
      expect(() => openSecret(oldKey, col.purpose, row.sealed, row.id), `${row.table} ${row.id}`).toThrow();
    }
    const secretId = await webhookSecretId(t, integration.id);
    const webhook = (await readSealed(t)).find((r) => r.id === secretId);
    expect(openSecret(newKey, 'webhook', webhook!.sealed, webhook!.id)).toBe(integration.secret);
  });
});

async function readSealed(t: TestApp): Promise<Array<{ table: string; id: string; sealed: string }>> {
  return unsafeWithOwner(t.ctx.db, async (tx) => {
    const out: Array<{ table: string; id: string; sealed: string }> = [];
    for (const c of SEALED_SECRET_COLUMNS) {
      const { rows } = await sql<{
        id: string;
        sealed: string;
      }>`SELECT ${sql.ref(c.id)}::text AS id, ${sql.ref(c.column)} AS sealed FROM ${sql.table(c.table)}`.execute(tx);
      out.push(...rows.map((r) => ({ table: c.table, ...r })));
    }
    return out;
  });
}

async function webhookSecretId(t: TestApp, integrationId: string): Promise<string> {
  const { rows } = await unsafeWithOwner(t.ctx.db, (tx) =>
    sql<{ id: string }>`SELECT id::text FROM chambers.webhook_secrets WHERE integration_id = ${integrationId}`.execute(
      tx,
    ),
  );
  return rows[0]!.id;
}
