import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInMember, startTestApp, TEST_PASSWORD, type TestApp } from '../../test/helpers/test-app.ts';
import { unsafeWithOwner } from '../platform/db/index.ts';

type Member = Awaited<ReturnType<typeof signedInMember>>;
type Hit = { clientId: string | null; matterId: string | null; matchedName: string; kind: string };

/** Data-subject requests for clients (GDPR Art. 15 and 17), made by the firm on the person's behalf. */
describe("a client's personal data: export and erasure", () => {
  let t: TestApp;
  let admin: Member;
  let lawyer: Member;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await signedInMember(t, { role: 'org_admin' });
    lawyer = await signedInMember(t, { role: 'lawyer', orgId: admin.orgId });
  });
  afterAll(async () => t?.close());

  /** The stored audit events of one action about one target (the events API leaves details out). */
  const logged = async (action: string, target: string) =>
    (
      await unsafeWithOwner(t.ctx.db, (tx) =>
        sql<{ outcome: string; details: Record<string, unknown> }>`
          SELECT outcome, details FROM audit.events WHERE action = ${action} AND target = ${target} ORDER BY id`.execute(
          tx,
        ),
      )
    ).rows;
  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, who: Member, payload?: object) =>
    t.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });
  const created = async (method: 'POST', url: string, payload: object, who = lawyer) => {
    const res = await call(method, url, who, payload);
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string };
  };

  /** A person client with contact details, a contact, a matter as client of record, one as a party, and a namesake. */
  async function clientWithMatters(name: string) {
    const client = await created('POST', '/api/v1/clients', {
      kind: 'person',
      name,
      email: 'juergen@example.org',
      phone: '+49 30 555 0101',
      address: 'Lindenallee 3, Berlin',
    });
    await created('POST', `/api/v1/clients/${client.id}/contacts`, {
      name: 'Petra Vogel',
      role: 'daughter',
      email: 'petra@example.org',
    });
    const own = await created('POST', '/api/v1/matters', { title: 'Estate planning', clientId: client.id });
    const party = await created('POST', '/api/v1/matters', { title: 'Lease dispute', reference: `L-${client.id}` });
    await created('POST', `/api/v1/matters/${party.id}/parties`, { name, role: 'opposing party', clientId: client.id });
    const other = await created('POST', '/api/v1/matters', { title: 'Unrelated matter' });
    await created('POST', `/api/v1/matters/${other.id}/parties`, { name, role: 'witness' });
    return { client, own, party, other };
  }

  it('should export the client, contacts, matters and party rows as a JSON attachment, and audit it', async () => {
    const { client, own, party, other } = await clientWithMatters('Jürgen Müller');
    const res = await call('GET', `/api/v1/clients/${client.id}/personal-data`, lawyer);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="chambers-client-[0-9a-f]{8}-/);
    const body = res.json();
    expect(body).toMatchObject({
      format: 'chambers.client-personal-data/1',
      client: {
        id: client.id,
        name: 'Jürgen Müller',
        email: 'juergen@example.org',
        phone: '+49 30 555 0101',
        address: 'Lindenallee 3, Berlin',
      },
      contacts: [{ name: 'Petra Vogel', role: 'daughter', email: 'petra@example.org' }],
      withheldMatters: 0,
      // Only an org_admin reads what the audit log holds about the client.
      processing: null,
    });
    expect(body.matters).toEqual([
      expect.objectContaining({ matterId: own.id, title: 'Estate planning', clientOfRecord: true, partyRoles: [] }),
      expect.objectContaining({
        matterId: party.id,
        reference: `L-${client.id}`,
        clientOfRecord: false,
        partyRoles: ['opposing party'],
      }),
    ]);
    expect(body.parties).toEqual([
      expect.objectContaining({ matterId: party.id, name: 'Jürgen Müller', role: 'opposing party', linked: true }),
      expect.objectContaining({ matterId: other.id, name: 'Jürgen Müller', role: 'witness', linked: false }),
    ]);

    // The admin's export says how the record was processed: events by id, checks by the name's keyed hash.
    await call('POST', '/api/v1/conflict-check', lawyer, { names: ['Jürgen Müller'] });
    const full = (await call('GET', `/api/v1/clients/${client.id}/personal-data`, admin)).json();
    expect(full.processing.conflictChecksForName).toBe(1);
    expect(full.processing.events.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['client.create', 'client.contact_add', 'client.personal_data_export']),
    );

    const events = (await call('GET', `/api/v1/audit/events?action=client.personal_data_export`, admin)).json().events;
    expect(events).toEqual(
      expect.arrayContaining([expect.objectContaining({ actorId: lawyer.userId, target: client.id })]),
    );
    expect(JSON.stringify(events)).not.toContain('juergen@');
  });

  it('should erase: pseudonym on client, parties and matters; contacts gone; search and conflict check blind to the name', async () => {
    const { client, own, party, other } = await clientWithMatters('Zbigniew Quellenhof');
    const res = await call('POST', `/api/v1/clients/${client.id}/erase`, admin, { confirmation: 'ERASE' });
    expect(res.statusCode, res.body).toBe(200);
    const pseudonym = `Erased client ${client.id.slice(0, 8)}`;
    expect(res.json()).toEqual({
      status: 'erased',
      pseudonym,
      contactsRemoved: 1,
      partiesPseudonymized: 1,
      mattersPseudonymized: 1,
      review: { unlinkedParties: 1, matterTitles: 0 },
    });

    const after = (await call('GET', `/api/v1/clients/${client.id}`, lawyer)).json();
    expect(after).toMatchObject({ name: pseudonym, email: null, phone: null, address: null, contacts: [] });
    // The matters stay, under the pseudonym.
    expect(after.matters.map((m: { matterId: string }) => m.matterId)).toEqual([party.id]);
    const parties = (await call('GET', `/api/v1/matters/${party.id}/parties`, lawyer)).json().parties;
    expect(parties).toEqual([expect.objectContaining({ name: pseudonym, clientId: client.id })]);
    expect((await call('GET', `/api/v1/matters/${own.id}`, lawyer)).json()).toMatchObject({
      title: 'Estate planning',
      clientName: pseudonym,
      clientId: client.id,
    });

    for (const q of ['Quellenhof', 'zbigniew quellenhof']) {
      const search = await call('GET', `/api/v1/search?q=${encodeURIComponent(q)}`, lawyer);
      expect(search.statusCode, search.body).toBe(200);
      expect(search.json().results, q).toEqual([]);
      expect((await call('GET', `/api/v1/clients?q=${encodeURIComponent(q)}`, lawyer)).json().clients).toEqual([]);
    }
    // Only the party row that was never linked to the client still carries the name: the answer asked to review it.
    const hits = (await call('POST', '/api/v1/conflict-check', lawyer, { names: ['Zbigniew Quellenhof'] })).json()
      .hits as Hit[];
    expect(hits).toEqual([expect.objectContaining({ kind: 'party', matterId: other.id, clientId: null })]);
    expect((await call('GET', `/api/v1/search?q=${encodeURIComponent(pseudonym)}`, lawyer)).json().results).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'client', id: client.id })]),
    );

    // The audit trail names the client by its pseudonym now: labels are resolved when the log is read.
    const events = (await call('GET', `/api/v1/audit/events?action=client.*`, admin)).json().events as Array<{
      action: string;
      target: string;
      targetLabel: string | null;
    }>;
    const about = events.filter((e) => e.target === client.id);
    expect(about.map((e) => e.action)).toEqual(expect.arrayContaining(['client.create', 'client.erase']));
    for (const e of about) expect(e.targetLabel).toBe(pseudonym);
    expect(await logged('client.erase', client.id)).toEqual([
      { outcome: 'success', details: { contacts: 1, parties: 1, matters: 1 } },
    ]);
    expect(JSON.stringify(events)).not.toMatch(/quellenhof/i);

    // Erasing again changes nothing and still answers.
    const again = await call('POST', `/api/v1/clients/${client.id}/erase`, admin, { confirmation: 'ERASE' });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({ pseudonym, contactsRemoved: 0, mattersPseudonymized: 0 });
  });

  it('should refuse erasure with 409 CLIENT_LEGAL_HOLD while one of its matters is under legal hold', async () => {
    const { client, party } = await clientWithMatters('Hold Fastbinder');
    const hold = await call('PUT', `/api/v1/matters/${party.id}/legal-hold`, admin, { hold: true });
    expect(hold.statusCode, hold.body).toBe(200);
    const res = await call('POST', `/api/v1/clients/${client.id}/erase`, admin, { confirmation: 'ERASE' });
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json()).toMatchObject({ code: 'CLIENT_LEGAL_HOLD', heldMatters: 1 });
    expect((await call('GET', `/api/v1/clients/${client.id}`, lawyer)).json()).toMatchObject({
      name: 'Hold Fastbinder',
      email: 'juergen@example.org',
    });
    expect(await logged('client.erase', client.id)).toEqual([{ outcome: 'denied', details: { reason: 'legal_hold' } }]);

    await call('PUT', `/api/v1/matters/${party.id}/legal-hold`, admin, { hold: false });
    const erased = await call('POST', `/api/v1/clients/${client.id}/erase`, admin, { confirmation: 'ERASE' });
    expect(erased.statusCode, erased.body).toBe(200);
  });

  it('should let only an org_admin erase, only with the phrase, and answer 404 for another organization', async () => {
    const { client } = await clientWithMatters('Ottilie Rand');
    const byLawyer = await call('POST', `/api/v1/clients/${client.id}/erase`, lawyer, { confirmation: 'ERASE' });
    expect(byLawyer.statusCode).toBe(403);
    const noPhrase = await call('POST', `/api/v1/clients/${client.id}/erase`, admin, { confirmation: 'erase' });
    expect(noPhrase.statusCode).toBe(400);
    expect(noPhrase.json().code).toBe('VALIDATION_FAILED');

    const stranger = await signedInMember(t, { role: 'org_admin' });
    expect((await call('GET', `/api/v1/clients/${client.id}/personal-data`, stranger)).statusCode).toBe(404);
    const foreign = await call('POST', `/api/v1/clients/${client.id}/erase`, stranger, { confirmation: 'ERASE' });
    expect(foreign.statusCode).toBe(404);
    expect((await call('GET', `/api/v1/clients/${client.id}`, lawyer)).json()).toMatchObject({ name: 'Ottilie Rand' });
  });

  it('should leave a client record alone when a member with the same email erases their own account', async () => {
    const member = await signedInMember(t, { role: 'lawyer', orgId: admin.orgId, email: 'same.person@example.org' });
    const client = await created('POST', '/api/v1/clients', {
      kind: 'person',
      name: 'Same Person',
      email: 'same.person@example.org',
    });
    const res = await t.inject({
      method: 'DELETE',
      url: '/api/v1/me',
      headers: member.headers,
      payload: { password: TEST_PASSWORD, confirmation: 'DELETE MY ACCOUNT' },
    });
    expect(res.statusCode, res.body).toBe(202);
    // Clients are the firm's records: the person asks the firm (this route), not their account.
    expect((await call('GET', `/api/v1/clients/${client.id}`, lawyer)).json()).toMatchObject({
      name: 'Same Person',
      email: 'same.person@example.org',
    });
  });
});
