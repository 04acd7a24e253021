/**
 * The two columns the policies read instead of asking other tables (migration 0024):
 * `matters.walled` (does matter_walls have a row for the matter?) and
 * `document_versions.matter_id` (the matter of the version's document). Each is a
 * shortcut only while the database keeps it equal to what it stands for; the attacks here
 * try to pull them apart — writing them as the runtime role, writing them as the owner,
 * raising and lowering walls by every statement — and check that a screened member sees
 * exactly what the policies of 0007 let them see.
 */
import crypto from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, readMigrationFiles, unsafeWithOwner, type Database } from '../../src/platform/db/index.ts';
import type { TenantContext } from '../../src/platform/db/tenant.ts';
import { openEmptyDatabase } from '../helpers/test-db.ts';
import { createMember, startTestApp, type TestApp } from '../helpers/test-app.ts';
import { appMay, INSUFFICIENT_PRIVILEGE, ownerSnapshot, runAsTenant, seedTenant, type Tenant } from './fixtures.ts';

const FOREIGN_KEY_VIOLATION = '23503';

async function walledAsOwner(db: Database, matterId: string): Promise<boolean | undefined> {
  const { rows } = await sql<{ walled: boolean }>`SELECT walled FROM chambers.matters WHERE id = ${matterId}`.execute(
    db.owner,
  );
  return rows[0]?.walled;
}

/** A new matter of the tenant, written as the owner. */
async function matterAsOwner(db: Database, tenant: Tenant, title: string): Promise<string> {
  return unsafeWithOwner(db, async (tx) => {
    const { rows } = await sql<{ id: string }>`INSERT INTO chambers.matters (org_id, title, created_by)
      VALUES (${tenant.orgId}, ${title}, ${tenant.userId}) RETURNING id`.execute(tx);
    return rows[0]!.id;
  });
}

/** The statement that walls `matterId` off, raised by the tenant's org_admin. */
const raiseWall = (tenant: Tenant, matterId: string) =>
  sql`INSERT INTO chambers.matter_walls (matter_id, org_id, created_by) VALUES (${matterId}, ${tenant.orgId}, ${tenant.userId})`;

/** What `who` sees of the matter, its documents and their versions, through the policies alone. */
async function visibleTo(db: Database, who: TenantContext, matterId: string) {
  // The matter's documents as the owner knows them, so the version count does not go through the documents policy.
  const docs = await sql<{ id: string }>`SELECT id FROM chambers.documents WHERE matter_id = ${matterId}`.execute(
    db.owner,
  );
  const documentIds = docs.rows.map((r) => r.id);
  const outcome = await runAsTenant(
    db,
    who,
    sql`SELECT (SELECT count(*)::int FROM chambers.matters WHERE id = ${matterId}) AS matters,
               (SELECT count(*)::int FROM chambers.documents WHERE matter_id = ${matterId}) AS documents,
               (SELECT count(*)::int FROM chambers.document_versions
                 WHERE document_id = ANY (${documentIds}::uuid[]) OR matter_id = ${matterId}) AS versions`,
  );
  if (!outcome.ok) throw new Error(`reading as the tenant failed: ${outcome.message}`);
  return outcome.rows[0];
}

describe('the policy shortcuts of migration 0024', () => {
  let t: TestApp;
  let a: Tenant;
  let admin: TenantContext;
  let screened: TenantContext;
  beforeAll(async () => {
    t = await startTestApp();
    a = await seedTenant(t, 'a');
    admin = { orgId: a.orgId, userId: a.userId };
    const lawyer = await createMember(t, { orgId: a.orgId, role: 'lawyer' });
    screened = { orgId: a.orgId, userId: lawyer.userId };
  });
  afterAll(async () => t?.close());

  it('should give the runtime role no way to write either column', async () => {
    for (const [table, column] of [
      ['chambers.matters', 'walled'],
      ['chambers.document_versions', 'matter_id'],
    ] as const) {
      expect(await appMay(t.ctx.db, table, 'INSERT', column), `INSERT ${table}.${column}`).toBe(false);
      expect(await appMay(t.ctx.db, table, 'UPDATE', column), `UPDATE ${table}.${column}`).toBe(false);
    }
    const before = await ownerSnapshot(t.ctx.db, 'chambers.matters', sql`org_id = ${a.orgId}`);
    const lowered = await runAsTenant(
      t.ctx.db,
      admin,
      sql`UPDATE chambers.matters SET walled = false WHERE id = ${a.walledMatterId}`,
    );
    expect(lowered).toMatchObject({ ok: false, code: INSUFFICIENT_PRIVILEGE });
    const moved = await runAsTenant(
      t.ctx.db,
      admin,
      sql`UPDATE chambers.document_versions SET matter_id = gen_random_uuid() WHERE document_id = ${a.documentId}`,
    );
    expect(moved).toMatchObject({ ok: false, code: INSUFFICIENT_PRIVILEGE });
    expect(await ownerSnapshot(t.ctx.db, 'chambers.matters', sql`org_id = ${a.orgId}`)).toEqual(before);
  });

  it('should keep walled equal to the wall through every statement that raises, moves or lowers one', async () => {
    const db = t.ctx.db;
    const openId = await matterAsOwner(db, a, 'Open matter');
    expect(await walledAsOwner(db, a.walledMatterId)).toBe(true);
    expect(await walledAsOwner(db, openId)).toBe(false);
    expect(await visibleTo(db, screened, a.walledMatterId)).toEqual({ matters: 0, documents: 0, versions: 0 });
    expect(await visibleTo(db, admin, a.walledMatterId)).toEqual({ matters: 1, documents: 1, versions: 1 });

    // Lowered by the org_admin, as the wall API does: the screened member sees the matter, its document and version.
    expect(
      await runAsTenant(db, admin, sql`DELETE FROM chambers.matter_walls WHERE matter_id = ${a.walledMatterId}`),
    ).toMatchObject({ ok: true, affected: 1 });
    expect(await walledAsOwner(db, a.walledMatterId)).toBe(false);
    expect(await visibleTo(db, screened, a.walledMatterId)).toEqual({ matters: 1, documents: 1, versions: 1 });

    // Raised again by the org_admin, who is not admitted by the new wall: the flag is set all the same.
    expect(await runAsTenant(db, admin, raiseWall(a, a.walledMatterId))).toMatchObject({ ok: true });
    expect(await walledAsOwner(db, a.walledMatterId)).toBe(true);
    expect(await visibleTo(db, screened, a.walledMatterId)).toEqual({ matters: 0, documents: 0, versions: 0 });

    // Moved from one matter to another by the owner (no grant lets the runtime role do it): both flags follow.
    await unsafeWithOwner(db, (tx) =>
      sql`UPDATE chambers.matter_walls SET matter_id = ${openId} WHERE matter_id = ${a.walledMatterId}`.execute(tx),
    );
    expect(await walledAsOwner(db, a.walledMatterId)).toBe(false);
    expect(await walledAsOwner(db, openId)).toBe(true);
    expect(await visibleTo(db, screened, openId)).toMatchObject({ matters: 0 });
    expect(await visibleTo(db, screened, a.walledMatterId)).toEqual({ matters: 1, documents: 1, versions: 1 });

    // A wall raised and lowered in one rolled-back transaction leaves the flag as it was.
    await expect(
      unsafeWithOwner(db, async (tx) => {
        await raiseWall(a, a.walledMatterId).execute(tx);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await walledAsOwner(db, a.walledMatterId)).toBe(false);

    // Put back as the fixture had it, walled and admitting the org_admin.
    await unsafeWithOwner(db, async (tx) => {
      await sql`DELETE FROM chambers.matter_walls WHERE matter_id = ${openId}`.execute(tx);
      await raiseWall(a, a.walledMatterId).execute(tx);
      await sql`INSERT INTO chambers.matter_wall_members (matter_id, user_id, org_id) VALUES (${a.walledMatterId}, ${a.userId}, ${a.orgId})`.execute(
        tx,
      );
    });
    expect(await walledAsOwner(db, openId)).toBe(false);
    expect(await visibleTo(db, admin, a.walledMatterId)).toEqual({ matters: 1, documents: 1, versions: 1 });
  });

  it("should store a version's matter as its document's, whatever the writer sends, and refuse every later change", async () => {
    const db = t.ctx.db;
    const other = await matterAsOwner(db, a, 'Another matter');
    const versionId = crypto.randomUUID();
    // Even the owner's insert naming another matter gets the document's.
    await unsafeWithOwner(db, (tx) =>
      sql`INSERT INTO chambers.document_versions (id, org_id, document_id, matter_id, version, name, size, sha256, content_type,
            scan_status, blob_key, wrapped_data_key, org_key_version, created_by)
          VALUES (${versionId}, ${a.orgId}, ${a.documentId}, ${other}, 2, 'v2.pdf', 10, ${'0'.repeat(64)}, 'application/pdf',
            'clean', ${`${a.orgId}/${versionId}`}, decode('00', 'hex'), 1, ${a.userId})`.execute(tx),
    );
    const stored = await sql<{
      matter_id: string;
    }>`SELECT matter_id FROM chambers.document_versions WHERE id = ${versionId}`.execute(db.owner);
    expect(stored.rows[0]?.matter_id).toBe(a.walledMatterId);

    const refusal = async (statement: ReturnType<typeof sql>) =>
      unsafeWithOwner(db, (tx) => statement.execute(tx)).then(
        () => 'accepted',
        (err: { code?: string }) => err.code,
      );
    // The owner cannot point a version at another matter, nor move a document that has versions.
    expect(await refusal(sql`UPDATE chambers.document_versions SET matter_id = ${other} WHERE id = ${versionId}`)).toBe(
      FOREIGN_KEY_VIOLATION,
    );
    expect(await refusal(sql`UPDATE chambers.documents SET matter_id = ${other} WHERE id = ${a.documentId}`)).toBe(
      FOREIGN_KEY_VIOLATION,
    );
    // The screened member sees no version of the walled matter, not even by naming the other matter.
    const probe = await runAsTenant(
      db,
      screened,
      sql`SELECT count(*)::int AS n FROM chambers.document_versions WHERE id = ${versionId} OR matter_id = ${other}`,
    );
    expect(probe).toMatchObject({ ok: true, rows: [{ n: 0 }] });
    await unsafeWithOwner(db, (tx) => sql`DELETE FROM chambers.document_versions WHERE id = ${versionId}`.execute(tx));
  });
});

describe('migration 0024 on a database that already holds walls and versions', () => {
  let db: Database;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ db, drop } = await openEmptyDatabase());
  });
  afterAll(async () => drop?.());

  it('should fill walled and every version matter from the rows already there', async () => {
    const files = readMigrationFiles();
    const at = files.findIndex((f) => f.name.startsWith('0024_'));
    expect(at).toBeGreaterThan(0);
    await migrate(db, files.slice(0, at));
    const ids = await unsafeWithOwner(db, async (tx) => {
      const one = async (q: ReturnType<typeof sql<{ id: string }>>) => (await q.execute(tx)).rows[0]!.id;
      const org = await one(
        sql<{ id: string }>`INSERT INTO chambers.organizations (name, kind) VALUES ('Old firm', 'firm') RETURNING id`,
      );
      const user = await one(
        sql<{ id: string }>`INSERT INTO chambers.users (email, name) VALUES ('old@example.com', 'Old') RETURNING id`,
      );
      await sql`INSERT INTO chambers.memberships (org_id, user_id, role) VALUES (${org}, ${user}, 'lawyer')`.execute(
        tx,
      );
      const matter = async (title: string) =>
        one(
          sql<{
            id: string;
          }>`INSERT INTO chambers.matters (org_id, title, created_by) VALUES (${org}, ${title}, ${user}) RETURNING id`,
        );
      const walled = await matter('Walled');
      const open = await matter('Open');
      await sql`INSERT INTO chambers.matter_walls (matter_id, org_id, created_by) VALUES (${walled}, ${org}, ${user})`.execute(
        tx,
      );
      const versions: Array<{ id: string; matter: string }> = [];
      for (const m of [walled, open]) {
        const doc = await one(sql<{ id: string }>`INSERT INTO chambers.documents (org_id, matter_id, name, created_by)
          VALUES (${org}, ${m}, 'old.pdf', ${user}) RETURNING id`);
        for (const version of [1, 2]) {
          const id = crypto.randomUUID();
          await sql`INSERT INTO chambers.document_versions (id, org_id, document_id, version, name, size, sha256, content_type,
                      scan_status, blob_key, wrapped_data_key, org_key_version, created_by)
                    VALUES (${id}, ${org}, ${doc}, ${version}, 'old.pdf', 10, ${'0'.repeat(64)}, 'application/pdf', 'clean',
                      ${`${org}/${id}`}, decode('00', 'hex'), 1, ${user})`.execute(tx);
          versions.push({ id, matter: m });
        }
      }
      return { walled, open, versions };
    });

    expect((await migrate(db, files)).map((n) => n.slice(0, 5))).toContain('0024_');
    expect(await walledAsOwner(db, ids.walled)).toBe(true);
    expect(await walledAsOwner(db, ids.open)).toBe(false);
    const { rows } = await sql<{
      id: string;
      matter_id: string;
    }>`SELECT id, matter_id FROM chambers.document_versions`.execute(db.owner);
    expect(rows.map((r) => ({ id: r.id, matter: r.matter_id })).sort((x, y) => x.id.localeCompare(y.id))).toEqual(
      [...ids.versions].sort((x, y) => x.id.localeCompare(y.id)),
    );
  });
});
