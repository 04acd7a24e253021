import crypto from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertTask } from '../../src/matter-work/matter-work.repository.ts';
import { replaceTeam, updateMatter } from '../../src/matters/matters.repository.ts';
import { unsafeWithOwner, withTenant, type TenantContext, type Tx } from '../../src/platform/db/tenant.ts';
import { AppError } from '../../src/platform/errors.ts';
import { createMember, login, bearer, signedInMember, startTestApp, type TestApp } from '../helpers/test-app.ts';
import { ownerSnapshot, probeAsTenant, seedTenant, type Tenant } from './fixtures.ts';

/**
 * A row of one organization must never point at a row of another (0023_cross_org_references.sql).
 * First the attack as a lawyer would try it, over HTTP, with another organization's ids in every
 * write that takes one; then the same rows written straight into the database, as the runtime
 * role inside a tenant transaction and as the owner, where only the foreign keys stand in the way.
 */

const FOREIGN_KEY_VIOLATION = '23503';
type Member = Awaited<ReturnType<typeof signedInMember>>;

describe('cross-organization references over HTTP', () => {
  let t: TestApp;
  let a: Member;
  let b: Member;
  let colleagueA: string;
  let clientB: string;
  let matterA: string;
  let taskA: string;
  let documentB: string;

  beforeAll(async () => {
    t = await startTestApp();
    a = await signedInMember(t, { role: 'lawyer', orgName: 'Firm A' });
    b = await signedInMember(t, { role: 'lawyer', orgName: 'Firm B' });
    colleagueA = (await createMember(t, { role: 'lawyer', orgId: a.orgId })).userId;
    const client = await t.inject({
      method: 'POST',
      url: '/api/v1/clients',
      headers: b.headers,
      payload: { kind: 'company', name: 'Rival Holdings' },
    });
    expect(client.statusCode, client.body).toBe(201);
    clientB = client.json().id;
    const matter = await t.inject({
      method: 'POST',
      url: '/api/v1/matters',
      headers: a.headers,
      payload: { title: 'Estate of A', responsibleUserId: a.userId, teamIds: [colleagueA] },
    });
    expect(matter.statusCode, matter.body).toBe(201);
    matterA = matter.json().id;
    const task = await t.inject({
      method: 'POST',
      url: `/api/v1/matters/${matterA}/tasks`,
      headers: a.headers,
      payload: { title: 'Draft', assigneeId: colleagueA },
    });
    expect(task.statusCode, task.body).toBe(201);
    taskA = task.json().id;
    documentB = await unsafeWithOwner(t.ctx.db, async (tx) => {
      const m = await sql<{ id: string }>`INSERT INTO chambers.matters (org_id, title, created_by)
        VALUES (${b.orgId}, 'Matter of B', ${b.userId}) RETURNING id`.execute(tx);
      const d = await sql<{ id: string }>`INSERT INTO chambers.documents (org_id, matter_id, name, created_by)
        VALUES (${b.orgId}, ${m.rows[0]!.id}, 'contract.pdf', ${b.userId}) RETURNING id`.execute(tx);
      return d.rows[0]!.id;
    });
  });
  afterAll(async () => t?.close());

  /** Everything org A holds that an attack could have touched, read as the owner. */
  const snapshotOfA = async () => ({
    matters: await ownerSnapshot(t.ctx.db, 'chambers.matters', sql`org_id = ${a.orgId}`),
    team: await ownerSnapshot(t.ctx.db, 'chambers.matter_team_members', sql`org_id = ${a.orgId}`),
    parties: await ownerSnapshot(t.ctx.db, 'chambers.matter_parties', sql`org_id = ${a.orgId}`),
    tasks: await ownerSnapshot(t.ctx.db, 'chambers.matter_tasks', sql`org_id = ${a.orgId}`),
    envelopes: await ownerSnapshot(t.ctx.db, 'chambers.envelopes', sql`org_id = ${a.orgId}`),
    anyRowNamingB: await unsafeWithOwner(t.ctx.db, async (tx) => {
      const { rows } = await sql<{ n: number }>`SELECT
          (SELECT count(*) FROM chambers.matters WHERE org_id = ${a.orgId} AND (client_id = ${clientB} OR responsible_user_id = ${b.userId}))
        + (SELECT count(*) FROM chambers.matter_team_members WHERE org_id = ${a.orgId} AND user_id = ${b.userId})
        + (SELECT count(*) FROM chambers.matter_parties WHERE org_id = ${a.orgId} AND client_id = ${clientB})
        + (SELECT count(*) FROM chambers.matter_tasks WHERE org_id = ${a.orgId} AND assignee_id = ${b.userId})
        + (SELECT count(*) FROM chambers.envelopes WHERE org_id = ${a.orgId} AND document_id = ${documentB}) AS n`.execute(
        tx,
      );
      return Number(rows[0]!.n);
    }),
  });

  const attacks: Array<{
    name: string;
    method: 'POST' | 'PATCH';
    url: () => string;
    payload: () => object;
    status: number;
    code: string;
  }> = [
    {
      name: "a new matter for B's client",
      method: 'POST',
      url: () => '/api/v1/matters',
      payload: () => ({ title: 'Grab', clientId: clientB }),
      status: 422,
      code: 'MATTER_CLIENT_UNKNOWN',
    },
    {
      name: "a matter moved to B's client",
      method: 'PATCH',
      url: () => `/api/v1/matters/${matterA}`,
      payload: () => ({ clientId: clientB }),
      status: 422,
      code: 'MATTER_CLIENT_UNKNOWN',
    },
    {
      name: "a new matter with B's lawyer responsible",
      method: 'POST',
      url: () => '/api/v1/matters',
      payload: () => ({ title: 'Grab', responsibleUserId: b.userId }),
      status: 422,
      code: 'MATTER_PERSON_UNKNOWN',
    },
    {
      name: "B's lawyer made responsible",
      method: 'PATCH',
      url: () => `/api/v1/matters/${matterA}`,
      payload: () => ({ responsibleUserId: b.userId }),
      status: 422,
      code: 'MATTER_PERSON_UNKNOWN',
    },
    {
      name: "a new matter with B's lawyer on the team",
      method: 'POST',
      url: () => '/api/v1/matters',
      payload: () => ({ title: 'Grab', teamIds: [colleagueA, b.userId] }),
      status: 422,
      code: 'MATTER_PERSON_UNKNOWN',
    },
    {
      name: "B's lawyer put on the team",
      method: 'PATCH',
      url: () => `/api/v1/matters/${matterA}`,
      payload: () => ({ teamIds: [b.userId] }),
      status: 422,
      code: 'MATTER_PERSON_UNKNOWN',
    },
    {
      name: "a party that is B's client",
      method: 'POST',
      url: () => `/api/v1/matters/${matterA}/parties`,
      payload: () => ({ name: 'Rival Holdings', role: 'opposing party', clientId: clientB }),
      status: 422,
      code: 'CLIENT_UNKNOWN',
    },
    {
      name: "a new task for B's lawyer",
      method: 'POST',
      url: () => `/api/v1/matters/${matterA}/tasks`,
      payload: () => ({ title: 'Spy', assigneeId: b.userId }),
      status: 422,
      code: 'ASSIGNEE_NOT_MEMBER',
    },
    {
      name: "a task handed to B's lawyer",
      method: 'PATCH',
      url: () => `/api/v1/tasks/${taskA}`,
      payload: () => ({ assigneeId: b.userId }),
      status: 422,
      code: 'ASSIGNEE_NOT_MEMBER',
    },
    {
      name: "an envelope over B's document",
      method: 'POST',
      url: () => '/api/v1/envelopes',
      payload: () => ({
        title: 'Sign this',
        documentId: documentB,
        order: 'parallel',
        recipients: [{ name: 'Signer', email: 'signer@example.com', role: 'signer' }],
        fields: [{ recipient: 0, type: 'signature', page: 1, x: 10, y: 10, width: 100, height: 30 }],
      }),
      status: 404,
      code: 'NOT_FOUND',
    },
  ];

  it.each(attacks)('should refuse $name with a stable code and write nothing', async (attack) => {
    const before = await snapshotOfA();
    const res = await t.inject({
      method: attack.method,
      url: attack.url(),
      headers: a.headers,
      payload: attack.payload(),
    });
    expect(res.statusCode, res.body).toBe(attack.status);
    expect(res.json().code).toBe(attack.code);
    const after = await snapshotOfA();
    expect(after).toEqual(before);
    expect(after.anyRowNamingB).toBe(0);
  });

  it('should leave the matter, its team and its task as they were', async () => {
    const matter = (await t.inject({ method: 'GET', url: `/api/v1/matters/${matterA}`, headers: a.headers })).json();
    expect(matter).toMatchObject({ clientId: null, responsibleUserId: a.userId, teamIds: [colleagueA] });
    const tasks = (
      await t.inject({ method: 'GET', url: `/api/v1/matters/${matterA}/tasks`, headers: a.headers })
    ).json();
    expect(tasks.tasks.map((x: { assigneeId: string }) => x.assigneeId)).toEqual([colleagueA]);
  });

  it('should take a removed member off the matter: responsible lawyer, team and task assignee cleared, the removal not blocked', async () => {
    const admin = await createMember(t, { role: 'org_admin', orgId: a.orgId });
    const adminHeaders = bearer((await login(t, admin.email)).accessToken);
    const leaver = (await createMember(t, { role: 'lawyer', orgId: a.orgId })).userId;
    const matter = await t.inject({
      method: 'POST',
      url: '/api/v1/matters',
      headers: a.headers,
      payload: { title: 'Handover', responsibleUserId: leaver, teamIds: [leaver, colleagueA] },
    });
    expect(matter.statusCode, matter.body).toBe(201);
    const task = await t.inject({
      method: 'POST',
      url: `/api/v1/matters/${matter.json().id}/tasks`,
      headers: a.headers,
      payload: { title: 'Hand over the file', assigneeId: leaver },
    });
    expect(task.statusCode, task.body).toBe(201);

    const removed = await t.inject({
      method: 'DELETE',
      url: `/api/v1/orgs/${a.orgId}/members/${leaver}`,
      headers: adminHeaders,
    });
    expect(removed.statusCode, removed.body).toBe(204);

    const after = (
      await t.inject({ method: 'GET', url: `/api/v1/matters/${matter.json().id}`, headers: a.headers })
    ).json();
    expect(after).toMatchObject({ responsibleUserId: null, teamIds: [colleagueA] });
    const tasks = (
      await t.inject({ method: 'GET', url: `/api/v1/matters/${matter.json().id}/tasks`, headers: a.headers })
    ).json().tasks;
    expect(tasks).toMatchObject([{ id: task.json().id, assigneeId: null }]);
  });
});

describe('cross-organization references in the database', () => {
  let t: TestApp;
  let a: Tenant;
  let b: Tenant;
  let asA: TenantContext;

  beforeAll(async () => {
    t = await startTestApp();
    a = await seedTenant(t, 'a');
    b = await seedTenant(t, 'b');
    asA = { orgId: a.orgId, userId: a.userId };
  });
  afterAll(async () => t?.close());

  /** Each statement writes one row of A that names one row of `victim`; with victim = A it is an ordinary write. */
  const writes: Array<{ name: string; sql: (victim: Tenant) => RawBuilder<unknown> }> = [
    {
      name: 'matters.client_id',
      sql: (v) => sql`UPDATE chambers.matters SET client_id = ${v.clientId} WHERE id = ${a.matterId}`,
    },
    {
      name: 'matters.responsible_user_id (a member of the organization)',
      sql: (v) => sql`UPDATE chambers.matters SET responsible_user_id = ${v.userId} WHERE id = ${a.matterId}`,
    },
    {
      name: 'matter_parties.client_id',
      sql: (
        v,
      ) => sql`INSERT INTO chambers.matter_parties (org_id, matter_id, client_id, name, name_normalized, role, created_by)
        VALUES (${a.orgId}, ${a.matterId}, ${v.clientId}, 'Party', 'party', 'client', ${a.userId})`,
    },
    {
      name: 'matter_tasks.assignee_id (a member of the organization)',
      sql: (v) => sql`INSERT INTO chambers.matter_tasks (org_id, matter_id, title, assignee_id, created_by)
        VALUES (${a.orgId}, ${a.matterId}, 'Task', ${v.userId}, ${a.userId})`,
    },
    {
      name: 'matter_tasks.assignee_id changed',
      sql: (v) => sql`UPDATE chambers.matter_tasks SET assignee_id = ${v.userId} WHERE org_id = ${a.orgId}`,
    },
    {
      name: 'matter_team_members.user_id (a member of the organization)',
      sql: (v) => sql`INSERT INTO chambers.matter_team_members (matter_id, user_id, org_id)
        VALUES (${a.matterId}, ${v.userId}, ${a.orgId}) ON CONFLICT DO NOTHING`,
    },
    {
      name: 'client_contacts.client_id',
      sql: (v) => sql`INSERT INTO chambers.client_contacts (org_id, client_id, name, name_normalized, created_by)
        VALUES (${a.orgId}, ${v.clientId}, 'Contact', 'contact', ${a.userId})`,
    },
    {
      name: 'envelope_fields.recipient_id (a recipient of the same envelope)',
      sql: (
        v,
      ) => sql`INSERT INTO chambers.envelope_fields (org_id, envelope_id, recipient_id, kind, page, x, y, width, height)
        VALUES (${a.orgId}, ${a.envelopeId}, ${v.envelopeRecipientId}, 'signature', 1, 1, 1, 10, 10)`,
    },
    {
      name: 'envelope_events.recipient_id (a recipient of the same envelope)',
      sql: (v) => sql`INSERT INTO chambers.envelope_events (org_id, envelope_id, recipient_id, kind)
        VALUES (${a.orgId}, ${a.envelopeId}, ${v.envelopeRecipientId}, 'view')`,
    },
  ];

  it.each(writes)('should accept $name naming a row of the same organization', async (w) => {
    const outcome = await probeAsTenant(t.ctx.db, asA, (tx) => w.sql(a).execute(tx));
    expect(outcome).toMatchObject({ ok: true });
  });

  it.each(writes)(
    'should refuse $name naming a row of another organization with a foreign-key violation, as the runtime role',
    async (w) => {
      const outcome = await probeAsTenant(t.ctx.db, asA, (tx) => w.sql(b).execute(tx));
      expect(outcome).toMatchObject({ ok: false, code: FOREIGN_KEY_VIOLATION });
    },
  );

  /** The owner reads past row-level security: here the keys alone keep organizations apart. */
  const ownerWrites: Array<{ name: string; sql: () => RawBuilder<unknown> }> = [
    {
      name: "a matter of A for B's client",
      sql: () => sql`INSERT INTO chambers.matters (org_id, title, client_id, created_by)
        VALUES (${a.orgId}, 'Owner write', ${b.clientId}, ${a.userId})`,
    },
    {
      name: "a note of A on B's matter",
      sql: () => sql`INSERT INTO chambers.matter_notes (org_id, matter_id, body, created_by)
        VALUES (${a.orgId}, ${b.matterId}, 'Note', ${a.userId})`,
    },
    {
      name: "a deadline of A on B's matter",
      sql: () => sql`INSERT INTO chambers.matter_deadlines (org_id, matter_id, title, due_at, created_by)
        VALUES (${a.orgId}, ${b.matterId}, 'Deadline', now(), ${a.userId})`,
    },
    {
      name: "a wall member of A on B's wall",
      sql: () => sql`INSERT INTO chambers.matter_wall_members (matter_id, user_id, org_id)
        VALUES (${b.walledMatterId}, ${a.userId}, ${a.orgId})`,
    },
    {
      name: "a share link of A to B's document",
      sql: () => sql`INSERT INTO chambers.share_links (org_id, document_id, token_hash, expires_at, created_by)
        VALUES (${a.orgId}, ${b.documentId}, ${crypto.randomBytes(32).toString('hex')}, now() + interval '1 day', ${a.userId})`,
    },
    {
      name: "a recipient of A on B's envelope",
      sql: () => sql`INSERT INTO chambers.envelope_recipients (org_id, envelope_id, position, name, email, role)
        VALUES (${a.orgId}, ${b.envelopeId}, 9, 'Signer', 'signer@example.com', 'signer')`,
    },
    {
      name: "a field of A's envelope for a recipient of B's envelope",
      sql: () => sql`INSERT INTO chambers.envelope_fields (org_id, envelope_id, recipient_id, kind, page, x, y, width, height)
        VALUES (${a.orgId}, ${a.envelopeId}, ${b.envelopeRecipientId}, 'signature', 1, 1, 1, 10, 10)`,
    },
    {
      name: "a delivery of A for B's outbound event",
      sql: () => sql`INSERT INTO chambers.webhook_deliveries (org_id, event_id, endpoint_id, event_type)
        VALUES (${a.orgId}, ${b.outboundEventId}, ${a.webhookEndpointId}, 'matter.created')`,
    },
  ];

  it.each(ownerWrites)('should refuse $name with a foreign-key violation, even as the owner', async (w) => {
    const err = await unsafeWithOwner(t.ctx.db, (tx) => w.sql().execute(tx)).then(
      () => null,
      (e: unknown) => e as { code?: string },
    );
    expect(err?.code).toBe(FOREIGN_KEY_VIOLATION);
  });

  /**
   * The services check first; a member removed or a client deleted between that check and the
   * write meets the key instead. The repositories turn its 23503 into the check's own 422 code.
   */
  it.each<{ name: string; write: (tx: Tx) => Promise<unknown>; code: string }>([
    {
      name: 'a task assigned to a non-member',
      write: (tx: Tx) =>
        insertTask(tx, {
          orgId: a.orgId,
          matterId: a.matterId,
          title: 'Raced',
          assigneeId: b.userId,
          dueAt: null,
          createdBy: a.userId,
        }),
      code: 'ASSIGNEE_NOT_MEMBER',
    },
    {
      name: "a matter given another organization's client",
      write: (tx: Tx) => updateMatter(tx, a.matterId, { clientId: b.clientId }),
      code: 'MATTER_CLIENT_UNKNOWN',
    },
    {
      name: 'a matter given a non-member as responsible lawyer',
      write: (tx: Tx) => updateMatter(tx, a.matterId, { responsibleUserId: b.userId }),
      code: 'MATTER_PERSON_UNKNOWN',
    },
    {
      name: 'a non-member put on a matter team',
      write: (tx: Tx) => replaceTeam(tx, a.orgId, a.matterId, [b.userId]),
      code: 'MATTER_PERSON_UNKNOWN',
    },
  ])("should turn the key's refusal of $name into $code, not a 500", async ({ write, code }) => {
    const err = await withTenant(t.ctx.db, asA, write).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe(code);
    expect((err as AppError).status).toBe(422);
  });
});
