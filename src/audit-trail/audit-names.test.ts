import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInMember, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { unsafeWithOwner } from '../platform/db/index.ts';
import { csvCell } from './audit-csv.service.ts';

type Member = Awaited<ReturnType<typeof signedInMember>>;
type Named = {
  action: string;
  actorId: string | null;
  actorName: string | null;
  target: string | null;
  targetLabel: string | null;
};

describe('the audit trail for people: names, filters and CSV', () => {
  let t: TestApp;
  let admin: Member;
  let lawyer: Member;
  let matterId: string;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await signedInMember(t, { role: 'org_admin' });
    lawyer = await signedInMember(t, { role: 'lawyer', orgId: admin.orgId });
    await unsafeWithOwner(t.ctx.db, (tx) =>
      sql`UPDATE chambers.users SET name = 'Anna Avocat' WHERE id = ${lawyer.userId}`.execute(tx),
    );
    const matter = await t.inject({
      method: 'POST',
      url: '/api/v1/matters',
      headers: lawyer.headers,
      payload: { title: '=HYPERLINK("http://evil") Müller' },
    });
    matterId = matter.json().id;
    await t.inject({ method: 'GET', url: `/api/v1/matters/${matterId}`, headers: lawyer.headers });
    await t.inject({ method: 'GET', url: '/api/v1/matters', headers: admin.headers });
  });
  afterAll(async () => t?.close());

  const list = async (query: string): Promise<Named[]> => {
    const res = await t.inject({ method: 'GET', url: `/api/v1/audit/events?${query}`, headers: admin.headers });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().events;
  };

  it('should name the actor and the target beside their ids', async () => {
    const events = await list(`actor=${lawyer.userId}&action=matter.*`);
    expect(events.map((e) => e.action)).toEqual(['matter.view', 'matter.create']);
    for (const e of events)
      expect(e).toMatchObject({
        actorId: lawyer.userId,
        actorName: 'Anna Avocat',
        target: matterId,
        targetLabel: '=HYPERLINK("http://evil") Müller',
      });
  });

  it('should filter by matter and by date range', async () => {
    expect((await list(`matter=${matterId}`)).map((e) => e.action)).toEqual(['matter.view', 'matter.create']);
    const future = new Date(Date.now() + 86_400_000).toISOString();
    expect(await list(`from=${encodeURIComponent(future)}`)).toEqual([]);
    const past = new Date(Date.now() - 86_400_000).toISOString();
    expect((await list(`from=${encodeURIComponent(past)}&matter=${matterId}`)).length).toBe(2);
  });

  it('should export a CSV with names, formulas neutralized, and record the export', async () => {
    const res = await t.inject({
      method: 'GET',
      url: `/api/v1/audit/events.csv?matter=${matterId}`,
      headers: admin.headers,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="chambers-audit.csv"/);
    const lines = res.body.trim().split('\r\n');
    expect(lines[0]).toBe(
      'Sequence,Time (UTC),Who,Who (id),Action,What,What (id),Outcome,IP address,User agent,Request id',
    );
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(
      `Anna Avocat,${lawyer.userId},matter.view,"'=HYPERLINK(""http://evil"") Müller",${matterId}`,
    );
    const recorded = await list('action=audit.export_csv');
    expect(recorded[0]).toMatchObject({ actorId: admin.userId, actorName: 'Test User' });
    const byLawyer = await t.inject({ method: 'GET', url: '/api/v1/audit/events.csv', headers: lawyer.headers });
    expect(byLawyer.statusCode).toBe(403);
  });

  it('should show the pseudonym of an erased person, and no walled matter title to an admin outside the wall', async () => {
    const walledBy = await signedInMember(t, { role: 'org_admin', orgId: admin.orgId });
    const secret = await t.inject({
      method: 'POST',
      url: '/api/v1/matters',
      headers: walledBy.headers,
      payload: { title: 'Secret merger' },
    });
    await t.inject({
      method: 'PUT',
      url: `/api/v1/matters/${secret.json().id}/wall`,
      headers: walledBy.headers,
      payload: { memberIds: [walledBy.userId] },
    });
    const walled = (await list(`actor=${walledBy.userId}&action=matter.create`))[0];
    expect(walled).toMatchObject({ target: secret.json().id, targetLabel: null });

    const erased = await t.inject({
      method: 'DELETE',
      url: '/api/v1/me',
      headers: lawyer.headers,
      payload: { password: lawyer.password, confirmation: 'DELETE MY ACCOUNT' },
    });
    expect(erased.statusCode, erased.body).toBe(202);
    const after = await list(`actor=${lawyer.userId}&action=matter.create`);
    expect(after[0]?.actorName).toBe(`Former member ${lawyer.userId.slice(0, 8)}`);
    expect(JSON.stringify(after)).not.toContain('Anna Avocat');
  });

  it('should write CSV cells safely', () => {
    expect(csvCell('+1 555')).toBe("'+1 555");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(-3)).toBe('-3');
  });
});
