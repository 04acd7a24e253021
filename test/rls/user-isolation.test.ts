/**
 * Attack: someone with a foothold on the application's runtime connection (as
 * the runtime role, with their own user and organization set) goes after
 * another person's second factors with raw SQL: reads them (to learn which
 * factors a victim has, or to copy a secret), rewrites them (swap in their own
 * authenticator, reset a passkey's signature counter, extend a trusted device,
 * revive a used backup code), deletes them (to force a weaker sign-in), or
 * plants a factor of their own on the victim's account (the takeover). Two
 * attackers: a user of another organization, and an org_admin of the victim's
 * own organization, who may manage the victim's membership and sessions but
 * never the victim's factors. Also: the runtime role reads no secret or
 * verifier column even of its own user, and cannot mark its own session as
 * second-factor verified. The same holds for a person's "download my data"
 * archives (privacy_exports), and, inside one organization, for a member's
 * calendar feed and AI usage counters. The database itself, not our
 * repositories, must refuse.
 */
import crypto from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantContext } from '../../src/platform/db/tenant.ts';
import { createMember, type TestApp, startTestApp } from '../helpers/test-app.ts';
import {
  INSUFFICIENT_PRIVILEGE,
  USER_TABLES,
  appMay,
  ownerSnapshot,
  probeAsTenant,
  runAsTenant,
  seedFactors,
  seedTenant,
  tableRef,
  type FactorOwner,
  type Tenant,
} from './fixtures.ts';

type Member = FactorOwner & { orgId: string };
/** An attacker acts in their own organization as themselves; `who` is read lazily, because the users exist only after beforeAll. */
type Attacker = { label: string; who: () => Member };
const ctxOf = (attacker: Attacker): TenantContext => ({ orgId: attacker.who().orgId, userId: attacker.who().userId });

describe('user isolation of second factors enforced by the database', () => {
  let t: TestApp;
  let a: Tenant;
  let b: Tenant;
  let colleague: Member;
  let asA: TenantContext;

  beforeAll(async () => {
    t = await startTestApp();
    a = await seedTenant(t, 'a');
    b = await seedTenant(t, 'b');
    const member = await createMember(t, {
      role: 'org_admin',
      orgId: a.orgId,
      email: `colleague-of-a-${Date.now()}@example.com`,
    });
    await seedFactors(t, member.userId, 'colleague of a');
    colleague = { label: 'colleague of a', userId: member.userId, orgId: member.orgId };
    asA = { orgId: a.orgId, userId: a.userId };
  });
  afterAll(async () => t?.close());

  const attackers: Attacker[] = [
    { label: 'user B of another organization', who: () => b },
    { label: "an org_admin of A's own organization", who: () => colleague },
  ];

  it('should have rows of A, of B and of the colleague in every user table', async () => {
    const empty: string[] = [];
    for (const [table, fixture] of Object.entries(USER_TABLES)) {
      for (const owner of [a, b, colleague]) {
        if ((await ownerSnapshot(t.ctx.db, table, fixture.rowsOf(owner))).length === 0)
          empty.push(`${table} (${owner.label})`);
      }
    }
    expect(empty).toEqual([]);
    // The colleague really is an org_admin of A's organization: the widest role the same-org attack can have.
    const role = await ownerSnapshot(
      t.ctx.db,
      'chambers.memberships',
      sql`org_id = ${a.orgId} AND user_id = ${colleague.userId} AND role = 'org_admin'`,
    );
    expect(role).toHaveLength(1);
  });

  it('should let each user read, and change or delete where granted, their own factors (the control that keeps the refusals below honest)', async () => {
    const db = t.ctx.db;
    for (const attacker of attackers) {
      const self = attacker.who();
      for (const [table, fixture] of Object.entries(USER_TABLES)) {
        const where = `${table} as ${attacker.label}`;
        const seen = await runAsTenant(
          db,
          ctxOf(attacker),
          sql`SELECT count(*)::int AS n FROM ${tableRef(table)} WHERE ${fixture.rowsOf(self)}`,
        );
        expect(seen, where).toMatchObject({ ok: true, rows: [{ n: expect.any(Number) }] });
        expect(seen.ok && (seen.rows[0]?.n as number), `${where}: sees its own rows`).toBeGreaterThan(0);

        for (const { column, value } of fixture.updates) {
          const updated = await probeAsTenant(db, ctxOf(attacker), async (tx) =>
            Number(
              (
                await sql`UPDATE ${tableRef(table)} SET ${sql.ref(column)} = ${value()} WHERE ${fixture.rowsOf(self)}`.execute(
                  tx,
                )
              ).numAffectedRows,
            ),
          );
          if (await appMay(db, table, 'UPDATE', column))
            expect(updated, `${where}: updates its own ${column}`).toMatchObject({
              ok: true,
              value: expect.any(Number),
            });
          else
            expect(updated, `${where}: UPDATE of ${column} is not granted`).toMatchObject({
              ok: false,
              code: INSUFFICIENT_PRIVILEGE,
            });
          if (updated.ok) expect(updated.value, `${where}: updates its own ${column}`).toBeGreaterThan(0);
        }

        const deleted = await probeAsTenant(db, ctxOf(attacker), async (tx) =>
          Number((await sql`DELETE FROM ${tableRef(table)} WHERE ${fixture.rowsOf(self)}`.execute(tx)).numAffectedRows),
        );
        if (await appMay(db, table, 'DELETE'))
          expect(deleted, `${where}: deletes its own rows`).toMatchObject({ ok: true, value: expect.any(Number) });
        else
          expect(deleted, `${where}: DELETE is not granted`).toMatchObject({ ok: false, code: INSUFFICIENT_PRIVILEGE });
        if (deleted.ok) expect(deleted.value, `${where}: deletes its own rows`).toBeGreaterThan(0);
      }
    }
  });

  it('should let a user see their own factors before choosing an organization (factors belong to the person, not the tenant)', async () => {
    for (const [table, fixture] of Object.entries(USER_TABLES)) {
      const res = await runAsTenant(
        t.ctx.db,
        { orgId: null, userId: a.userId },
        sql`SELECT count(*)::int AS n FROM ${tableRef(table)} WHERE ${fixture.rowsOf(a)}`,
      );
      expect(res, table).toMatchObject({ ok: true, rows: [{ n: expect.any(Number) }] });
      expect(res.ok && (res.rows[0]?.n as number), table).toBeGreaterThan(0);
    }
  });

  describe.each(Object.entries(USER_TABLES))('%s', (table, fixture) => {
    describe.each(attackers.map((x) => [x.label, x] as const))('attacked by %s', (_label, attacker) => {
      it("should return none of A's rows", async () => {
        const res = await runAsTenant(
          t.ctx.db,
          ctxOf(attacker),
          sql`SELECT * FROM ${tableRef(table)} WHERE ${fixture.rowsOf(a)}`,
        );
        // A column-level grant refuses SELECT *; then ask for the granted columns, which must still show nothing.
        if (!res.ok && res.code === INSUFFICIENT_PRIVILEGE) {
          const count = await runAsTenant(
            t.ctx.db,
            ctxOf(attacker),
            sql`SELECT count(*)::int AS n FROM ${tableRef(table)} WHERE ${fixture.rowsOf(a)}`,
          );
          expect(count).toMatchObject({ ok: true, rows: [{ n: 0 }] });
        } else {
          expect(res).toMatchObject({ ok: true, rows: [] });
        }
        // Without any filter, the attacker sees exactly their own rows and nothing more.
        const all = await runAsTenant(
          t.ctx.db,
          ctxOf(attacker),
          sql`SELECT count(*)::int AS n FROM ${tableRef(table)}`,
        );
        const own = await ownerSnapshot(t.ctx.db, table, fixture.rowsOf(attacker.who()));
        expect(all).toMatchObject({ ok: true, rows: [{ n: own.length }] });
      });

      it("should update none of A's rows, in any column, which stay exactly as they were", async () => {
        const before = await ownerSnapshot(t.ctx.db, table, fixture.rowsOf(a));
        expect(before.length).toBeGreaterThan(0);
        for (const { column, value } of fixture.updates) {
          const res = await runAsTenant(
            t.ctx.db,
            ctxOf(attacker),
            sql`UPDATE ${tableRef(table)} SET ${sql.ref(column)} = ${value()} WHERE ${fixture.rowsOf(a)}`,
          );
          if (await appMay(t.ctx.db, table, 'UPDATE', column))
            expect(res, column).toMatchObject({ ok: true, affected: 0 });
          else expect(res, column).toMatchObject({ ok: false, code: INSUFFICIENT_PRIVILEGE });
        }
        expect(await ownerSnapshot(t.ctx.db, table, fixture.rowsOf(a))).toEqual(before);
      });

      it("should delete none of A's rows", async () => {
        const before = await ownerSnapshot(t.ctx.db, table, fixture.rowsOf(a));
        const res = await runAsTenant(
          t.ctx.db,
          ctxOf(attacker),
          sql`DELETE FROM ${tableRef(table)} WHERE ${fixture.rowsOf(a)}`,
        );
        if (await appMay(t.ctx.db, table, 'DELETE')) expect(res).toMatchObject({ ok: true, affected: 0 });
        else expect(res).toMatchObject({ ok: false, code: INSUFFICIENT_PRIVILEGE });
        expect(await ownerSnapshot(t.ctx.db, table, fixture.rowsOf(a))).toEqual(before);
        expect(before.length).toBeGreaterThan(0);
      });

      it("should refuse to plant a factor on A's account", async () => {
        const before = await ownerSnapshot(t.ctx.db, table, fixture.rowsOf(a));
        const res = await runAsTenant(t.ctx.db, ctxOf(attacker), fixture.insert(a));
        // Either no INSERT grant ("permission denied") or the policy's WITH CHECK ("violates row-level security policy"): both are 42501.
        expect(res).toMatchObject({ ok: false, code: INSUFFICIENT_PRIVILEGE });
        expect(await ownerSnapshot(t.ctx.db, table, fixture.rowsOf(a))).toEqual(before);
      });
    });

    it("should show none of A's rows when the user is B, whatever organization is set (none, B's, or A's own forged in)", async () => {
      const contexts: TenantContext[] = [
        { orgId: null, userId: b.userId },
        { orgId: b.orgId, userId: b.userId },
        { orgId: a.orgId, userId: b.userId },
        // And the organization alone, without a user, is no key to anyone's factors.
        { orgId: a.orgId, userId: null },
      ];
      for (const ctx of contexts) {
        const res = await runAsTenant(
          t.ctx.db,
          ctx,
          sql`SELECT count(*)::int AS n FROM ${tableRef(table)} WHERE ${fixture.rowsOf(a)}`,
        );
        expect(res, JSON.stringify(ctx)).toMatchObject({ ok: true, rows: [{ n: 0 }] });
      }
    });

    for (const column of fixture.secretColumns)
      it(`should never let the runtime role read, write or reference ${column}, not even its own`, async () => {
        const { rows } = await sql<{ privs: Record<string, boolean> }>`
        SELECT jsonb_build_object(
                 'SELECT', has_column_privilege('chambers_app'::name, ${table}::text, ${column}::text, 'SELECT'),
                 'INSERT', has_column_privilege('chambers_app'::name, ${table}::text, ${column}::text, 'INSERT'),
                 'UPDATE', has_column_privilege('chambers_app'::name, ${table}::text, ${column}::text, 'UPDATE'),
                 'REFERENCES', has_column_privilege('chambers_app'::name, ${table}::text, ${column}::text, 'REFERENCES')) AS privs`.execute(
          t.ctx.db.owner,
        );
        expect(rows).toEqual([{ privs: { SELECT: false, INSERT: false, UPDATE: false, REFERENCES: false } }]);

        // A reads its own row: the column itself, the column in a filter (an oracle, one guess at a time), and through RETURNING.
        const col = sql.ref(column);
        const attempts = [
          sql`SELECT ${col} FROM ${tableRef(table)} WHERE ${fixture.rowsOf(a)}`,
          sql`SELECT * FROM ${tableRef(table)} WHERE ${fixture.rowsOf(a)}`,
          sql`SELECT count(*) FROM ${tableRef(table)} WHERE ${fixture.rowsOf(a)} AND ${col} IS NOT NULL`,
          sql`SELECT to_jsonb(x) FROM ${tableRef(table)} x WHERE ${fixture.rowsOf(a)}`,
          sql`DELETE FROM ${tableRef(table)} WHERE ${fixture.rowsOf(a)} RETURNING ${col}`,
          ...fixture.updates.map(
            ({ column: target }) =>
              sql`UPDATE ${tableRef(table)} SET ${sql.ref(target)} = ${sql.ref(target)} WHERE ${fixture.rowsOf(a)} RETURNING ${col}`,
          ),
        ];
        const before = await ownerSnapshot(t.ctx.db, table, fixture.rowsOf(a));
        for (const attempt of attempts) {
          const res = await probeAsTenant(t.ctx.db, asA, (tx) => attempt.execute(tx));
          expect(res, attempt.compile(t.ctx.db.owner).sql).toMatchObject({ ok: false, code: INSUFFICIENT_PRIVILEGE });
        }
        expect(await ownerSnapshot(t.ctx.db, table, fixture.rowsOf(a))).toEqual(before);
      });
  });

  it('should count the authenticator secret, the backup-code hashes and the passkey public keys among the columns no runtime role reads', () => {
    const secrets = Object.entries(USER_TABLES).flatMap(([table, f]) => f.secretColumns.map((c) => `${table}.${c}`));
    expect(secrets).toEqual(
      expect.arrayContaining([
        'chambers.mfa_totp.secret_ciphertext',
        'chambers.mfa_backup_codes.code_hash',
        'chambers.webauthn_credentials.public_key',
      ]),
    );
  });

  it("should refuse to mark even a user's own session as second-factor verified (step-up without a factor)", async () => {
    const before = await ownerSnapshot(t.ctx.db, 'chambers.sessions', sql`id = ${a.sessionId}`);
    expect(before).toHaveLength(1);
    for (const [column, value] of [
      ['mfa_verified_at', sql`now()`],
      ['aal', sql`2`],
      ['amr', sql`ARRAY['pwd', 'otp']`],
    ] as const) {
      const res = await runAsTenant(
        t.ctx.db,
        asA,
        sql`UPDATE chambers.sessions SET ${sql.ref(column)} = ${value} WHERE id = ${a.sessionId}`,
      );
      expect(res, column).toMatchObject({ ok: false, code: INSUFFICIENT_PRIVILEGE });
    }
    expect(await ownerSnapshot(t.ctx.db, 'chambers.sessions', sql`id = ${a.sessionId}`)).toEqual(before);
    // Control: the row is A's to touch where granted, so the refusals above are about the columns.
    const touched = await probeAsTenant(t.ctx.db, asA, async (tx) =>
      Number(
        (await sql`UPDATE chambers.sessions SET last_seen_at = now() WHERE id = ${a.sessionId}`.execute(tx))
          .numAffectedRows,
      ),
    );
    expect(touched).toEqual({ ok: true, value: 1 });
  });

  it("should answer nothing about A's factors through authenticate_session to a caller who does not hold A's session, user and organization together", async () => {
    const call = (ctx: TenantContext, sid: string, user: string, org: string) =>
      probeAsTenant(
        t.ctx.db,
        ctx,
        async (tx) =>
          (
            await sql<
              Record<string, unknown>
            >`SELECT * FROM chambers.authenticate_session(${sid}::uuid, ${user}::uuid, ${org}::uuid, now(), interval '1 hour', 30)`.execute(
              tx,
            )
          ).rows,
      );
    const nothing = {
      status: 'revoked',
      role: null,
      org_kind: null,
      org_name: null,
      is_super_admin: null,
      email: null,
      name: null,
      aal: null,
      amr: null,
      mfa_verified_at: null,
      totp_enrolled: null,
      passkeys: null,
      expires_at: null,
      last_seen_at: null,
      idle_minutes: null,
      // The session epoch is a deployment-wide counter of changes, the same for every caller: it says nothing about A.
      epoch: expect.anything(),
    };
    const asB: TenantContext = { orgId: b.orgId, userId: b.userId };
    // A's session id with B's user, with B's organization, with A's organization but the colleague's user.
    expect(await call(asB, a.sessionId, b.userId, b.orgId)).toEqual({ ok: true, value: [nothing] });
    expect(await call(asB, a.sessionId, a.userId, b.orgId)).toEqual({ ok: true, value: [nothing] });
    expect(await call({ orgId: a.orgId, userId: colleague.userId }, a.sessionId, colleague.userId, a.orgId)).toEqual({
      ok: true,
      value: [nothing],
    });
    expect(await call(asB, crypto.randomUUID(), a.userId, a.orgId)).toEqual({ ok: true, value: [nothing] });
    // Control: the holder of all three learns only whether an authenticator is set up and how many passkeys there are.
    const own = await call(asA, a.sessionId, a.userId, a.orgId);
    expect(own).toMatchObject({ ok: true, value: [{ status: 'ok', totp_enrolled: true, passkeys: 1 }] });
    expect(own.ok && Object.keys(own.value[0] ?? {}).sort()).toEqual(Object.keys(nothing).sort());
  });

  // Rows of one member inside an organization carry org_id, so the tenant suite attacks them from another
  // organization; here the org_admin colleague attacks them from inside A's own organization.
  it("should keep A's secret calendar feed from an org_admin of A's own organization: no read, no delete, no replacement", async () => {
    const asColleague: TenantContext = { orgId: a.orgId, userId: colleague.userId };
    const feedOfA = sql`org_id = ${a.orgId} AND user_id = ${a.userId}`;
    const before = await ownerSnapshot(t.ctx.db, 'chambers.calendar_feeds', feedOfA);
    expect(before).toHaveLength(1);
    const seen = await runAsTenant(
      t.ctx.db,
      asColleague,
      sql`SELECT count(*)::int AS n FROM chambers.calendar_feeds WHERE ${feedOfA}`,
    );
    expect(seen).toMatchObject({ ok: true, rows: [{ n: 0 }] });
    const deleted = await runAsTenant(t.ctx.db, asColleague, sql`DELETE FROM chambers.calendar_feeds WHERE ${feedOfA}`);
    expect(deleted).toMatchObject({ ok: true, affected: 0 });
    // A feed token the colleague knows, in A's name: A's hearings, readable from outside.
    const planted = await runAsTenant(
      t.ctx.db,
      asColleague,
      sql`INSERT INTO chambers.calendar_feeds (org_id, user_id, token_hash) VALUES (${a.orgId}, ${a.userId}, decode(${crypto.randomBytes(32).toString('hex')}, 'hex'))`,
    );
    expect(planted).toMatchObject({ ok: false, code: INSUFFICIENT_PRIVILEGE });
    expect(await ownerSnapshot(t.ctx.db, 'chambers.calendar_feeds', feedOfA)).toEqual(before);
    // Control: A sees its own feed.
    const own = await runAsTenant(
      t.ctx.db,
      asA,
      sql`SELECT count(*)::int AS n FROM chambers.calendar_feeds WHERE ${feedOfA}`,
    );
    expect(own).toMatchObject({ ok: true, rows: [{ n: 1 }] });
  });

  it("should let an org_admin of A's own organization read A's AI usage counters (the organization's quota) but never rewrite or forge them", async () => {
    const asColleague: TenantContext = { orgId: a.orgId, userId: colleague.userId };
    const usageOfA = sql`org_id = ${a.orgId} AND user_id = ${a.userId}`;
    const before = await ownerSnapshot(t.ctx.db, 'chambers.ai_usage', usageOfA);
    expect(before.length).toBeGreaterThan(0);
    const seen = await runAsTenant(
      t.ctx.db,
      asColleague,
      sql`SELECT count(*)::int AS n FROM chambers.ai_usage WHERE ${usageOfA}`,
    );
    expect(seen).toMatchObject({ ok: true, rows: [{ n: before.length }] });
    const reset = await runAsTenant(
      t.ctx.db,
      asColleague,
      sql`UPDATE chambers.ai_usage SET count = 0 WHERE ${usageOfA}`,
    );
    expect(reset).toMatchObject({ ok: true, affected: 0 });
    // Exhaust A's own daily quota with a counter in A's name.
    const forged = await runAsTenant(
      t.ctx.db,
      asColleague,
      sql`INSERT INTO chambers.ai_usage (org_id, user_id, day, tool, count) VALUES (${a.orgId}, ${a.userId}, current_date, 'ask', 1000000)`,
    );
    expect(forged).toMatchObject({ ok: false, code: INSUFFICIENT_PRIVILEGE });
    expect(await ownerSnapshot(t.ctx.db, 'chambers.ai_usage', usageOfA)).toEqual(before);
    // Control: A counts its own calls.
    const own = await probeAsTenant(t.ctx.db, asA, async (tx) =>
      Number((await sql`UPDATE chambers.ai_usage SET count = count + 1 WHERE ${usageOfA}`.execute(tx)).numAffectedRows),
    );
    expect(own).toEqual({ ok: true, value: before.length });
  });
});
