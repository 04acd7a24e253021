import pino from 'pino';
import { sql, type CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boot, type Runtime } from '../boot.ts';
import { manualClock } from '../platform/clock.ts';
import { testDatabaseKind } from '../../test/helpers/test-db.ts';
import { signedInMember, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { SESSION_EPOCH_READ, unsafeReadAsOwner, unsafeWithOwner } from '../platform/db/index.ts';
import { sessionLivenessCache } from './session-liveness.ts';

/**
 * The per-process cache of live sessions (session-liveness.ts) must never answer
 * for a session the database has ended or changed. Each attack warms the cache,
 * then changes the database behind the process's back — directly in SQL, as an
 * administrator's tool or another process would — and expects the very next
 * request to see it.
 */
describe('the session liveness cache against changes it was not told about', () => {
  const clock = manualClock(new Date('2026-12-01T09:00:00Z'));
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ clock });
  });
  afterAll(() => t.close());

  const me = (headers: Record<string, string>) => t.inject({ method: 'GET', url: '/api/v1/me', headers });
  const owner = () => t.ctx.db.owner;

  async function warmMember() {
    const m = await signedInMember(t);
    expect((await me(m.headers)).statusCode).toBe(200);
    expect((await me(m.headers)).statusCode).toBe(200);
    const sid = ((await me(m.headers)).json() as { session: { id: string } }).session.id;
    // The answer is remembered: what follows tests the cache, not the full check.
    expect(
      sessionLivenessCache(t.ctx.db).candidate({ sid, sub: m.userId, org: m.orgId }, clock.now(), 60_000),
    ).not.toBe(null);
    return { ...m, sid };
  }

  it('refuses a session revoked in the database on the next request', async () => {
    const m = await warmMember();
    await sql`UPDATE chambers.sessions SET revoked_at = now(), revoked_reason = 'admin' WHERE id = ${m.sid}`.execute(
      owner(),
    );
    const res = await me(m.headers);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'SESSION_REVOKED' });
  });

  it('refuses a session whose membership was suspended or removed', async () => {
    const suspended = await warmMember();
    await sql`UPDATE chambers.memberships SET suspended_at = now() WHERE user_id = ${suspended.userId}`.execute(
      owner(),
    );
    expect((await me(suspended.headers)).json()).toMatchObject({ code: 'SESSION_REVOKED' });

    const removed = await warmMember();
    await sql`DELETE FROM chambers.memberships WHERE user_id = ${removed.userId}`.execute(owner());
    expect((await me(removed.headers)).json()).toMatchObject({ code: 'SESSION_REVOKED' });
  });

  it('serves the new role, name and idle limit at once, not the remembered ones', async () => {
    const m = await warmMember();
    await sql`UPDATE chambers.memberships SET role = 'org_admin' WHERE user_id = ${m.userId}`.execute(owner());
    expect((await me(m.headers)).json()).toMatchObject({ role: 'org_admin' });
    await sql`UPDATE chambers.users SET name = 'Renamed Person' WHERE id = ${m.userId}`.execute(owner());
    expect((await me(m.headers)).json()).toMatchObject({ user: { name: 'Renamed Person' } });
    await sql`UPDATE chambers.organizations SET settings = settings || '{"idleTimeoutMinutes": 7}'::jsonb WHERE id = ${m.orgId}`.execute(
      owner(),
    );
    expect((await me(m.headers)).json()).toMatchObject({ session: { idleTimeoutMinutes: 7 } });
  });

  it('still ends an idle session: the remembered touch is never taken for a fresh one', async () => {
    const m = await warmMember();
    await sql`UPDATE chambers.organizations SET settings = settings || '{"idleTimeoutMinutes": 5}'::jsonb WHERE id = ${m.orgId}`.execute(
      owner(),
    );
    expect((await me(m.headers)).statusCode).toBe(200);
    clock.advance(6 * 60 * 1000);
    const res = await me(m.headers);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'SESSION_EXPIRED' });
  });

  it('keeps touching the session while it is used, so an active user is not timed out', async () => {
    const m = await warmMember();
    const seen = async () =>
      (await sql<{ at: Date }>`SELECT last_seen_at AS at FROM chambers.sessions WHERE id = ${m.sid}`.execute(owner()))
        .rows[0]!.at;
    const before = new Date(await seen()).getTime();
    for (let i = 0; i < 4; i++) {
      clock.advance(2 * 60 * 1000);
      expect((await me(m.headers)).statusCode).toBe(200);
    }
    expect(new Date(await seen()).getTime()).toBeGreaterThan(before + 5 * 60 * 1000);
  });
});

/**
 * The embedded engine skips even the epoch read while this process has sent no
 * statement that could write (session-liveness.ts, Database.writeGeneration). Every
 * way a write can reach the database must move that count, or a revocation would be
 * missed; and what goes uncounted must be unable to write.
 */
describe.skipIf(testDatabaseKind() !== 'pglite')('the embedded engine’s write count', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const me = (headers: Record<string, string>) => t.inject({ method: 'GET', url: '/api/v1/me', headers });

  /** How many epoch reads a step sends, counted where they leave Kysely (a spy: the read still runs). */
  async function epochReadsDuring(step: () => Promise<void>): Promise<number> {
    const app = t.ctx.db.app;
    const executeQuery = app.executeQuery.bind(app);
    let reads = 0;
    app.executeQuery = ((query: CompiledQuery) => {
      if (query.sql === SESSION_EPOCH_READ) reads++;
      return executeQuery(query);
    }) as typeof app.executeQuery;
    try {
      await step();
    } finally {
      app.executeQuery = executeQuery;
    }
    return reads;
  }

  async function warmMember() {
    const m = await signedInMember(t);
    for (let i = 0; i < 3; i++) expect((await me(m.headers)).statusCode).toBe(200);
    return m;
  }

  it('sends no epoch read while nothing was written, and one after any write', async () => {
    const m = await warmMember();
    const generation = t.ctx.db.writeGeneration!();
    const idle = await epochReadsDuring(async () => {
      for (let i = 0; i < 5; i++) expect((await me(m.headers)).statusCode).toBe(200);
    });
    expect(idle).toBe(0);
    expect(t.ctx.db.writeGeneration!()).toBe(generation);

    // A write that has nothing to do with sessions still makes the next request read the epoch.
    await sql`UPDATE chambers.users SET updated_at = updated_at WHERE id = ${m.userId}`.execute(t.ctx.db.owner);
    expect(t.ctx.db.writeGeneration!()).toBeGreaterThan(generation);
    const afterWrite = await epochReadsDuring(async () => {
      expect((await me(m.headers)).statusCode).toBe(200);
      expect((await me(m.headers)).statusCode).toBe(200);
    });
    expect(afterWrite).toBe(1);
  });

  it('sees a revocation written through either door, in any form, on the next request', async () => {
    const writes: Array<(sid: string) => Promise<unknown>> = [
      // The owner's door, one statement.
      (sid) => sql`UPDATE chambers.sessions SET revoked_at = now() WHERE id = ${sid}`.execute(t.ctx.db.owner),
      // The owner's door, a transaction.
      (sid) =>
        unsafeWithOwner(t.ctx.db, (tx) =>
          sql`UPDATE chambers.sessions SET revoked_at = now() WHERE id = ${sid}`.execute(tx),
        ),
      // The runtime door, a statement without parameters (the simple protocol).
      (sid) =>
        sql`SELECT set_config('role', 'chambers_owner', false); UPDATE chambers.sessions SET revoked_at = now() WHERE id = '${sql.raw(sid)}'; RESET role`.execute(
          t.ctx.db.app,
        ),
    ];
    for (const write of writes) {
      const m = await warmMember();
      const sid = ((await me(m.headers)).json() as { session: { id: string } }).session.id;
      await write(sid);
      const res = await me(m.headers);
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ code: 'SESSION_REVOKED' });
    }
  });

  it('leaves uncounted only what cannot write: a one-read transaction that tries is refused', async () => {
    const m = await warmMember();
    const sid = ((await me(m.headers)).json() as { session: { id: string } }).session.id;
    const generation = t.ctx.db.writeGeneration!();
    await expect(
      unsafeReadAsOwner(t.ctx.db, (tx) =>
        sql`UPDATE chambers.sessions SET revoked_at = now() WHERE id = ${sid}`.execute(tx),
      ),
    ).rejects.toThrow(/read-only transaction/);
    expect(t.ctx.db.writeGeneration!()).toBe(generation);
    const { rows } = await sql<{
      revoked: boolean;
    }>`SELECT revoked_at IS NOT NULL AS revoked FROM chambers.sessions WHERE id = ${sid}`.execute(t.ctx.db.owner);
    expect(rows).toEqual([{ revoked: false }]);
    expect((await me(m.headers)).statusCode).toBe(200);
  });
});

/**
 * Two processes on one PostgreSQL database: a logout on one is refused by the other
 * on its very next request, even though nothing told it; and a process that
 * cannot reach the database does not fall back to its memory.
 */
describe.skipIf(testDatabaseKind() !== 'postgres')('two processes sharing one database', () => {
  let a: TestApp;
  let b: Runtime;
  beforeAll(async () => {
    a = await startTestApp();
    // The second process: same database, same keys (the data directory), its own pools and its own cache.
    b = await boot(a.config, { logger: pino({ level: 'silent' }) });
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  const meOnB = (headers: Record<string, string>) => b.app.inject({ method: 'GET', url: '/api/v1/me', headers });

  it('refuses on the second process a session logged out on the first, on the next request', async () => {
    const m = await signedInMember(a);
    expect((await meOnB(m.headers)).statusCode).toBe(200);
    expect((await meOnB(m.headers)).statusCode).toBe(200);
    expect(sessionLivenessCache(b.ctx.db).size).toBeGreaterThan(0);
    const out = await a.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: m.headers });
    expect(out.statusCode).toBe(204);
    const res = await meOnB(m.headers);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'SESSION_REVOKED' });
  });

  it('answers from memory never: with its connections cut, the second process checks again once reconnected', async () => {
    const m = await signedInMember(a);
    const other = await signedInMember(a);
    expect((await meOnB(m.headers)).statusCode).toBe(200);
    expect((await meOnB(other.headers)).statusCode).toBe(200);
    // Cut every connection of the second process's runtime login, then revoke while it is disconnected.
    await sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
               WHERE datname = current_database() AND pid <> pg_backend_pid() AND usename <> current_user`.execute(
      a.ctx.db.owner,
    );
    // The first process's pooled connections were cut too: its logout may need a retry (a 503 writes nothing).
    let out = await a.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: m.headers });
    for (let i = 0; i < 5 && out.statusCode === 503; i++)
      out = await a.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: m.headers });
    expect(out.statusCode, out.body).toBe(204);
    // The first request after the cut may meet a dead pooled connection (a 503, never a 200); it recovers on its own.
    let res = await meOnB(m.headers);
    for (let i = 0; i < 5 && res.statusCode === 503; i++) res = await meOnB(m.headers);
    expect(res.statusCode, res.body).toBe(401);
    let ok = await meOnB(other.headers);
    for (let i = 0; i < 5 && ok.statusCode === 503; i++) ok = await meOnB(other.headers);
    expect(ok.statusCode, ok.body).toBe(200);
  });
});
