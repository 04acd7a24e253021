import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInMember, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { unsafeWithOwner } from '../platform/db/index.ts';

type Member = Awaited<ReturnType<typeof signedInMember>>;

describe('clients, parties and the conflict check over HTTP', () => {
  let t: TestApp;
  let lawyer: Member;
  beforeAll(async () => {
    t = await startTestApp();
    lawyer = await signedInMember(t, { role: 'lawyer' });
  });
  afterAll(async () => t?.close());

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object, who = lawyer) =>
    t.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });

  it('should create, find (accent- and case-insensitively), read and update a client with contacts', async () => {
    const created = await call('POST', '/api/v1/clients', {
      kind: 'company',
      name: 'Müller Bau GmbH',
      email: 'office@mueller-bau.example',
      phone: '+49 30 1234567',
      address: 'Hauptstraße 1, Berlin',
    });
    expect(created.statusCode, created.body).toBe(201);
    const client = created.json();
    expect(client).toMatchObject({ kind: 'company', name: 'Müller Bau GmbH', status: 'active' });

    for (const q of ['muller', 'MULLER bau', 'Müller']) {
      const found = await call('GET', `/api/v1/clients?q=${encodeURIComponent(q)}`);
      expect(
        found.json().clients.map((c: { id: string }) => c.id),
        q,
      ).toEqual([client.id]);
    }
    expect((await call('GET', '/api/v1/clients?q=schmidt')).json().clients).toEqual([]);

    const contact = await call('POST', `/api/v1/clients/${client.id}/contacts`, {
      name: 'Anna Weiß',
      role: 'General counsel',
      email: 'anna@mueller-bau.example',
    });
    expect(contact.statusCode, contact.body).toBe(201);

    const updated = await call('PATCH', `/api/v1/clients/${client.id}`, { status: 'former', phone: null });
    expect(updated.statusCode, updated.body).toBe(200);
    expect(updated.json()).toMatchObject({ status: 'former', phone: null });

    const detail = (await call('GET', `/api/v1/clients/${client.id}`)).json();
    expect(detail.contacts).toEqual([expect.objectContaining({ name: 'Anna Weiß', role: 'General counsel' })]);

    const removed = await call('DELETE', `/api/v1/clients/${client.id}/contacts/${contact.json().id}`);
    expect(removed.statusCode).toBe(204);
    expect((await call('GET', `/api/v1/clients/${client.id}`)).json().contacts).toEqual([]);
  });

  it('should list the matters a client is party to', async () => {
    const client = (await call('POST', '/api/v1/clients', { kind: 'person', name: 'Jane Doe' })).json();
    const matter = (await call('POST', '/api/v1/matters', { title: 'Doe v Roe' })).json();
    const party = await call('POST', `/api/v1/matters/${matter.id}/parties`, {
      name: 'Jane Doe',
      role: 'client',
      clientId: client.id,
    });
    expect(party.statusCode, party.body).toBe(201);
    await call('POST', `/api/v1/matters/${matter.id}/parties`, { name: 'Richard Roe', role: 'opposing party' });
    const parties = (await call('GET', `/api/v1/matters/${matter.id}/parties`)).json().parties;
    expect(parties.map((p: { name: string }) => p.name)).toEqual(['Jane Doe', 'Richard Roe']);
    const detail = (await call('GET', `/api/v1/clients/${client.id}`)).json();
    expect(detail.matters).toEqual([{ matterId: matter.id, title: 'Doe v Roe', role: 'client' }]);

    const unknown = await call('POST', `/api/v1/matters/${matter.id}/parties`, {
      name: 'X',
      role: 'client',
      clientId: '00000000-0000-4000-8000-000000000000',
    });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().code).toBe('CLIENT_UNKNOWN');
  });

  it('should find clients, former clients and parties, with near matches scored below 1, and audit the check', async () => {
    const firm = await signedInMember(t, { role: 'lawyer' });
    const client = (
      await call('POST', '/api/v1/clients', { kind: 'company', name: 'Zoë Kowalczyk Holdings' }, firm)
    ).json();
    await call('PATCH', `/api/v1/clients/${client.id}`, { status: 'former' }, firm);
    const matter = (await call('POST', '/api/v1/matters', { title: 'Old dispute' }, firm)).json();
    await call(
      'POST',
      `/api/v1/matters/${matter.id}/parties`,
      { name: 'Björn Lindqvist', role: 'opposing party' },
      firm,
    );

    const res = await call(
      'POST',
      '/api/v1/conflict-check',
      { names: ['zoe kowalczyk holdings', 'Bjorn Lindquist', 'Nobody Atall'] },
      firm,
    );
    expect(res.statusCode, res.body).toBe(200);
    const hits = res.json().hits as Array<Record<string, unknown>>;
    expect(hits).toEqual([
      {
        name: 'zoe kowalczyk holdings',
        matchedName: 'Zoë Kowalczyk Holdings',
        kind: 'client',
        matterId: null,
        clientId: client.id,
        score: 1,
        former: true,
      },
      {
        name: 'Bjorn Lindquist',
        matchedName: 'Björn Lindqvist',
        kind: 'party',
        matterId: matter.id,
        clientId: null,
        score: 0.9,
        former: false,
      },
    ]);
    // Another firm's names are never candidates.
    const elsewhere = await call('POST', '/api/v1/conflict-check', { names: ['Björn Lindqvist'] });
    expect(elsewhere.json().hits).toEqual([]);

    const { rows } = await unsafeWithOwner(t.ctx.db, (tx) =>
      sql<{ details: Record<string, unknown> }>`
        SELECT details FROM audit.events WHERE actor_id = ${firm.userId} AND action = 'conflict.check'`.execute(tx),
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.details).toMatchObject({ names: 3, hits: 2, exactHits: 1, queryHash: expect.any(String) });
    expect(JSON.stringify(rows[0]!.details)).not.toMatch(/lindq|kowal/i);
  });

  it('should reject bad input with a 4xx and a stable code, never 500', async () => {
    const cases: Array<[string, string, object]> = [
      ['POST', '/api/v1/clients', { kind: 'robot', name: 'X' }],
      ['POST', '/api/v1/clients', { kind: 'person', name: '' }],
      ['POST', '/api/v1/clients', { kind: 'person', name: 'X', email: 'not-an-email' }],
      ['POST', '/api/v1/clients', { kind: 'person', name: 'X', phone: '<script>' }],
      ['PATCH', '/api/v1/clients/00000000-0000-4000-8000-000000000000', {}],
      ['POST', '/api/v1/conflict-check', { names: [] }],
      ['POST', '/api/v1/conflict-check', { names: ['a'], extra: 1 }],
    ];
    for (const [method, url, payload] of cases) {
      const res = await call(method as 'POST', url, payload);
      expect(res.statusCode, `${method} ${url} ${JSON.stringify(payload)}`).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
    }
    expect((await call('GET', '/api/v1/clients/not-a-uuid')).statusCode).toBe(400);
  });

  it('should let a reviewer read but not write', async () => {
    const reviewer = await signedInMember(t, { role: 'reviewer' });
    expect((await call('GET', '/api/v1/clients', undefined, reviewer)).statusCode).toBe(200);
    const res = await call('POST', '/api/v1/clients', { kind: 'person', name: 'X' }, reviewer);
    expect(res.statusCode).toBe(403);
  });
});
