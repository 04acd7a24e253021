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
import { KEY_ENCRYPTED_COLUMNS, MASTER_WRAPPED_KEY_COLUMNS, SEALED_SECRET_COLUMNS } from './sealed-columns.ts';
import { openSecret } from './secrets.ts';

describe('sealed columns and master-key rotation', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { SSRF_ALLOW_HOSTS: '127.0.0.1' } });
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
    const registered = [...SEALED_SECRET_COLUMNS, ...KEY_ENCRYPTED_COLUMNS].map((c) => `${c.table}.${c.column}`).sort();
    expect(inCatalog.length).toBeGreaterThan(1);
    expect(registered).toEqual(inCatalog);
  });

  it('should name only real bytea columns among the keys wrapped directly under the master key', async () => {
    for (const c of MASTER_WRAPPED_KEY_COLUMNS) {
      const [schema, table] = c.table.split('.');
      const { rows } = await unsafeWithOwner(t.ctx.db, (tx) =>
        sql<{ data_type: string; id_exists: boolean }>`SELECT data_type,
            EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = ${schema} AND table_name = ${table}
                     AND column_name = ${c.id}) AS id_exists
          FROM information_schema.columns WHERE table_schema = ${schema} AND table_name = ${table} AND column_name = ${c.column}`.execute(
          tx,
        ),
      );
      expect(rows, `${c.table}.${c.column}`).toEqual([{ data_type: 'bytea', id_exists: true }]);
    }
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
    // An outbound webhook (its signing secret is sealed too), to a local address the SSRF guard is told to allow.
    const developer = await signedInMember(t, { role: 'api_admin' });
    const hook = await t.inject({
      method: 'POST',
      url: '/api/v1/developer/webhooks',
      headers: developer.headers,
      payload: { url: 'http://127.0.0.1:9/hook', events: ['matter.created'] },
    });
    expect(hook.statusCode, hook.body).toBe(201);
    // An organization's own AI provider key (sealed too), to a local model server the SSRF guard is told to allow.
    const provider = await t.inject({
      method: 'PUT',
      url: '/api/v1/ai/provider',
      headers: admin.headers,
      payload: { provider: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1', model: 'm', apiKey: 'sk-rotate-me' },
    });
    expect(provider.statusCode, provider.body).toBe(200);
    // A person's audit key (made by their first audited request) and an export's key: wrapped under the master key.
    const started = await t.inject({ method: 'POST', url: '/api/v1/me/export', headers: admin.headers });
    expect(started.statusCode, started.body).toBe(202);
    await expect.poll(() => countWrapped(t), { timeout: 30_000 }).toBeGreaterThanOrEqual(3);
    const wrappedBefore = await countWrapped(t);

    const oldKey = t.ctx.keys.masterKey;
    const newKey = crypto.randomBytes(32);
    const before = await readSealed(t);
    expect(before.length).toBeGreaterThanOrEqual(SEALED_SECRET_COLUMNS.length);
    expect(new Set(before.map((r) => r.table))).toEqual(new Set(SEALED_SECRET_COLUMNS.map((c) => c.table)));

    const result = await unsafeRotateMasterKey(t.ctx.db, oldKey, newKey);
    expect(result?.sealedSecrets).toBe(before.length);
    expect(result?.wrappedKeys).toBe(wrappedBefore);

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
      }>`SELECT ${sql.ref(c.id)}::text AS id, ${sql.ref(c.column)} AS sealed FROM ${sql.table(c.table)}
        WHERE ${sql.ref(c.column)} IS NOT NULL`.execute(tx);
      out.push(...rows.map((r) => ({ table: c.table, ...r })));
    }
    return out;
  });
}

/** Non-null keys across the master-wrapped key columns. */
async function countWrapped(t: TestApp): Promise<number> {
  return unsafeWithOwner(t.ctx.db, async (tx) => {
    let n = 0;
    for (const c of MASTER_WRAPPED_KEY_COLUMNS) {
      const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(c.table)}
        WHERE ${sql.ref(c.column)} IS NOT NULL`.execute(tx);
      n += rows[0]?.n ?? 0;
    }
    return n;
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
