import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInMember, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { unsafeWithOwner } from '../platform/db/index.ts';

type Member = Awaited<ReturnType<typeof signedInMember>>;

describe('a matter through its lifecycle', () => {
  let t: TestApp;
  let lawyer: Member;
  beforeAll(async () => {
    t = await startTestApp();
    lawyer = await signedInMember(t, { role: 'lawyer' });
  });
  afterAll(async () => t?.close());

  const open = async (who: Member, payload: Record<string, unknown>) =>
    t.inject({ method: 'POST', url: '/api/v1/matters', headers: who.headers, payload });
  const patch = async (who: Member, id: string, payload: Record<string, unknown>) =>
    t.inject({ method: 'PATCH', url: `/api/v1/matters/${id}`, headers: who.headers, payload });
  const post = async (who: Member, url: string) => t.inject({ method: 'POST', url, headers: who.headers });

  it('should edit type, practice area, responsible lawyer and team, then close and reopen', async () => {
    const colleague = await signedInMember(t, { role: 'lawyer', orgId: lawyer.orgId });
    const created = await open(lawyer, { title: 'Lease dispute', reference: 'L-1', matterType: 'Litigation' });
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    expect(created.json()).toMatchObject({ status: 'open', matterType: 'Litigation', teamIds: [], closedAt: null });

    const edited = await patch(lawyer, id, {
      title: 'Lease dispute (appeal)',
      practiceArea: 'Real estate',
      responsibleUserId: lawyer.userId,
      teamIds: [colleague.userId],
    });
    expect(edited.statusCode).toBe(200);
    expect(edited.json()).toMatchObject({
      title: 'Lease dispute (appeal)',
      practiceArea: 'Real estate',
      responsibleUserId: lawyer.userId,
      teamIds: [colleague.userId],
    });

    const closed = await post(lawyer, `/api/v1/matters/${id}/close`);
    expect(closed.statusCode).toBe(200);
    expect(closed.json().status).toBe('closed');
    expect(closed.json().closedAt).toEqual(expect.any(String));
    const listed = await t.inject({ method: 'GET', url: '/api/v1/matters?status=closed', headers: lawyer.headers });
    expect(listed.json().matters.map((m: { id: string }) => m.id)).toEqual([id]);
    // The list reads the team in the same statement as the matters: it must match the matter's own view.
    expect(listed.json().matters[0]).toMatchObject({ teamIds: [colleague.userId] });

    const reopened = await post(lawyer, `/api/v1/matters/${id}/reopen`);
    expect(reopened.json()).toMatchObject({ status: 'open', closedAt: null });

    const archived = await post(lawyer, `/api/v1/matters/${id}/archive`);
    expect(archived.json().status).toBe('archived');

    const { rows } = await unsafeWithOwner(t.ctx.db, (tx) =>
      sql<{ action: string }>`SELECT action FROM audit.events WHERE target = ${id} ORDER BY id`.execute(tx),
    );
    expect(rows.map((r) => r.action)).toEqual([
      'matter.create',
      'matter.update',
      'matter.close',
      'matter.reopen',
      'matter.archive',
    ]);
  });

  it('should refuse a reference already used in the organization with 409 REFERENCE_TAKEN', async () => {
    expect((await open(lawyer, { title: 'First', reference: 'REF-7' })).statusCode).toBe(201);
    const again = await open(lawyer, { title: 'Second', reference: 'ref-7' });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('REFERENCE_TAKEN');

    const other = (await open(lawyer, { title: 'Third', reference: 'REF-8' })).json().id as string;
    const renamed = await patch(lawyer, other, { reference: 'REF-7' });
    expect(renamed.statusCode).toBe(409);
    expect(renamed.json().code).toBe('REFERENCE_TAKEN');

    // Another firm may use the same reference.
    const elsewhere = await signedInMember(t, { role: 'lawyer' });
    expect((await open(elsewhere, { title: 'Theirs', reference: 'REF-7' })).statusCode).toBe(201);
  });

  it('should count a walled matter’s reference without revealing the matter', async () => {
    const admin = await signedInMember(t, { role: 'org_admin' });
    const outsider = await signedInMember(t, { role: 'lawyer', orgId: admin.orgId });
    const walled = (await open(admin, { title: 'Secret merger', reference: 'W-1' })).json().id as string;
    const wall = await t.inject({
      method: 'PUT',
      url: `/api/v1/matters/${walled}/wall`,
      headers: admin.headers,
      payload: { memberIds: [admin.userId] },
    });
    expect(wall.statusCode).toBe(200);
    const taken = await open(outsider, { title: 'Mine', reference: 'W-1' });
    expect(taken.statusCode).toBe(409);
    expect(taken.body).not.toContain('Secret merger');
  });

  it('should refuse a responsible lawyer, team member or client of another organization', async () => {
    const stranger = await signedInMember(t, { role: 'lawyer' });
    const id = (await open(lawyer, { title: 'Mine' })).json().id as string;
    const person = await patch(lawyer, id, { responsibleUserId: stranger.userId });
    expect(person.statusCode).toBe(422);
    expect(person.json().code).toBe('MATTER_PERSON_UNKNOWN');
    const team = await patch(lawyer, id, { teamIds: [stranger.userId] });
    expect(team.json().code).toBe('MATTER_PERSON_UNKNOWN');
    const client = await t.inject({
      method: 'POST',
      url: '/api/v1/clients',
      headers: stranger.headers,
      payload: { kind: 'company', name: 'Their Client GmbH' },
    });
    expect(client.statusCode).toBe(201);
    const foreign = await patch(lawyer, id, { clientId: client.json().id });
    expect(foreign.statusCode).toBe(422);
    expect(foreign.json().code).toBe('MATTER_CLIENT_UNKNOWN');
  });

  it('should name the client chosen by id on the matter', async () => {
    const client = await t.inject({
      method: 'POST',
      url: '/api/v1/clients',
      headers: lawyer.headers,
      payload: { kind: 'person', name: 'Jürgen Müller' },
    });
    const id = (await open(lawyer, { title: 'Estate', clientId: client.json().id })).json();
    expect(id).toMatchObject({ clientId: client.json().id, clientName: 'Jürgen Müller' });
  });

  it('should let a reviewer read but not close, and answer 404 for another firm', async () => {
    const reviewer = await signedInMember(t, { role: 'reviewer', orgId: lawyer.orgId });
    const id = (await open(lawyer, { title: 'Read only' })).json().id as string;
    expect((await post(reviewer, `/api/v1/matters/${id}/close`)).statusCode).toBe(403);
    const stranger = await signedInMember(t, { role: 'lawyer' });
    const res = await post(stranger, `/api/v1/matters/${id}/close`);
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('NOT_FOUND');
  });
});
