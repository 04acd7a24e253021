/**
 * Attacks on the lawyer's workspace (issue 14, items 2 and 3):
 * - a member of another firm replays ids of this firm's clients, contacts, matters, tasks
 *   and deadlines in every new route: 404 NOT_FOUND, never 403, never data;
 * - a lawyer walled out of a matter reads its notes, tasks, deadlines and parties, through the
 *   matter's routes, the task list, the calendar and the iCalendar feed: nothing;
 * - a revoked or replaced feed URL keeps working: it must not;
 * - someone reading the server's log collects feed tokens from request paths: they must not.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLog } from '../../test/helpers/memory-log.ts';
import {
  bearer,
  createMember,
  login,
  signedInMember,
  startTestApp,
  type TestApp,
} from '../../test/helpers/test-app.ts';
import { createScratchDatabase, testDatabaseKind } from '../../test/helpers/test-db.ts';
import { boot, type Runtime } from '../boot.ts';
import { loadConfig } from '../platform/config.ts';
import { loggerOptions } from '../platform/logger.ts';

type Member = Awaited<ReturnType<typeof signedInMember>>;
type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

describe('workspace routes across organizations and ethical walls', () => {
  let t: TestApp;
  let admin: Member;
  let inside: { userId: string; headers: Record<string, string> };
  let outside: { userId: string; headers: Record<string, string> };
  let stranger: Member;
  const ids: Record<string, string> = {};
  const CANARY = 'Canary Privileged Widget';

  const call = (who: { headers: Record<string, string> }, method: Method, url: string, payload?: object) =>
    t.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    t = await startTestApp();
    admin = await signedInMember(t, { role: 'org_admin' });
    const colleague = async () => {
      const m = await createMember(t, { role: 'lawyer', orgId: admin.orgId });
      return { userId: m.userId, headers: bearer((await login(t, m.email)).accessToken) };
    };
    inside = await colleague();
    outside = await colleague();
    stranger = await signedInMember(t, { role: 'lawyer' });

    const json = async (method: Method, url: string, payload?: object) => {
      const res = await call(admin, method, url, payload);
      expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
      return res.json() as { id: string };
    };
    ids.client = (await json('POST', '/api/v1/clients', { kind: 'company', name: `${CANARY} Ltd` })).id;
    ids.contact = (await json('POST', `/api/v1/clients/${ids.client}/contacts`, { name: `${CANARY} Contact` })).id;
    ids.matter = (await json('POST', '/api/v1/matters', { title: 'Walled matter' })).id;
    await json('POST', `/api/v1/matters/${ids.matter}/parties`, { name: `${CANARY} Opponent`, role: 'opposing party' });
    await json('POST', `/api/v1/matters/${ids.matter}/notes`, { body: `${CANARY} note` });
    ids.task = (
      await json('POST', `/api/v1/matters/${ids.matter}/tasks`, {
        title: `${CANARY} task`,
        assigneeId: outside.userId,
        dueAt: new Date(Date.now() + 86_400_000).toISOString(),
      })
    ).id;
    ids.deadline = (
      await json('POST', `/api/v1/matters/${ids.matter}/deadlines`, {
        title: `${CANARY} deadline`,
        dueAt: new Date(Date.now() + 2 * 86_400_000).toISOString(),
      })
    ).id;
    const wall = await call(admin, 'PUT' as Method, `/api/v1/matters/${ids.matter}/wall`, {
      memberIds: [admin.userId, inside.userId],
    });
    expect(wall.statusCode, wall.body).toBe(200);
  });
  afterAll(async () => t?.close());

  /** Every new route that takes an id, with a harmless body. */
  const idRoutes = (): Array<[Method, string, object?]> => [
    ['GET', `/api/v1/clients/${ids.client}`],
    ['PATCH', `/api/v1/clients/${ids.client}`, { name: 'Stolen' }],
    ['POST', `/api/v1/clients/${ids.client}/contacts`, { name: 'Mallory' }],
    ['DELETE', `/api/v1/clients/${ids.client}/contacts/${ids.contact}`],
    ['GET', `/api/v1/matters/${ids.matter}/parties`],
    ['POST', `/api/v1/matters/${ids.matter}/parties`, { name: 'Mallory', role: 'client' }],
    ['GET', `/api/v1/matters/${ids.matter}/notes`],
    ['POST', `/api/v1/matters/${ids.matter}/notes`, { body: 'planted' }],
    ['GET', `/api/v1/matters/${ids.matter}/tasks`],
    ['POST', `/api/v1/matters/${ids.matter}/tasks`, { title: 'planted' }],
    ['PATCH', `/api/v1/tasks/${ids.task}`, { done: true }],
    ['GET', `/api/v1/matters/${ids.matter}/deadlines`],
    ['POST', `/api/v1/matters/${ids.matter}/deadlines`, { title: 'planted', dueAt: new Date().toISOString() }],
    ['POST', '/api/v1/conflict-check', { names: ['Anyone'], matterId: ids.matter }],
  ];

  it("should answer 404 NOT_FOUND to another organization's ids in every new route, with no data", async () => {
    for (const [method, url, payload] of idRoutes()) {
      const res = await call(stranger, method, url, payload);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.json().code).toBe('NOT_FOUND');
      expect(res.body).not.toContain('Canary');
    }
    const lists = [
      '/api/v1/clients',
      '/api/v1/clients?q=canary',
      '/api/v1/tasks',
      `/api/v1/calendar?from=${new Date(Date.now() - 86_400_000).toISOString()}&to=${new Date(Date.now() + 30 * 86_400_000).toISOString()}`,
    ];
    for (const url of lists) {
      const res = await call(stranger, 'GET', url);
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).not.toContain('Canary');
    }
    const check = await call(stranger, 'POST', '/api/v1/conflict-check', { names: [`${CANARY} Ltd`] });
    expect(check.json().hits).toEqual([]);
  });

  it("should hide a walled matter's notes, tasks, deadlines and parties from a lawyer outside the wall", async () => {
    // Clients are the firm's, not the matter's: the client record stays readable.
    for (const [method, url, payload] of idRoutes().filter(
      ([, u]) => !u.includes('/clients/') && !u.includes('conflict'),
    )) {
      const res = await call(outside, method, url, payload);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.body).not.toContain('Canary');
    }
    // Even the task assigned to them, and the calendar.
    expect((await call(outside, 'GET', '/api/v1/tasks?assignee=me')).json().tasks).toEqual([]);
    const from = new Date(Date.now() - 86_400_000).toISOString();
    const to = new Date(Date.now() + 30 * 86_400_000).toISOString();
    expect((await call(outside, 'GET', `/api/v1/calendar?from=${from}&to=${to}`)).json().events).toEqual([]);
    // The client's matter list leaves the walled matter out.
    expect((await call(outside, 'GET', `/api/v1/clients/${ids.client}`)).json().matters).toEqual([]);

    // Inside the wall, all of it is there.
    expect((await call(inside, 'GET', `/api/v1/matters/${ids.matter}/notes`)).json().notes).toHaveLength(1);
    expect((await call(inside, 'GET', `/api/v1/calendar?from=${from}&to=${to}`)).json().events).toHaveLength(1);
  });

  it('should still find a walled party in a conflict check, without naming the matter to the walled-out lawyer', async () => {
    const out = (await call(outside, 'POST', '/api/v1/conflict-check', { names: [`${CANARY} Opponent`] })).json();
    expect(out.hits.filter((h: { kind: string }) => h.kind === 'party')).toEqual([
      expect.objectContaining({ kind: 'party', score: 1, matterId: null }),
    ]);
    const inn = (await call(inside, 'POST', '/api/v1/conflict-check', { names: [`${CANARY} Opponent`] })).json();
    expect(inn.hits.filter((h: { kind: string }) => h.kind === 'party')).toEqual([
      expect.objectContaining({ kind: 'party', score: 1, matterId: ids.matter }),
    ]);
  });

  it("should keep a walled matter out of the walled-out lawyer's iCalendar feed, and end a revoked feed", async () => {
    const outFeed = new URL((await call(outside, 'POST', '/api/v1/calendar/feed')).json().url as string);
    const body = (await t.inject({ method: 'GET', url: outFeed.pathname })).body;
    expect(body).toContain('BEGIN:VCALENDAR');
    expect(body).not.toContain('Canary');
    const inFeed = new URL((await call(inside, 'POST', '/api/v1/calendar/feed')).json().url as string);
    expect((await t.inject({ method: 'GET', url: inFeed.pathname })).body).toContain(`${CANARY} deadline`);

    expect((await call(inside, 'DELETE', '/api/v1/calendar/feed')).statusCode).toBe(204);
    const revoked = await t.inject({ method: 'GET', url: inFeed.pathname });
    expect(revoked.statusCode).toBe(404);
    expect(revoked.body).not.toContain('Canary');
    // Another member's feed is theirs alone: revoking one leaves the other.
    expect((await t.inject({ method: 'GET', url: outFeed.pathname })).statusCode).toBe(200);
    // A guessed token of the right shape finds nothing.
    const guess = await t.inject({ method: 'GET', url: `/api/v1/calendar/feed/${'A'.repeat(43)}` });
    expect(guess.statusCode).toBe(404);
  });
});

describe('the iCalendar feed token in the request log', () => {
  const mem = memoryLog();
  let runtime: Runtime;
  let dataDir: string;
  let drop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chambers-feedlog-'));
    const scratch = testDatabaseKind() === 'postgres' ? await createScratchDatabase() : null;
    drop = scratch?.drop;
    const config = loadConfig({
      CHAMBERS_DATA_DIR: dataDir,
      LOG_LEVEL: 'trace',
      ...(scratch ? { DATABASE_URL: scratch.url } : {}),
    });
    runtime = await boot(config, {
      logger: pino(loggerOptions('trace'), mem.stream),
      ...(scratch ? {} : { pglite: { inMemory: true as const } }),
    });
  });
  afterAll(async () => {
    await runtime?.close();
    await drop?.();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('should never write a live feed token to the log, at the most talkative level', async () => {
    const t = {
      app: runtime.app,
      ctx: runtime.ctx,
      inject: (o: object) => runtime.app.inject(o),
    } as unknown as TestApp;
    const lawyer = await signedInMember(t, { role: 'lawyer' });
    const created = await runtime.app.inject({ method: 'POST', url: '/api/v1/calendar/feed', headers: lawyer.headers });
    expect(created.statusCode, created.body).toBe(200);
    const url = new URL(created.json().url as string);
    const token = url.pathname.split('/').at(-1)!;
    const res = await runtime.app.inject({ method: 'GET', url: url.pathname });
    expect(res.statusCode).toBe(200);
    expect(mem.text()).toContain('/api/v1/calendar/feed/[redacted]');
    expect(mem.text()).not.toContain(token);
  });
});
