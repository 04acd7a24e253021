/**
 * Attack: a judge, clerk, court administrator or lawyer runs raw SQL on the runtime
 * connection (SQL injection, or a bug that lets a request shape the statement) with their own
 * settings, and reaches for another judge's case file: the case, its parties, hearings,
 * deadlines, documents, the judge's private notes and draft orders. The database itself, not
 * our repositories, must return nothing and refuse every write. The court administrators'
 * oversight role must read metadata only and write nothing. Run on PGlite, on PostgreSQL, and
 * on PostgreSQL with the judicial store in a database of its own (JUDICIAL_DATABASE_URL).
 */
import { sql, type RawBuilder } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { judicialStoreOf, type JudicialStore } from '../../src/judicial/index.ts';
import type { Database } from '../../src/platform/db/database.ts';
import { unsafeWithOwner, type TenantContext } from '../../src/platform/db/tenant.ts';
import { rawBlobFiles } from '../helpers/documents.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import { createScratchDatabase, testDatabaseKind } from '../helpers/test-db.ts';
import { INSUFFICIENT_PRIVILEGE, ownerSnapshot, runAsTenant, tableRef, type Outcome } from './fixtures.ts';
import { seedCase, seedCourt, type Court, type CourtUser } from './judicial-court.ts';
import { JUDICIAL_TABLES } from './judicial-tables.ts';

type CaseFile = Awaited<ReturnType<typeof seedCase>>;

/** The rows of one case file in each table (key_check has none: it is owner-only). */
const rowsOfCase = (table: string, c: CaseFile): RawBuilder<unknown> =>
  table === 'judicial.cases' ? sql`id = ${c.caseId}` : sql`case_id = ${c.caseId}`;
const CASE_TABLES = Object.keys(JUDICIAL_TABLES).filter((x) => x !== 'judicial.key_check');

const modes: Array<'main' | 'separate'> = testDatabaseKind() === 'postgres' ? ['main', 'separate'] : ['main'];

describe.each(modes)('judicial isolation enforced by the database (%s database)', (mode) => {
  let t: TestApp;
  let drop: (() => Promise<void>) | undefined;
  let store: JudicialStore;
  let db: Database;
  let court: Court;
  let a: CaseFile;
  let b: CaseFile;
  const as = (u: CourtUser): TenantContext => ({ orgId: u.orgId, userId: u.userId });
  const run = (u: CourtUser, q: RawBuilder<unknown>): Promise<Outcome> => runAsTenant(db, as(u), q);
  const count = async (u: CourtUser, table: string, where: RawBuilder<unknown>) => {
    const res = await run(u, sql`SELECT count(*)::int AS n FROM ${tableRef(table)} WHERE ${where}`);
    if (!res.ok) throw new Error(`${table}: ${res.message}`);
    return res.rows[0]?.n as number;
  };

  beforeAll(async () => {
    let env: Record<string, string> = {};
    if (mode === 'separate') {
      const scratch = await createScratchDatabase();
      drop = scratch.drop;
      env = { JUDICIAL_DATABASE_URL: scratch.url };
    }
    t = await startTestApp({ env });
    store = judicialStoreOf(t.ctx);
    db = store.db;
    court = await seedCourt(t);
    a = await seedCase(t, court.judgeA, 'A');
    b = await seedCase(t, court.judgeB, 'B');
    const shared = await t.inject({
      method: 'PUT',
      url: `/api/v1/judicial/cases/${a.caseId}/clerks`,
      headers: court.judgeA.headers,
      payload: { userIds: [court.clerk.userId] },
    });
    expect(shared.statusCode).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
    await drop?.();
  });

  it('should cover every table of the judicial schema, each with forced row-level security', async () => {
    const { rows } = await sql<{ name: string; rls: boolean; forced: boolean }>`
      SELECT n.nspname || '.' || c.relname AS name, c.relrowsecurity AS rls, c.relforcerowsecurity AS forced
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'judicial' AND c.relkind IN ('r', 'p') ORDER BY 1`.execute(db.owner);
    expect(rows.map((r) => r.name)).toEqual(Object.keys(JUDICIAL_TABLES).sort());
    expect(rows.filter((r) => !(r.rls && r.forced))).toEqual([]);
  });

  if (mode === 'separate') {
    it('should keep the judicial rows in their own database and none in the main one', async () => {
      expect(store.separate).toBe(true);
      for (const table of CASE_TABLES) {
        const main = await unsafeWithOwner(t.ctx.db, (tx) =>
          sql<{ n: number }>`SELECT count(*)::int AS n FROM ${tableRef(table)}`.execute(tx),
        );
        expect([table, main.rows[0]?.n]).toEqual([table, 0]);
      }
      expect((await ownerSnapshot(db, 'judicial.cases', sql`true`)).length).toBe(2);
    });
  }

  it('should let each judge read their own case file (the control that keeps the refusals honest)', async () => {
    for (const [judge, c] of [
      [court.judgeA, a],
      [court.judgeB, b],
    ] as const) {
      for (const table of CASE_TABLES.filter((x) => x !== 'judicial.case_clerks'))
        expect([table, await count(judge, table, rowsOfCase(table, c))]).toEqual([table, expect.any(Number)]);
      expect(await count(judge, 'judicial.cases', rowsOfCase('judicial.cases', c))).toBe(1);
      expect(await count(judge, 'judicial.notes', rowsOfCase('judicial.notes', c))).toBe(1);
      expect(await count(judge, 'judicial.orders', rowsOfCase('judicial.orders', c))).toBe(2);
      expect(await count(judge, 'judicial.documents', rowsOfCase('judicial.documents', c))).toBe(1);
    }
  });

  it.each(CASE_TABLES)(
    "should show %s of judge A's case to nobody else: judge B, a judge of another court, the court's admin and reviewer, a lawyer",
    async (table) => {
      for (const intruder of [court.judgeB, court.otherJudge, court.admin, court.reviewer, court.lawyer]) {
        expect([table, intruder.email, await count(intruder, table, rowsOfCase(table, a))]).toEqual([
          table,
          intruder.email,
          0,
        ]);
      }
      // The same with no WHERE at all: nothing of A's leaks into an unfiltered read either.
      const all = await run(court.judgeB, sql`SELECT to_jsonb(x)::text AS row FROM ${tableRef(table)} x`);
      expect(all.ok && all.rows.some((r) => String(r.row).includes(a.caseId))).toBe(false);
    },
  );

  it('should show a clerk the shared case, its parties, hearings, deadlines, documents and issued order, never a note or a draft', async () => {
    const seen = Object.fromEntries(
      await Promise.all(
        CASE_TABLES.map(async (table) => [table, await count(court.clerk, table, rowsOfCase(table, a))]),
      ),
    );
    expect(seen).toEqual({
      'judicial.cases': 1,
      'judicial.case_clerks': 1,
      'judicial.parties': 1,
      'judicial.hearings': 1,
      'judicial.deadlines': 1,
      'judicial.documents': 1,
      'judicial.notes': 0,
      'judicial.orders': 1,
    });
    expect(await count(court.clerk, 'judicial.orders', sql`id = ${a.draftId}`)).toBe(0);
    // And nothing of judge B's case, which was never shared.
    for (const table of CASE_TABLES) expect(await count(court.clerk, table, rowsOfCase(table, b))).toBe(0);
  });

  it("should change and delete none of judge A's rows for judge B, the clerk or the admin", async () => {
    const changes: Array<[string, RawBuilder<unknown>]> = [
      ['judicial.cases', sql`UPDATE judicial.cases SET title = 'Taken over' WHERE id = ${a.caseId}`],
      ['judicial.cases', sql`DELETE FROM judicial.cases WHERE id = ${a.caseId}`],
      ['judicial.hearings', sql`UPDATE judicial.hearings SET purpose = 'Moved' WHERE case_id = ${a.caseId}`],
      ['judicial.hearings', sql`DELETE FROM judicial.hearings WHERE case_id = ${a.caseId}`],
      ['judicial.parties', sql`DELETE FROM judicial.parties WHERE case_id = ${a.caseId}`],
      ['judicial.deadlines', sql`DELETE FROM judicial.deadlines WHERE case_id = ${a.caseId}`],
      ['judicial.notes', sql`DELETE FROM judicial.notes WHERE case_id = ${a.caseId}`],
      ['judicial.case_clerks', sql`DELETE FROM judicial.case_clerks WHERE case_id = ${a.caseId}`],
      [
        'judicial.orders',
        sql`UPDATE judicial.orders SET status = 'issued', issued_at = now(), issued_by = author_id WHERE id = ${a.draftId}`,
      ],
      ['judicial.orders', sql`DELETE FROM judicial.orders WHERE case_id = ${a.caseId}`],
      ['judicial.documents', sql`UPDATE judicial.documents SET blob_key = 'judicial/x/y' WHERE case_id = ${a.caseId}`],
      ['judicial.documents', sql`DELETE FROM judicial.documents WHERE case_id = ${a.caseId}`],
    ];
    for (const intruder of [court.judgeB, court.clerk, court.admin]) {
      for (const [table, statement] of changes) {
        const before = await ownerSnapshot(db, table, rowsOfCase(table, a));
        const res = await run(intruder, statement);
        if (res.ok) expect([table, intruder.email, res.affected]).toEqual([table, intruder.email, 0]);
        else expect([table, res.code]).toEqual([table, INSUFFICIENT_PRIVILEGE]);
        expect(await ownerSnapshot(db, table, rowsOfCase(table, a))).toEqual(before);
      }
    }
  });

  it("should refuse to plant rows on judge A's case, or make oneself its clerk or judge", async () => {
    const org = court.orgId;
    const plants = (u: CourtUser): Array<[string, RawBuilder<unknown>]> => [
      [
        'note',
        sql`INSERT INTO judicial.notes (id, case_id, org_id, author_id, body_ciphertext, wrapped_key)
                   VALUES (gen_random_uuid(), ${a.caseId}, ${org}, ${u.userId}, '\\x00', '\\x00')`,
      ],
      [
        'hearing',
        sql`INSERT INTO judicial.hearings (case_id, org_id, at, purpose, created_by)
                      VALUES (${a.caseId}, ${org}, now() + interval '1 day', 'Planted', ${u.userId})`,
      ],
      [
        'order',
        sql`INSERT INTO judicial.orders (id, case_id, org_id, author_id, title, body_ciphertext, wrapped_key)
                    VALUES (gen_random_uuid(), ${a.caseId}, ${org}, ${u.userId}, 'Planted', '\\x00', '\\x00')`,
      ],
      [
        'clerk row as judge A',
        sql`INSERT INTO judicial.case_clerks (case_id, org_id, judge_id, user_id)
                                   VALUES (${a.caseId}, ${org}, ${court.judgeA.userId}, ${u.userId})`,
      ],
      [
        'document',
        sql`INSERT INTO judicial.documents (id, case_id, org_id, name, content_type, size, sha256, blob_key, wrapped_key, created_by)
                       VALUES (gen_random_uuid(), ${a.caseId}, ${org}, 'planted.pdf', 'application/pdf', 1, ${'0'.repeat(64)},
                               'judicial/planted', '\\x00', ${u.userId})`,
      ],
      [
        "case in judge A's name",
        sql`INSERT INTO judicial.cases (org_id, case_number, title, judge_id)
                                     VALUES (${org}, 'PLANTED-1', 'Planted', ${court.judgeA.userId})`,
      ],
    ];
    for (const intruder of [court.judgeB, court.admin, court.lawyer, court.otherJudge]) {
      for (const [what, statement] of plants(intruder)) {
        const res = await run(intruder, statement);
        expect([what, intruder.email, res.ok]).toEqual([what, intruder.email, false]);
        if (!res.ok) expect([what, res.code]).toEqual([what, INSUFFICIENT_PRIVILEGE]);
      }
    }
    // Claiming the clerk row in one's own name fails on the case's real judge (foreign key), not silently.
    const selfClerk = await run(
      court.judgeB,
      sql`INSERT INTO judicial.case_clerks (case_id, org_id, judge_id, user_id) VALUES (${a.caseId}, ${org}, ${court.judgeB.userId}, ${court.judgeB.userId})`,
    );
    expect(selfClerk).toMatchObject({ ok: false });
    expect(await count(court.judgeB, 'judicial.cases', rowsOfCase('judicial.cases', a))).toBe(0);
  });

  it('should keep notes, order bodies and document blobs encrypted at rest', async () => {
    const notes = await ownerSnapshot(db, 'judicial.notes', rowsOfCase('judicial.notes', a));
    const orders = await ownerSnapshot(db, 'judicial.orders', rowsOfCase('judicial.orders', a));
    expect(notes.join()).not.toContain('lean acquit');
    expect(orders.join()).not.toContain('Draft of A');
    expect(Buffer.from('lean acquit').toString('hex')).not.toBe('');
    expect(notes.join()).not.toContain(Buffer.from('lean acquit').toString('hex'));
    const blobs = rawBlobFiles(t.dataDir);
    expect(blobs.length).toBeGreaterThanOrEqual(2);
    for (const blob of blobs) expect(blob.includes('Exhibit of A')).toBe(false);
  });

  it('should refuse to change or delete an issued order, even for the owner', async () => {
    const res = await unsafeWithOwner(db, (tx) =>
      sql`UPDATE judicial.orders SET title = 'Rewritten' WHERE id = ${a.issuedId}`.execute(tx),
    ).then(
      () => null,
      (err: { code?: string }) => err.code,
    );
    expect(res).toBe('23514');
  });

  describe('the oversight role', () => {
    const asOversight = async (orgId: string, q: RawBuilder<unknown>): Promise<Outcome> => {
      try {
        const result = await db.owner.transaction().execute(async (tx) => {
          await sql`SELECT set_config('role', 'chambers_judicial_oversight', true),
                           set_config('chambers.org_id', ${orgId}, true), set_config('chambers.user_id', '', true)`.execute(
            tx,
          );
          return q.execute(tx);
        });
        const affected = result.numAffectedRows === undefined ? null : Number(result.numAffectedRows);
        return { ok: true, rows: result.rows as Array<Record<string, unknown>>, affected };
      } catch (err) {
        const e = err as { code?: string; message?: string };
        return { ok: false, code: e.code, message: String(e.message) };
      }
    };

    it("should read the court's case metadata and issued orders, and nothing of another court", async () => {
      expect(await asOversight(court.orgId, sql`SELECT count(id)::int AS n FROM judicial.cases`)).toMatchObject({
        ok: true,
        rows: [{ n: 2 }],
      });
      expect(await asOversight(court.orgId, sql`SELECT count(id)::int AS n FROM judicial.orders`)).toMatchObject({
        ok: true,
        rows: [{ n: 2 }],
      });
      expect(
        await asOversight(court.otherJudge.orgId, sql`SELECT count(id)::int AS n FROM judicial.cases`),
      ).toMatchObject({ ok: true, rows: [{ n: 0 }] });
    });

    it('should never read a note, an order body or a draft', async () => {
      for (const q of [
        sql`SELECT count(id) FROM judicial.notes`,
        sql`SELECT body_ciphertext FROM judicial.orders`,
        sql`SELECT wrapped_key FROM judicial.documents`,
      ]) {
        expect(await asOversight(court.orgId, q)).toMatchObject({ ok: false, code: INSUFFICIENT_PRIVILEGE });
      }
      expect(
        await asOversight(court.orgId, sql`SELECT count(id)::int AS n FROM judicial.orders WHERE id = ${a.draftId}`),
      ).toMatchObject({ ok: true, rows: [{ n: 0 }] });
    });

    it('should not be able to write anything', async () => {
      for (const q of [
        sql`UPDATE judicial.cases SET title = 'x'`,
        sql`DELETE FROM judicial.cases`,
        sql`INSERT INTO judicial.cases (org_id, case_number, title, judge_id) VALUES (${court.orgId}, 'O-1', 'x', ${court.admin.userId})`,
        sql`DELETE FROM judicial.hearings`,
        sql`UPDATE judicial.orders SET status = 'issued'`,
      ]) {
        expect(await asOversight(court.orgId, q)).toMatchObject({ ok: false, code: INSUFFICIENT_PRIVILEGE });
      }
    });
  });
});
