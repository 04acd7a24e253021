/**
 * Attack (review finding 13): an insider browses the firm's matters and searches for a
 * client's name, and nothing in the audit log says so; or the log says too much, and
 * whoever reads it (an auditor, the SIEM, a leaked export) learns what was searched.
 * Matter create / view / update / archive are events; every route of the route table
 * that takes a free-text query is an event carrying the query's length and a keyed hash,
 * and the query text appears nowhere in the audit tables. The walk covers routes added
 * later: a new search route without its event fails here.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInMember, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { searchQueryDetails } from '../audit/index.ts';
import { routeTableOf, type RouteAccess } from '../access/index.ts';
import { unsafeWithOwner } from '../platform/db/index.ts';

type Member = Awaited<ReturnType<typeof signedInMember>>;
type Guarded = Exclude<RouteAccess, { public: true }>;

/** Query parameters that carry words a person typed. */
const FREE_TEXT = /^(q|query|search|term|terms|keywords?|text)$/i;

/** The OpenAPI document, as far as this test reads it: each operation's query parameters. */
type OpenApi = { paths: Record<string, Record<string, { parameters?: Array<{ in: string; name: string }> }>> };

describe('matters and free-text searches in the audit log', () => {
  let t: TestApp;
  let lawyerAdmin: Member;
  let judge: Member;
  let matterId: string;
  const canaries: string[] = [];
  const canary = (label: string) => {
    const c = `canary-${label}-${Math.random().toString(36).slice(2, 12)}`;
    canaries.push(c);
    return c;
  };

  beforeAll(async () => {
    t = await startTestApp();
    lawyerAdmin = await signedInMember(t, { role: 'org_admin', superAdmin: true, orgName: 'Canary & Co' });
    judge = await signedInMember(t, { role: 'judge', kind: 'court', orgName: 'Canary Court' });
  });
  afterAll(async () => t?.close());

  const eventsOf = async (actorId: string, target: string) =>
    (
      await unsafeWithOwner(t.ctx.db, (tx) =>
        sql<{
          action: string;
          details: Record<string, unknown>;
        }>`SELECT action, details FROM audit.events WHERE actor_id = ${actorId} AND target = ${target} ORDER BY id`.execute(
          tx,
        ),
      )
    ).rows;

  /** Every row of every audit table, as text, that contains the needle (case-insensitive). */
  const auditRowsContaining = async (needle: string): Promise<string[]> =>
    unsafeWithOwner(t.ctx.db, async (tx) => {
      const tables = (
        await sql<{ name: string }>`
          SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) AS name
            FROM information_schema.tables WHERE table_schema = 'audit' AND table_type = 'BASE TABLE'`.execute(tx)
      ).rows.map((r) => r.name);
      expect(tables).toContain('audit.events');
      const hits: string[] = [];
      for (const name of tables) {
        const { rows } = await sql<{ n: number }>`
          SELECT count(*)::int AS n FROM ${sql.raw(name)} AS r WHERE r::text ILIKE ${`%${needle}%`}`.execute(tx);
        if (rows[0]!.n > 0) hits.push(`${name}: ${rows[0]!.n} row(s)`);
      }
      return hits;
    });

  it('should record matter.create, matter.view, matter.update, matter.archive and matter.unarchive, without titles', async () => {
    const title = canary('title');
    const created = await t.inject({
      method: 'POST',
      url: '/api/v1/matters',
      headers: lawyerAdmin.headers,
      payload: { title, clientName: canary('client') },
    });
    expect(created.statusCode, created.body).toBe(201);
    matterId = (created.json() as { id: string }).id;
    const call = async (method: 'GET' | 'PATCH' | 'POST', url: string, payload?: object) => {
      const res = await t.inject({ method, url, headers: lawyerAdmin.headers, ...(payload ? { payload } : {}) });
      expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(200);
    };
    await call('GET', `/api/v1/matters/${matterId}`);
    await call('PATCH', `/api/v1/matters/${matterId}`, { title: canary('renamed'), reference: 'R-1' });
    await call('POST', `/api/v1/matters/${matterId}/archive`);
    await call('POST', `/api/v1/matters/${matterId}/unarchive`);

    const events = await eventsOf(lawyerAdmin.userId, matterId);
    expect(events.map((e) => e.action)).toEqual([
      'matter.create',
      'matter.view',
      'matter.update',
      'matter.archive',
      'matter.unarchive',
    ]);
    // Which fields changed, never to what.
    expect(events[2]!.details).toEqual({ fields: 'reference,title' });
  });

  it('should not record a view of a matter the caller cannot see (another organization: 404, nothing read)', async () => {
    const other = await signedInMember(t, { role: 'lawyer', orgName: 'Elsewhere LLP' });
    const res = await t.inject({ method: 'GET', url: `/api/v1/matters/${matterId}`, headers: other.headers });
    expect(res.statusCode).toBe(404);
    expect(await eventsOf(other.userId, matterId)).toEqual([]);
  });

  it('should record every free-text search in the route table as its length and keyed hash, never its text', async () => {
    const doc = t.app.swagger() as unknown as OpenApi;
    const searchRoutes = routeTableOf(t.app).flatMap((r) => {
      if (r.access.public || r.method !== 'GET') return [];
      const op = doc.paths[r.url.replace(/:([A-Za-z]+)/g, '{$1}')]?.[r.method.toLowerCase()];
      const param = op?.parameters?.find((p) => p.in === 'query' && FREE_TEXT.test(p.name));
      return param ? [{ ...r, access: r.access as Guarded, param: param.name }] : [];
    });
    expect(searchRoutes.map((r) => `${r.method} ${r.url}`)).toEqual(
      expect.arrayContaining(['GET /api/v1/matters', 'GET /api/v1/documents']),
    );

    // Path parameters a search route may need, by name: a new one that answers 404 here needs its fixture.
    const pathValues: Record<string, string> = { id: matterId, matterId };
    for (const route of searchRoutes) {
      const caller = route.access.portal === 'judge' ? judge : lawyerAdmin;
      const text = canary('search');
      const url = route.url.replace(/:([A-Za-z]+)/g, (_, name: string) => pathValues[name] ?? name);
      const res = await t.inject({
        method: 'GET',
        url,
        query: { [route.param]: text },
        headers: caller.headers,
      });
      const label = `GET ${route.url}?${route.param}=`;
      expect(res.statusCode, `${label}: ${res.body}`).toBe(200);
      const expected = searchQueryDetails(t.ctx.keys.masterKey, caller.orgId, text);
      const { rows } = await unsafeWithOwner(t.ctx.db, (tx) =>
        sql<{ action: string; org_id: string; details: Record<string, unknown> }>`
          SELECT action, org_id, details FROM audit.events
           WHERE actor_id = ${caller.userId} AND details->>'queryHash' = ${expected.queryHash}`.execute(tx),
      );
      expect(rows, `${label} recorded once`).toHaveLength(1);
      expect(rows[0]!.action, label).toMatch(/\.search$/);
      expect(rows[0]!.org_id).toBe(caller.orgId);
      expect(rows[0]!.details).toMatchObject({
        queryLength: text.length,
        queryHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
    }

    // The same words in another organization hash differently: one firm's searches are not matched to another's.
    expect(searchQueryDetails(t.ctx.keys.masterKey, judge.orgId, 'acme').queryHash).not.toBe(
      searchQueryDetails(t.ctx.keys.masterKey, lawyerAdmin.orgId, 'acme').queryHash,
    );
  });

  it('should keep every canary (titles, client names, queries) out of every audit table', async () => {
    expect(canaries.length).toBeGreaterThanOrEqual(4);
    for (const c of canaries) expect(await auditRowsContaining(c), c).toEqual([]);
    // And the probe works: what the log does hold is found.
    expect(await auditRowsContaining('matter.search')).not.toEqual([]);
  });
});
