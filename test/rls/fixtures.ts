import crypto from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';
import type { Database } from '../../src/platform/db/database.ts';
import { unsafeWithOwner, withTenant, type TenantContext, type Tx } from '../../src/platform/db/tenant.ts';
import { enrollFactorsDirectly } from '../helpers/mfa.ts';
import { createMember, type TestApp } from '../helpers/test-app.ts';
import { JUDICIAL_TABLES } from './judicial-tables.ts';

/**
 * Shared pieces of the row-level-security suite: the catalog as the database
 * reports it, one organization's worth of rows in every table, and a way to run
 * a statement as the runtime role and keep its outcome (rows or refusal).
 */

/** Every schema the application owns: everything but PostgreSQL's own and `public`. */
export const APP_SCHEMA_FILTER = sql`n.nspname NOT IN ('pg_catalog', 'information_schema', 'public')
  AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'`;

export type CatalogTable = {
  schema: string;
  name: string;
  /** "schema.name", the key of the fixture maps below. */
  qualified: string;
  owner: string;
  rowSecurity: boolean;
  forceRowSecurity: boolean;
  hasOrgId: boolean;
};

/** Ordinary and partitioned tables of the application schemas, straight from pg_class. */
export async function catalogTables(db: Database): Promise<CatalogTable[]> {
  const { rows } = await sql<{
    schema: string;
    name: string;
    owner: string;
    rls: boolean;
    forced: boolean;
    has_org_id: boolean;
  }>`
    SELECT n.nspname AS schema, c.relname AS name, pg_get_userbyid(c.relowner) AS owner,
           c.relrowsecurity AS rls, c.relforcerowsecurity AS forced,
           EXISTS (SELECT 1 FROM pg_attribute a
                    WHERE a.attrelid = c.oid AND a.attname = 'org_id' AND a.attnum > 0 AND NOT a.attisdropped) AS has_org_id
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p') AND ${APP_SCHEMA_FILTER}
     ORDER BY 1, 2`.execute(db.owner);
  return rows.map((r) => ({
    schema: r.schema,
    name: r.name,
    qualified: `${r.schema}.${r.name}`,
    owner: r.owner,
    rowSecurity: r.rls,
    forceRowSecurity: r.forced,
    hasOrgId: r.has_org_id,
  }));
}

/** A quoted "schema"."table" for raw SQL. */
export const tableRef = (qualified: string): RawBuilder<unknown> => {
  const [schema, name] = qualified.split('.');
  if (!schema || !name) throw new Error(`not a qualified table name: ${qualified}`);
  return sql.id(schema, name);
};

/**
 * One organization with a row in every table: an org_admin, a matter, a session and refresh token, an invitation, an audit event,
 * an email code, a login failure and an organization key; for the org_admin a full set of second factors (see `seedFactors`), a pending MFA challenge
 * and a used portal hand-off; a sent envelope, AI settings and usage, API keys and outbound webhooks, clients, notes, tasks, deadlines,
 * a calendar feed and a matter team; and, owner-only, an erased person's shredded key, ciphertext and ledger entry and a closed account.
 */
export type Tenant = {
  label: string;
  orgId: string;
  userId: string;
  email: string;
  matterId: string;
  sessionId: string;
  invitationId: string;
  /** The matter again, now behind an ethical wall that admits only the org_admin; and a document (one version, one share link). */
  walledMatterId: string;
  documentId: string;
  webhookIntegrationId: string;
  /** A client of the firm (0016), a party of the matter names it. */
  clientId: string;
  /** An envelope over the document (0011), with one signer who has a field and an evidence event. */
  envelopeId: string;
  envelopeRecipientId: string;
  /** An outbound webhook endpoint (0015) with its secret, one event delivered to it, and the attempt. */
  webhookEndpointId: string;
  outboundEventId: string;
  webhookDeliveryId: string;
};

export async function seedTenant(t: TestApp, label: string): Promise<Tenant> {
  const member = await createMember(t, {
    role: 'org_admin',
    orgName: `Org ${label}`,
    email: `admin-${label}-${rand()}@example.com`,
  });
  return unsafeWithOwner(t.ctx.db, async (tx) => {
    const one = async (q: RawBuilder<{ id: string }>) => {
      const row = (await q.execute(tx)).rows[0];
      if (!row) throw new Error(`fixture insert for ${label} returned nothing`);
      return row.id;
    };
    const matterId = await one(sql`INSERT INTO chambers.matters (org_id, title, created_by)
      VALUES (${member.orgId}, ${`Privileged matter of ${label}`}, ${member.userId}) RETURNING id`);
    const sessionId = await one(sql`INSERT INTO chambers.sessions (user_id, org_id, expires_at, ip, user_agent)
      VALUES (${member.userId}, ${member.orgId}, now() + interval '1 hour', '203.0.113.7', 'fixture') RETURNING id`);
    await one(sql`INSERT INTO chambers.refresh_tokens (session_id, token_hash)
      VALUES (${sessionId}, ${rand(32)}) RETURNING id`);
    const invitationId =
      await one(sql`INSERT INTO chambers.invitations (org_id, email, role, token_hash, invited_by, expires_at)
      VALUES (${member.orgId}, ${`invitee-${label}-${rand()}@example.com`}, 'lawyer', ${rand(32)}, ${member.userId}, now() + interval '7 days') RETURNING id`);
    await sql`INSERT INTO audit.events (org_id, actor_id, action, target, outcome)
      VALUES (${member.orgId}, ${member.userId}, 'rls.fixture', ${matterId}, 'success')`.execute(tx);
    await sql`INSERT INTO audit.api_calls (org_id, api_key_id, user_id, method, route, status, ip)
      VALUES (${member.orgId}, ${`key-${label}`}, ${member.userId}, 'GET', '/api/v1/matters', 200, '203.0.113.7')`.execute(
      tx,
    );
    await sql`INSERT INTO audit.legal_holds (org_id, reason, set_by, set_at) VALUES (${member.orgId}, 'fixture hold', ${member.userId}, now())`.execute(
      tx,
    );
    await sql`INSERT INTO audit.siem_cursors (name, after_seq) VALUES (${`fixture-${label}`}, 0)`.execute(tx);
    await sql`INSERT INTO chambers.email_codes (email, purpose, code_hash, expires_at)
      VALUES (${member.email}, 'password_reset', ${rand(32)}, now() + interval '10 minutes')`.execute(tx);
    await sql`INSERT INTO chambers.login_failures (email, failures) VALUES (${member.email}, 3)`.execute(tx);
    await sql`INSERT INTO chambers.mfa_challenges (purpose, user_id, org_id, token_hash, expires_at)
      VALUES ('login', ${member.userId}, ${member.orgId}, ${rand(32)}, now() + interval '5 minutes')`.execute(tx);
    await sql`INSERT INTO chambers.portal_handoffs (id, user_id) VALUES (${crypto.randomUUID()}, ${member.userId})`.execute(
      tx,
    );
    await sql`INSERT INTO chambers.org_keys (org_id, version, wrapped_key) VALUES (${member.orgId}, 1, ${crypto.randomBytes(61)})`.execute(
      tx,
    );
    // The fixture matter is behind a wall that admits its org_admin: the tenant still sees it, nobody else would.
    const walledMatterId = matterId;
    await sql`INSERT INTO chambers.matter_walls (matter_id, org_id, created_by) VALUES (${walledMatterId}, ${member.orgId}, ${member.userId})`.execute(
      tx,
    );
    await sql`INSERT INTO chambers.matter_wall_members (matter_id, user_id, org_id) VALUES (${walledMatterId}, ${member.userId}, ${member.orgId})`.execute(
      tx,
    );
    await sql`INSERT INTO chambers.document_policies (org_id, max_upload_bytes) VALUES (${member.orgId}, 1048576)`.execute(
      tx,
    );
    const documentId = await one(sql`INSERT INTO chambers.documents (org_id, matter_id, name, created_by)
      VALUES (${member.orgId}, ${matterId}, ${`Brief of ${label}.pdf`}, ${member.userId}) RETURNING id`);
    const versionId = crypto.randomUUID();
    await sql`INSERT INTO chambers.document_versions (id, org_id, document_id, version, name, size, sha256, content_type, scan_status, blob_key, wrapped_data_key, org_key_version, created_by)
      VALUES (${versionId}, ${member.orgId}, ${documentId}, 1, ${`Brief of ${label}.pdf`}, 10, ${rand(32)}, 'application/pdf', 'clean',
              ${`${member.orgId}/${versionId}`}, decode(${rand(40)}, 'hex'), 1, ${member.userId})`.execute(tx);
    await sql`INSERT INTO chambers.share_links (org_id, document_id, token_hash, expires_at, created_by)
      VALUES (${member.orgId}, ${documentId}, ${rand(32)}, now() + interval '7 days', ${member.userId})`.execute(tx);
    await sql`INSERT INTO chambers.idempotency_keys (org_id, user_id, key, request_hash, locked_at, expires_at)
      VALUES (${member.orgId}, ${member.userId}, ${`key-${label}`}, ${rand(32)}, now(), now() + interval '1 day')`.execute(
      tx,
    );
    const webhookIntegrationId = await one(sql`INSERT INTO chambers.webhook_integrations (org_id, name, created_by)
      VALUES (${member.orgId}, ${`Integration of ${label}`}, ${member.userId}) RETURNING id`);
    await sql`INSERT INTO chambers.webhook_secrets (id, integration_id, org_id, secret_ciphertext)
      VALUES (${crypto.randomUUID()}, ${webhookIntegrationId}, ${member.orgId}, 'v1.fixture.sealed')`.execute(tx);
    await sql`INSERT INTO chambers.webhook_events (integration_id, org_id, event_id, signature_digest, received_at)
      VALUES (${webhookIntegrationId}, ${member.orgId}, ${`evt-${label}`}, ${rand(32)}, now())`.execute(tx);

    // Electronic signature (0011): the organization's seal certificate, and an envelope sent to one signer.
    await sql`INSERT INTO chambers.seal_certificates (org_id, source, certificate_pem, chain_pem, root_pem, fingerprint_sha256,
                                                      not_after, key_box, root_key_box, wrapped_data_key, org_key_version)
      VALUES (${member.orgId}, 'generated', ${pem(`seal of ${label}`)}, ${pem(`root of ${label}`)}, ${pem(`root of ${label}`)}, ${rand(32)},
              now() + interval '1 year', decode(${rand(48)}, 'hex'), decode(${rand(48)}, 'hex'), decode(${rand(40)}, 'hex'), 1)`.execute(
      tx,
    );
    const envelopeId =
      await one(sql`INSERT INTO chambers.envelopes (org_id, document_id, document_version, title, signing_order, status,
                                                                      expires_at, document_sha256, page_count, original_box,
                                                                      original_wrapped_key, original_org_key_version, created_by, sent_at)
      VALUES (${member.orgId}, ${documentId}, 1, ${`Engagement letter of ${label}`}, 'sequential', 'sent', now() + interval '30 days',
              ${rand(32)}, 2, decode(${rand(64)}, 'hex'), decode(${rand(40)}, 'hex'), 1, ${member.userId}, now()) RETURNING id`);
    const envelopeRecipientId =
      await one(sql`INSERT INTO chambers.envelope_recipients (org_id, envelope_id, position, name, email, role, status, token_hash, sent_at)
      VALUES (${member.orgId}, ${envelopeId}, 1, ${`Client of ${label}`}, ${`client-${label}-${rand()}@example.com`}, 'signer', 'sent', ${rand(32)}, now()) RETURNING id`);
    await sql`INSERT INTO chambers.envelope_fields (org_id, envelope_id, recipient_id, kind, page, x, y, width, height)
      VALUES (${member.orgId}, ${envelopeId}, ${envelopeRecipientId}, 'signature', 2, 72, 640, 180, 40)`.execute(tx);
    await sql`INSERT INTO chambers.envelope_events (org_id, envelope_id, recipient_id, kind, ip, user_agent)
      VALUES (${member.orgId}, ${envelopeId}, ${envelopeRecipientId}, 'mail', '203.0.113.7', 'fixture')`.execute(tx);

    // AI (0012): a review playbook, a day's usage counter and the organization's quotas.
    await sql`INSERT INTO chambers.ai_playbooks (org_id, name, rules, created_by)
      VALUES (${member.orgId}, ${`Playbook of ${label}`},
              ${JSON.stringify([{ category: 'Governing Law', expect: 'present', severity: 'high', guidance: 'Our home courts' }])}::jsonb,
              ${member.userId})`.execute(tx);
    await sql`INSERT INTO chambers.ai_usage (org_id, user_id, day, tool, count)
      VALUES (${member.orgId}, ${member.userId}, current_date, 'review', 7)`.execute(tx);
    await sql`INSERT INTO chambers.ai_settings (org_id, quota_user_per_day, quota_org_per_day, review_log, review_log_days)
      VALUES (${member.orgId}, 50, 500, true, 14)`.execute(tx);
    // The review log is on: one sealed entry of a member's call.
    await sql`INSERT INTO chambers.ai_review_log (id, org_id, user_id, tool, document_ids, expires_at, org_key_version, wrapped_data_key, ciphertext)
      VALUES (${crypto.randomUUID()}, ${member.orgId}, ${member.userId}, 'review', ARRAY[${documentId}]::uuid[], now() + interval '14 days', 1,
              decode(${rand(40)}, 'hex'), decode(${rand(64)}, 'hex'))`.execute(tx);

    // Developer platform (0015): an API key, an outbound endpoint with its secret, and one event delivered to it.
    await sql`INSERT INTO chambers.api_keys (org_id, name, mode, prefix, key_hash, scopes, created_by)
      VALUES (${member.orgId}, ${`key of ${label}`}, 'live', 'chk_live_fixtur', decode(${rand(32)}, 'hex'), ARRAY['matters:read'], ${member.userId})`.execute(
      tx,
    );
    const webhookEndpointId = await one(sql`INSERT INTO chambers.webhook_endpoints (org_id, url, events, created_by)
      VALUES (${member.orgId}, ${`https://hooks-${label}.example.com/in`}, ARRAY['matter.created'], ${member.userId}) RETURNING id`);
    await sql`INSERT INTO chambers.webhook_endpoint_secrets (id, endpoint_id, org_id, secret_ciphertext)
      VALUES (${crypto.randomUUID()}, ${webhookEndpointId}, ${member.orgId}, 'v1.fixture.sealed')`.execute(tx);
    // Already fanned out and delivered, so no dispatcher would pick it up again.
    const outboundEventId = await one(sql`INSERT INTO chambers.outbound_events (org_id, type, data, fanned_out_at)
      VALUES (${member.orgId}, 'matter.created', ${JSON.stringify({ matterId })}::jsonb, now()) RETURNING id`);
    const webhookDeliveryId =
      await one(sql`INSERT INTO chambers.webhook_deliveries (org_id, endpoint_id, event_id, event_type, status, attempts, last_response_status)
      VALUES (${member.orgId}, ${webhookEndpointId}, ${outboundEventId}, 'matter.created', 'delivered', 1, 200) RETURNING id`);
    await sql`INSERT INTO chambers.webhook_delivery_attempts (delivery_id, org_id, attempt, response_status, duration_ms)
      VALUES (${webhookDeliveryId}, ${member.orgId}, 1, 200, 120)`.execute(tx);

    // Workspace (0016, 0019): a client with a contact, a party, a note, a task, a deadline, a calendar feed and a team member.
    const clientId =
      await one(sql`INSERT INTO chambers.clients (org_id, kind, name, name_normalized, email, phone, address, created_by)
      VALUES (${member.orgId}, 'company', ${`Client ${label} Ltd`}, ${`client ${label} ltd`}, ${`legal-${label}@example.com`},
              '+44 20 7946 0000', '1 Fixture Street', ${member.userId}) RETURNING id`);
    await sql`INSERT INTO chambers.client_contacts (org_id, client_id, name, name_normalized, role, email, created_by)
      VALUES (${member.orgId}, ${clientId}, ${`Counsel of ${label}`}, ${`counsel of ${label}`}, 'General counsel', ${`gc-${label}@example.com`}, ${member.userId})`.execute(
      tx,
    );
    await sql`UPDATE chambers.matters SET client_id = ${clientId} WHERE id = ${matterId}`.execute(tx);
    await sql`INSERT INTO chambers.matter_parties (org_id, matter_id, client_id, name, name_normalized, role, created_by)
      VALUES (${member.orgId}, ${matterId}, ${clientId}, ${`Client ${label} Ltd`}, ${`client ${label} ltd`}, 'client', ${member.userId})`.execute(
      tx,
    );
    await sql`INSERT INTO chambers.matter_notes (org_id, matter_id, body, created_by)
      VALUES (${member.orgId}, ${matterId}, ${`Privileged strategy note of ${label}`}, ${member.userId})`.execute(tx);
    await sql`INSERT INTO chambers.matter_tasks (org_id, matter_id, title, assignee_id, due_at, created_by)
      VALUES (${member.orgId}, ${matterId}, ${`Draft the reply of ${label}`}, ${member.userId}, now() + interval '3 days', ${member.userId})`.execute(
      tx,
    );
    await sql`INSERT INTO chambers.matter_deadlines (org_id, matter_id, kind, title, due_at, remind_at, created_by)
      VALUES (${member.orgId}, ${matterId}, 'hearing', ${`Hearing of ${label}`}, now() + interval '14 days', now() + interval '13 days', ${member.userId})`.execute(
      tx,
    );
    await sql`INSERT INTO chambers.calendar_feeds (org_id, user_id, token_hash) VALUES (${member.orgId}, ${member.userId}, decode(${rand(32)}, 'hex'))`.execute(
      tx,
    );
    await sql`INSERT INTO chambers.matter_team_members (matter_id, user_id, org_id) VALUES (${matterId}, ${member.userId}, ${member.orgId})`.execute(
      tx,
    );

    // Privacy (0014), owner-only: a person erased earlier (key shredded, ciphertext left, ledger entry), and a closed account.
    const erasedUserId = crypto.randomUUID();
    const erasedKeyId = await one(sql`INSERT INTO chambers.person_keys (user_id, wrapped_key, shredded_at)
      VALUES (${erasedUserId}, NULL, now()) RETURNING key_id AS id`);
    await sql`INSERT INTO audit.personal_data (key_id, digest, ciphertext)
      VALUES (${erasedKeyId}, ${crypto.randomBytes(32).toString('base64url')}, ${crypto.randomBytes(60)})`.execute(tx);
    await sql`INSERT INTO chambers.shred_ledger (id, kind, subject_id, shredded_at) VALUES (${crypto.randomUUID()}, 'person_key', ${erasedKeyId}, now())`.execute(
      tx,
    );
    const closedUserId = await one(sql`INSERT INTO chambers.users (email, name)
      VALUES (${`erased-${label}-${rand()}@invalid`}, 'Former member') RETURNING id`);
    await sql`INSERT INTO chambers.closed_accounts (user_id, pseudonym, closed_at, purge_after)
      VALUES (${closedUserId}, ${`Former member ${closedUserId.slice(0, 8)}`}, now(), now() + interval '30 days')`.execute(
      tx,
    );
    return {
      label,
      orgId: member.orgId,
      userId: member.userId,
      email: member.email,
      matterId,
      sessionId,
      invitationId,
      walledMatterId,
      documentId,
      webhookIntegrationId,
      clientId,
      envelopeId,
      envelopeRecipientId,
      webhookEndpointId,
      outboundEventId,
      webhookDeliveryId,
    };
  }).then(async (tenant) => {
    await seedFactors(t, tenant.userId, label);
    // Seal the fixture events now and sign a checkpoint: the rows stay the same for the
    // before/after snapshots below, and audit.checkpoints has a row like every other table.
    await t.ctx.auditSealer.sealNow({ checkpoint: true });
    return tenant;
  });
}

/** Whoever owns second factors: rows of the user-scoped tables belong to a user, never to an organization. */
export type FactorOwner = { label: string; userId: string };

/**
 * Gives `userId` a row in every user-scoped table: a confirmed authenticator and backup codes
 * (enrollFactorsDirectly, unless createMember already enrolled this privileged user), a passkey and a trusted device.
 */
export async function seedFactors(t: TestApp, userId: string, label: string): Promise<void> {
  const enrolled = await unsafeWithOwner(
    t.ctx.db,
    async (tx) =>
      (await sql<{ n: number }>`SELECT count(*)::int AS n FROM chambers.mfa_totp WHERE user_id = ${userId}`.execute(tx))
        .rows[0]?.n ?? 0,
  );
  if (enrolled === 0) await enrollFactorsDirectly(t, userId);
  await unsafeWithOwner(t.ctx.db, async (tx) => {
    await sql`INSERT INTO chambers.webauthn_credentials (user_id, credential_id, public_key, counter, transports, device_type, backed_up, name)
      VALUES (${userId}, ${rand(32)}, decode(${rand(65)}, 'hex'), 7, '{usb}', 'singleDevice', false, ${`Security key of ${label}`})`.execute(
      tx,
    );
    await sql`INSERT INTO chambers.trusted_devices (user_id, expires_at, ip, user_agent)
      VALUES (${userId}, now() + interval '30 days', '203.0.113.7', ${`browser of ${label}`})`.execute(tx);
    // A "download my data" archive, built and waiting for its single-use link (0014).
    await sql`INSERT INTO chambers.privacy_exports (user_id, status, blob_key, wrapped_key, bytes, files, token_hash, created_at, ready_at, expires_at)
      VALUES (${userId}, 'ready', ${`privacy/${rand(16)}`}, decode(${rand(40)}, 'hex'), 4096, 3, ${rand(32)}, now(), now(), now() + interval '24 hours')`.execute(
      tx,
    );
  });
}

/**
 * How the tenant tables are attacked. `rowsOf` selects one tenant's rows;
 * `update` names a column the application might legitimately change and the
 * value an attacker would write; `insert` is a whole INSERT that plants a row in
 * the victim's organization while acting as the attacker.
 */
export type TenantTableFixture = {
  rowsOf: (t: Tenant) => RawBuilder<unknown>;
  update: { column: string; value: (attacker: Tenant) => unknown };
  insert: (victim: Tenant, attacker: Tenant) => RawBuilder<unknown>;
};

export const TENANT_TABLES: Record<string, TenantTableFixture> = {
  'chambers.organizations': {
    rowsOf: (t) => sql`id = ${t.orgId}`,
    update: { column: 'name', value: () => 'Taken over' },
    insert: (victim) =>
      sql`INSERT INTO chambers.organizations (id, name, kind) VALUES (${victim.orgId}, 'Shadow', 'firm')`,
  },
  'chambers.users': {
    rowsOf: (t) => sql`id = ${t.userId}`,
    update: { column: 'name', value: () => 'Renamed by intruder' },
    insert: () =>
      sql`INSERT INTO chambers.users (email, name, is_super_admin) VALUES (${`intruder-${rand()}@example.com`}, 'Intruder', true)`,
  },
  'chambers.memberships': {
    rowsOf: (t) => sql`org_id = ${t.orgId}`,
    update: { column: 'role', value: () => 'reviewer' },
    // The classic escalation: make myself an administrator of someone else's organization.
    insert: (victim, attacker) =>
      sql`INSERT INTO chambers.memberships (org_id, user_id, role) VALUES (${victim.orgId}, ${attacker.userId}, 'org_admin')`,
  },
  'chambers.matters': {
    rowsOf: (t) => sql`org_id = ${t.orgId}`,
    update: { column: 'title', value: () => 'Overwritten' },
    insert: (victim, attacker) =>
      sql`INSERT INTO chambers.matters (org_id, title, created_by) VALUES (${victim.orgId}, 'Planted', ${attacker.userId})`,
  },
  'chambers.sessions': {
    rowsOf: (t) => sql`org_id = ${t.orgId}`,
    update: { column: 'revoked_at', value: () => new Date().toISOString() },
    insert: (victim) =>
      sql`INSERT INTO chambers.sessions (user_id, org_id, expires_at) VALUES (${victim.userId}, ${victim.orgId}, now() + interval '1 day')`,
  },
  'chambers.invitations': {
    rowsOf: (t) => sql`org_id = ${t.orgId}`,
    update: { column: 'accepted_at', value: () => new Date().toISOString() },
    insert: (
      victim,
      attacker,
    ) => sql`INSERT INTO chambers.invitations (org_id, email, role, token_hash, invited_by, expires_at)
      VALUES (${victim.orgId}, ${attacker.email}, 'org_admin', ${rand(32)}, ${attacker.userId}, now() + interval '7 days')`,
  },
  'chambers.matter_walls': {
    rowsOf: (t) => sql`org_id = ${t.orgId}`,
    update: { column: 'created_by', value: (attacker) => attacker.userId },
    // Wall off the victim's matter so its own members lose it.
    insert: (victim, attacker) =>
      sql`INSERT INTO chambers.matter_walls (matter_id, org_id, created_by) VALUES (${victim.matterId}, ${victim.orgId}, ${attacker.userId})`,
  },
  'chambers.matter_wall_members': {
    rowsOf: (t) => sql`org_id = ${t.orgId}`,
    update: { column: 'user_id', value: (attacker) => attacker.userId },
    // Admit myself behind the victim's wall.
    insert: (victim, attacker) =>
      sql`INSERT INTO chambers.matter_wall_members (matter_id, user_id, org_id) VALUES (${victim.walledMatterId}, ${attacker.userId}, ${victim.orgId})`,
  },
  'chambers.document_policies': {
    rowsOf: (t) => sql`org_id = ${t.orgId}`,
    update: { column: 'allow_zip', value: () => true },
    insert: (victim) =>
      sql`INSERT INTO chambers.document_policies (org_id, max_upload_bytes) VALUES (${victim.orgId}, 2147483648)`,
  },
  'chambers.documents': {
    rowsOf: (t) => sql`org_id = ${t.orgId}`,
    update: { column: 'legal_hold', value: () => true },
    insert: (victim, attacker) =>
      sql`INSERT INTO chambers.documents (org_id, matter_id, name, created_by) VALUES (${victim.orgId}, ${victim.matterId}, 'Planted.pdf', ${attacker.userId})`,
  },
  'chambers.document_versions': {
    rowsOf: (t) => sql`org_id = ${t.orgId}`,
    // Erasing a name is the one change allowed after insert.
    update: { column: 'name', value: () => null },
    // Slip a forged version (with a key the attacker knows) under the victim's document.
    insert: (
      victim,
      attacker,
    ) => sql`INSERT INTO chambers.document_versions (id, org_id, document_id, version, name, size, sha256, content_type, scan_status, blob_key, wrapped_data_key, org_key_version, created_by)
      VALUES (${crypto.randomUUID()}, ${victim.orgId}, ${victim.documentId}, 2, 'forged.pdf', 1, ${rand(32)}, 'application/pdf', 'clean', ${`${victim.orgId}/${rand(8)}`}, decode('00', 'hex'), 1, ${attacker.userId})`,
  },
  'chambers.share_links': {
    rowsOf: (t) => sql`org_id = ${t.orgId}`,
    update: { column: 'revoked_at', value: () => new Date().toISOString() },
    // Publish the victim's document through a link whose token the attacker knows.
    insert: (
      victim,
      attacker,
    ) => sql`INSERT INTO chambers.share_links (org_id, document_id, token_hash, expires_at, created_by)
      VALUES (${victim.orgId}, ${victim.documentId}, ${rand(32)}, now() + interval '7 days', ${attacker.userId})`,
  },
  'chambers.org_keys': {
    rowsOf: (t) => sql`org_id = ${t.orgId}`,
    update: { column: 'wrapped_key', value: () => crypto.randomBytes(61) },
    // Planting a key the attacker knows, so the victim's next document would be sealed under it.
    insert: (victim) =>
      sql`INSERT INTO chambers.org_keys (org_id, version, wrapped_key) VALUES (${victim.orgId}, 2, ${crypto.randomBytes(61)})`,
  },
  'chambers.idempotency_keys': {
    rowsOf: (t) => sql`org_id = ${t.orgId}`,
    // Rewrite the stored response another member's retry would be handed.
    update: { column: 'response_body', value: () => '{"id":"forged"}' },
    insert: (
      victim,
    ) => sql`INSERT INTO chambers.idempotency_keys (org_id, user_id, key, request_hash, locked_at, expires_at)
      VALUES (${victim.orgId}, ${victim.userId}, 'planted', ${rand(32)}, now(), now() + interval '1 day')`,
  },
  'chambers.webhook_integrations': {
    rowsOf: (t) => sql`org_id = ${t.orgId}`,
    update: { column: 'rotated_at', value: () => new Date().toISOString() },
    insert: (victim, attacker) =>
      sql`INSERT INTO chambers.webhook_integrations (org_id, name, created_by) VALUES (${victim.orgId}, 'Planted', ${attacker.userId})`,
  },
  'chambers.webhook_secrets': {
    rowsOf: (t) => sql`org_id = ${t.orgId}`,
    // Keep a rotated-out secret valid forever, or kill the victim's current one.
    update: { column: 'retires_at', value: () => '2999-01-01T00:00:00Z' },
    // Plant a secret the attacker knows on the victim's integration: forged deliveries would verify.
    insert: (victim) => sql`INSERT INTO chambers.webhook_secrets (id, integration_id, org_id, secret_ciphertext)
      VALUES (${crypto.randomUUID()}, ${victim.webhookIntegrationId}, ${victim.orgId}, 'v1.attacker.known')`,
  },
  'chambers.webhook_events': {
    rowsOf: (t) => sql`org_id = ${t.orgId}`,
    update: { column: 'event_id', value: () => 'rewritten' },
    // Pre-seed the victim's replay store so their genuine next delivery is refused.
    insert: (
      victim,
    ) => sql`INSERT INTO chambers.webhook_events (integration_id, org_id, event_id, signature_digest, received_at)
      VALUES (${victim.webhookIntegrationId}, ${victim.orgId}, 'evt-next', ${rand(32)}, now())`,
  },
  // Electronic signature (0011).
  'chambers.seal_certificates': {
    rowsOf: (t) => sql`org_id = ${t.orgId}`,
    // Swap in a certificate whose key the attacker holds: the victim's next sealed PDF would carry it.
    update: { column: 'certificate_pem', value: () => pem('attacker') },
    insert: (
      victim,
    ) => sql`INSERT INTO chambers.seal_certificates (org_id, source, certificate_pem, chain_pem, root_pem, fingerprint_sha256,
                                                                     not_after, key_box, wrapped_data_key, org_key_version)
      VALUES (${victim.orgId}, 'uploaded', ${pem('attacker')}, ${pem('attacker root')}, ${pem('attacker root')}, ${rand(32)},
              now() + interval '10 years', decode('00', 'hex'), decode('00', 'hex'), 1)`,
  },
  'chambers.envelopes': {
    rowsOf: (t) => sql`org_id = ${t.orgId}`,
    // Void the victim's envelope under their signers' feet.
    update: { column: 'status', value: () => 'voided' },
    insert: (
      victim,
      attacker,
    ) => sql`INSERT INTO chambers.envelopes (org_id, document_id, document_version, title, signing_order, expires_at,
                                                                       document_sha256, page_count, original_box, original_wrapped_key,
                                                                       original_org_key_version, created_by)
      VALUES (${victim.orgId}, ${victim.documentId}, 1, 'Planted', 'parallel', now() + interval '30 days', ${rand(32)}, 1,
              decode('00', 'hex'), decode('00', 'hex'), 1, ${attacker.userId})`,
  },
  'chambers.envelope_recipients': {
    rowsOf: (t) => sql`org_id = ${t.orgId}`,
    // Set a signing-link token the attacker knows: sign in the victim's client's name.
    update: { column: 'token_hash', value: () => rand(32) },
    // Add myself as a signer of the victim's envelope.
    insert: (
      victim,
      attacker,
    ) => sql`INSERT INTO chambers.envelope_recipients (org_id, envelope_id, position, name, email, role)
      VALUES (${victim.orgId}, ${victim.envelopeId}, 2, 'Intruder', ${attacker.email}, 'signer')`,
  },
  'chambers.envelope_fields': {
    rowsOf: (t) => sql`org_id = ${t.orgId}`,
    update: { column: 'value', value: () => 'Forged' },
    insert: (
      victim,
    ) => sql`INSERT INTO chambers.envelope_fields (org_id, envelope_id, recipient_id, kind, page, x, y, width, height)
      VALUES (${victim.orgId}, ${victim.envelopeId}, ${victim.envelopeRecipientId}, 'checkbox', 1, 10, 10, 10, 10)`,
  },
  'chambers.envelope_events': {
    rowsOf: (t) => sql`org_id = ${t.orgId}`,
    // Rewrite the evidence trail (append-only even for its own organization).
    update: { column: 'kind', value: () => 'decline' },
    // Forge a signature step in the victim's evidence trail.
    insert: (
      victim,
    ) => sql`INSERT INTO chambers.envelope_events (org_id, envelope_id, recipient_id, kind, ip, user_agent)
      VALUES (${victim.orgId}, ${victim.envelopeId}, ${victim.envelopeRecipientId}, 'sign', '198.51.100.1', 'forged')`,
  },
  // AI (0012).
  'chambers.ai_playbooks': {
    rowsOf: (t) => sql`org_id = ${t.orgId}`,
    update: { column: 'name', value: () => 'Hijacked' },
    // A playbook that tells the victim's reviewers a missing clause is fine.
    insert: (victim, attacker) => sql`INSERT INTO chambers.ai_playbooks (org_id, name, rules, created_by)
      VALUES (${victim.orgId}, 'Planted', '[]'::jsonb, ${attacker.userId})`,
  },
  'chambers.ai_usage': {
    rowsOf: (t) => sql`org_id = ${t.orgId}`,
    // Reset the victim's counters (quota evasion) or, below, exhaust their organization's quota.
    update: { column: 'count', value: () => 0 },
    insert: (victim, attacker) => sql`INSERT INTO chambers.ai_usage (org_id, user_id, day, tool, count)
      VALUES (${victim.orgId}, ${attacker.userId}, current_date, 'ask', 1000000)`,
  },
  'chambers.ai_settings': {
    rowsOf: (t) => sql`org_id = ${t.orgId}`,
    update: { column: 'quota_org_per_day', value: () => 0 },
    // org_id is the primary key: the policy must refuse before the duplicate would.
    insert: (victim) => sql`INSERT INTO chambers.ai_settings (org_id, quota_org_per_day) VALUES (${victim.orgId}, 0)`,
  },
  'chambers.ai_review_log': {
    rowsOf: (t) => sql`org_id = ${t.orgId}`,
    // Swap what the victim's reviewers will read as an AI call's inputs and outputs.
    update: { column: 'ciphertext', value: () => crypto.randomBytes(64) },
    // Forge an entry in the victim's review log.
    insert: (
      victim,
      attacker,
    ) => sql`INSERT INTO chambers.ai_review_log (id, org_id, user_id, tool, document_ids, expires_at, org_key_version,
                                                                           wrapped_data_key, ciphertext)
      VALUES (${crypto.randomUUID()}, ${victim.orgId}, ${attacker.userId}, 'ask', ARRAY[${victim.documentId}]::uuid[], now() + interval '1 day', 1,
              decode('00', 'hex'), decode('00', 'hex'))`,
  },
  // Developer platform (0015).
  'chambers.api_keys': {
    rowsOf: (t) => sql`org_id = ${t.orgId}`,
    // Kill the victim's integration (or revive a revoked key).
    update: { column: 'revoked_at', value: () => '2000-01-01T00:00:00Z' },
    // Plant a key the attacker knows in the victim's organization.
    insert: (
      victim,
      attacker,
    ) => sql`INSERT INTO chambers.api_keys (org_id, name, mode, prefix, key_hash, scopes, created_by)
      VALUES (${victim.orgId}, 'planted', 'live', 'chk_live_planted', decode(${rand(32)}, 'hex'), ARRAY['matters:write'], ${attacker.userId})`,
  },
  'chambers.webhook_endpoints': {
    rowsOf: (t) => sql`org_id = ${t.orgId}`,
    // Redirect the victim's events to the attacker.
    update: { column: 'url', value: () => 'https://attacker.example/in' },
    insert: (victim, attacker) => sql`INSERT INTO chambers.webhook_endpoints (org_id, url, events, created_by)
      VALUES (${victim.orgId}, 'https://attacker.example/in', ARRAY['matter.created', 'document.created'], ${attacker.userId})`,
  },
  'chambers.webhook_endpoint_secrets': {
    rowsOf: (t) => sql`org_id = ${t.orgId}`,
    update: { column: 'retires_at', value: () => '2999-01-01T00:00:00Z' },
    // A signing secret the attacker knows on the victim's endpoint: forged events would verify.
    insert: (victim) => sql`INSERT INTO chambers.webhook_endpoint_secrets (id, endpoint_id, org_id, secret_ciphertext)
      VALUES (${crypto.randomUUID()}, ${victim.webhookEndpointId}, ${victim.orgId}, 'v1.attacker.known')`,
  },
  'chambers.outbound_events': {
    rowsOf: (t) => sql`org_id = ${t.orgId}`,
    update: { column: 'type', value: () => 'document.deleted' },
    // Forge an event the victim's receivers would trust, aimed at the victim's endpoint.
    insert: (victim) => sql`INSERT INTO chambers.outbound_events (org_id, type, data, endpoint_id)
      VALUES (${victim.orgId}, 'matter.created', '{}'::jsonb, ${victim.webhookEndpointId})`,
  },
  'chambers.webhook_deliveries': {
    rowsOf: (t) => sql`org_id = ${t.orgId}`,
    // Re-queue the victim's delivery (a replay to their receiver).
    update: { column: 'status', value: () => 'retrying' },
    insert: (victim) => sql`INSERT INTO chambers.webhook_deliveries (org_id, endpoint_id, event_id, event_type)
      VALUES (${victim.orgId}, ${victim.webhookEndpointId}, ${victim.outboundEventId}, 'matter.deleted')`,
  },
  'chambers.webhook_delivery_attempts': {
    rowsOf: (t) => sql`org_id = ${t.orgId}`,
    update: { column: 'response_status', value: () => 500 },
    insert: (
      victim,
    ) => sql`INSERT INTO chambers.webhook_delivery_attempts (delivery_id, org_id, attempt, response_status)
      VALUES (${victim.webhookDeliveryId}, ${victim.orgId}, 2, 500)`,
  },
  // Workspace (0016) and matter lifecycle (0019).
  'chambers.clients': {
    rowsOf: (t) => sql`org_id = ${t.orgId}`,
    update: { column: 'status', value: () => 'former' },
    insert: (victim, attacker) => sql`INSERT INTO chambers.clients (org_id, kind, name, name_normalized, created_by)
      VALUES (${victim.orgId}, 'person', 'Planted', 'planted', ${attacker.userId})`,
  },
  'chambers.client_contacts': {
    rowsOf: (t) => sql`org_id = ${t.orgId}`,
    // Divert the victim's correspondence with its client.
    update: { column: 'email', value: (attacker) => attacker.email },
    insert: (
      victim,
      attacker,
    ) => sql`INSERT INTO chambers.client_contacts (org_id, client_id, name, name_normalized, email, created_by)
      VALUES (${victim.orgId}, ${victim.clientId}, 'Intruder', 'intruder', ${attacker.email}, ${attacker.userId})`,
  },
  'chambers.matter_parties': {
    rowsOf: (t) => sql`org_id = ${t.orgId}`,
    update: { column: 'name', value: () => 'Renamed' },
    // Poison the victim's conflict check with a party of the attacker's choosing.
    insert: (
      victim,
      attacker,
    ) => sql`INSERT INTO chambers.matter_parties (org_id, matter_id, name, name_normalized, role, created_by)
      VALUES (${victim.orgId}, ${victim.matterId}, 'Planted party', 'planted party', 'opponent', ${attacker.userId})`,
  },
  'chambers.matter_notes': {
    rowsOf: (t) => sql`org_id = ${t.orgId}`,
    update: { column: 'body', value: () => 'Overwritten' },
    insert: (victim, attacker) => sql`INSERT INTO chambers.matter_notes (org_id, matter_id, body, created_by)
      VALUES (${victim.orgId}, ${victim.matterId}, 'Planted', ${attacker.userId})`,
  },
  'chambers.matter_tasks': {
    rowsOf: (t) => sql`org_id = ${t.orgId}`,
    update: { column: 'assignee_id', value: (attacker) => attacker.userId },
    insert: (victim, attacker) => sql`INSERT INTO chambers.matter_tasks (org_id, matter_id, title, created_by)
      VALUES (${victim.orgId}, ${victim.matterId}, 'Planted', ${attacker.userId})`,
  },
  'chambers.matter_deadlines': {
    rowsOf: (t) => sql`org_id = ${t.orgId}`,
    // Move the victim's hearing: they would miss it.
    update: { column: 'due_at', value: () => '2999-01-01T00:00:00Z' },
    insert: (
      victim,
      attacker,
    ) => sql`INSERT INTO chambers.matter_deadlines (org_id, matter_id, title, due_at, created_by)
      VALUES (${victim.orgId}, ${victim.matterId}, 'Planted', now() + interval '1 day', ${attacker.userId})`,
  },
  'chambers.calendar_feeds': {
    rowsOf: (t) => sql`org_id = ${t.orgId}`,
    update: { column: 'token_hash', value: () => crypto.randomBytes(32) },
    // A feed token the attacker knows, in the victim's name: the victim's hearings, read from outside.
    insert: (victim) => sql`INSERT INTO chambers.calendar_feeds (org_id, user_id, token_hash)
      VALUES (${victim.orgId}, ${victim.userId}, decode(${rand(32)}, 'hex'))`,
  },
  'chambers.matter_team_members': {
    rowsOf: (t) => sql`org_id = ${t.orgId}`,
    update: { column: 'user_id', value: (attacker) => attacker.userId },
    // Join the victim's matter team.
    insert: (victim, attacker) => sql`INSERT INTO chambers.matter_team_members (matter_id, user_id, org_id)
      VALUES (${victim.matterId}, ${attacker.userId}, ${victim.orgId})`,
  },
  'audit.api_calls': {
    rowsOf: (t) => sql`org_id = ${t.orgId}`,
    update: { column: 'status', value: () => 500 },
    insert: (victim, attacker) =>
      sql`INSERT INTO audit.api_calls (org_id, api_key_id, user_id, method, route, status) VALUES (${victim.orgId}, 'forged', ${attacker.userId}, 'GET', '/x', 200)`,
  },
  'audit.events': {
    rowsOf: (t) => sql`org_id = ${t.orgId}`,
    update: { column: 'outcome', value: () => 'failure' },
    insert: (victim, attacker) =>
      sql`INSERT INTO audit.events (org_id, actor_id, action, outcome) VALUES (${victim.orgId}, ${attacker.userId}, 'forged', 'success')`,
  },
};

/**
 * Tables the runtime role has no business with at all: no grant, no policy. Each
 * is reached only through the owner (`unsafe…`) path. Value: why it is owner-only.
 */
export const OWNER_ONLY_TABLES: Record<string, string> = {
  'chambers.refresh_tokens': 'refresh happens before any tenant is known',
  'chambers.email_codes': 'verification and reset codes, global and pre-tenant',
  'chambers.login_failures': 'sign-in throttling, pre-tenant',
  'chambers.deployment': 'the master-key check and setup token',
  // The runtime login (not the tenant role) reads it on every request, before a tenant is set.
  'chambers.session_epoch':
    'the deployment-wide counter of session-relevant changes the per-process session cache checks',
  'chambers_meta.schema_migrations': 'the migrator only',
  // Has org_id, yet no tenant may touch it: the organization is where the sign-in will land, not who owns the row.
  'chambers.mfa_challenges':
    'half-done sign-ins (mfaToken, enrollmentToken, WebAuthn ceremonies), consumed before any session or tenant exists',
  'chambers.portal_handoffs':
    'single-use record of cross-portal hand-off codes, checked before the target portal has a session',
  'audit.checkpoints': 'signed tree heads, written by the sealer and served by the audit routes through the owner path',
  'audit.legal_holds':
    'legal holds, read across tenants by the retention purge; the routes check the organization first',
  'audit.siem_cursors': 'the SIEM forwarder position, a deployment-wide background job',
  'chambers.person_keys':
    "each person's audit-data key, used by the audit writer and shredded by erasure, both on the owner path",
  'audit.personal_data':
    'the encrypted personal values behind audit commitments, read only by the owner-path audit routes',
  'chambers.shred_ledger': 'ids of what erasure destroyed, re-applied at start-up',
  'chambers.closed_accounts': 'accounts closed by their owner and when their last traces are due, for the purge job',
};

/**
 * Tables scoped to one user, not to an organization: a person's second factors follow the person
 * into every organization, and nobody else, not even an org_admin of the same organization, may
 * see or touch them. The policy is `user_id = chambers.current_user_id()`.
 *
 * `rowsOf` selects one user's rows; each `updates` entry is a column an attacker would rewrite
 * (granted or not: the outcome must follow the grant and the policy); `insert` plants a factor on
 * the victim's account (the takeover); `secretColumns` are secrets and verifiers the runtime role
 * must never read, not even its own.
 */
export type UserTableFixture = {
  rowsOf: (u: FactorOwner) => RawBuilder<unknown>;
  updates: Array<{ column: string; value: () => unknown }>;
  insert: (victim: FactorOwner) => RawBuilder<unknown>;
  secretColumns: string[];
};

export const USER_TABLES: Record<string, UserTableFixture> = {
  'chambers.mfa_totp': {
    rowsOf: (u) => sql`user_id = ${u.userId}`,
    updates: [
      // Swap in the attacker's authenticator, un-confirm it (forcing re-enrollment), or rewind the replay guard.
      { column: 'secret_ciphertext', value: () => 'attacker-sealed-secret' },
      { column: 'confirmed_at', value: () => null },
      { column: 'last_used_step', value: () => 0 },
    ],
    insert: (victim) =>
      sql`INSERT INTO chambers.mfa_totp (user_id, secret_ciphertext, confirmed_at) VALUES (${victim.userId}, 'attacker-sealed-secret', now())`,
    secretColumns: ['secret_ciphertext'],
  },
  'chambers.mfa_backup_codes': {
    rowsOf: (u) => sql`user_id = ${u.userId}`,
    updates: [
      { column: 'code_hash', value: () => 'attacker-known-hash' },
      // Burn the victim's codes, or revive used ones.
      { column: 'used_at', value: () => new Date().toISOString() },
    ],
    insert: (victim) =>
      sql`INSERT INTO chambers.mfa_backup_codes (user_id, code_hash) VALUES (${victim.userId}, 'attacker-known-hash')`,
    secretColumns: ['code_hash'],
  },
  'chambers.webauthn_credentials': {
    rowsOf: (u) => sql`user_id = ${u.userId}`,
    updates: [
      { column: 'name', value: () => 'Renamed by intruder' },
      { column: 'public_key', value: () => sql`decode('deadbeef', 'hex')` },
      // Resetting the signature counter defeats cloned-authenticator detection.
      { column: 'counter', value: () => 0 },
    ],
    insert: (victim) => sql`INSERT INTO chambers.webauthn_credentials (user_id, credential_id, public_key, name)
      VALUES (${victim.userId}, ${rand(32)}, decode('deadbeef', 'hex'), 'Attacker key')`,
    secretColumns: ['public_key'],
  },
  'chambers.trusted_devices': {
    rowsOf: (u) => sql`user_id = ${u.userId}`,
    updates: [
      { column: 'revoked_at', value: () => new Date().toISOString() },
      // Keep a stolen device trusted forever.
      { column: 'expires_at', value: () => '2999-01-01T00:00:00Z' },
    ],
    insert: (victim) =>
      sql`INSERT INTO chambers.trusted_devices (user_id, expires_at) VALUES (${victim.userId}, now() + interval '10 years')`,
    secretColumns: [],
  },
  'chambers.privacy_exports': {
    rowsOf: (u) => sql`user_id = ${u.userId}`,
    updates: [
      // Set a download token the attacker knows (the archive holds all of the victim's data), or keep the link alive.
      { column: 'token_hash', value: () => rand(32) },
      { column: 'expires_at', value: () => '2999-01-01T00:00:00Z' },
      // Or deny the victim their archive.
      { column: 'status', value: () => 'failed' },
    ],
    insert: (victim) =>
      sql`INSERT INTO chambers.privacy_exports (user_id, expires_at) VALUES (${victim.userId}, now() + interval '1 day')`,
    secretColumns: ['token_hash', 'wrapped_key', 'blob_key'],
  },
};

/**
 * The coverage rule, as a pure function of the catalog: every table needs an attack fixture in exactly one
 * category, and a table with an org_id column is either a tenant table or owner-only (an owner-only table has
 * no grant at all, which the owner-only tests enforce, so its org_id is unreachable). A user-scoped table must
 * not carry an org_id: the org_id would be a tenant key no tenant test attacks.
 */
export function coverageProblems(
  tables: Array<Pick<CatalogTable, 'qualified' | 'hasOrgId'>>,
  lists: { tenant: Record<string, unknown>; user: Record<string, unknown>; ownerOnly: Record<string, unknown> } = {
    tenant: TENANT_TABLES,
    user: USER_TABLES,
    ownerOnly: OWNER_ONLY_TABLES,
  },
): string[] {
  const problems: string[] = [];
  const names = new Set(tables.map((x) => x.qualified));
  for (const table of tables) {
    // The judicial store has its own suite and coverage check (judicial-isolation.test.ts).
    if (table.qualified in JUDICIAL_TABLES) continue;
    const inTenant = table.qualified in lists.tenant;
    const inUser = table.qualified in lists.user;
    const inOwnerOnly = table.qualified in lists.ownerOnly;
    if (table.hasOrgId && !inTenant && !inOwnerOnly)
      problems.push(`${table.qualified} has org_id but no entry in TENANT_TABLES (nor in OWNER_ONLY_TABLES)`);
    else if (!inTenant && !inUser && !inOwnerOnly)
      problems.push(`${table.qualified} is neither in TENANT_TABLES nor in USER_TABLES nor in OWNER_ONLY_TABLES`);
    if (Number(inTenant) + Number(inUser) + Number(inOwnerOnly) > 1)
      problems.push(`${table.qualified} is in more than one of TENANT_TABLES, USER_TABLES and OWNER_ONLY_TABLES`);
  }
  for (const name of [...Object.keys(lists.tenant), ...Object.keys(lists.user), ...Object.keys(lists.ownerOnly)]) {
    if (!names.has(name)) problems.push(`fixture ${name} names a table the catalog does not have`);
  }
  return problems;
}

/** What happened to a statement: its rows and affected-row count, or the SQLSTATE that refused it. */
export type Outcome =
  | { ok: true; rows: Array<Record<string, unknown>>; affected: number | null }
  | { ok: false; code: string | undefined; message: string };

/** Runs one statement as the runtime role for `ctx` (committing) and reports the outcome instead of throwing. */
export async function runAsTenant(db: Database, ctx: TenantContext, query: RawBuilder<unknown>): Promise<Outcome> {
  try {
    const result = await withTenant(db, ctx, (tx) => query.execute(tx));
    return {
      ok: true,
      rows: result.rows as Array<Record<string, unknown>>,
      affected: result.numAffectedRows === undefined ? null : Number(result.numAffectedRows),
    };
  } catch (err) {
    return refused(err);
  }
}

class Rollback extends Error {
  constructor(readonly value: unknown) {
    super('rollback');
  }
}

/** Runs `fn` as the runtime role for `ctx` and always rolls back, so a statement that succeeds leaves nothing behind (not even a SET). */
export async function probeAsTenant<T>(
  db: Database,
  ctx: TenantContext,
  fn: (tx: Tx) => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; code: string | undefined; message: string }> {
  try {
    await withTenant(db, ctx, async (tx) => {
      throw new Rollback(await fn(tx));
    });
    throw new Error('unreachable');
  } catch (err) {
    if (err instanceof Rollback) return { ok: true, value: err.value as T };
    return refused(err);
  }
}

function refused(err: unknown): { ok: false; code: string | undefined; message: string } {
  const e = err as { code?: unknown; message?: unknown };
  return { ok: false, code: typeof e.code === 'string' ? e.code : undefined, message: String(e.message ?? err) };
}

/** SQLSTATE 42501 insufficient_privilege: both "permission denied" and "new row violates row-level security policy". */
export const INSUFFICIENT_PRIVILEGE = '42501';

/** Every row `predicate` selects, read as the owner, as sorted JSON text: a snapshot to compare before and after an attack. */
export async function ownerSnapshot(
  db: Database,
  qualified: string,
  predicate: RawBuilder<unknown>,
): Promise<string[]> {
  return unsafeWithOwner(db, async (tx) => {
    const { rows } = await sql<{
      row: string;
    }>`SELECT to_jsonb(x)::text AS row FROM ${tableRef(qualified)} x WHERE ${predicate}`.execute(tx);
    return rows.map((r) => r.row).sort();
  });
}

/** Does chambers_app hold `privilege` on the table (or, with a column, on that column)? */
export async function appMay(
  db: Database,
  qualified: string,
  privilege: 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE',
  column?: string,
): Promise<boolean> {
  const { rows } = await (
    column
      ? sql<{
          may: boolean;
        }>`SELECT has_column_privilege('chambers_app'::name, ${qualified}::text, ${column}::text, ${privilege}::text) AS may`
      : sql<{
          may: boolean;
        }>`SELECT has_table_privilege('chambers_app'::name, ${qualified}::text, ${privilege}::text) AS may`
  ).execute(db.owner);
  return rows[0]?.may === true;
}

function rand(bytes = 5): string {
  return crypto.randomBytes(bytes).toString('hex');
}

/** A PEM-shaped stand-in: the RLS suite never parses a certificate. */
function pem(subject: string): string {
  return `-----BEGIN CERTIFICATE-----\n${Buffer.from(`fixture certificate of ${subject}`).toString('base64')}\n-----END CERTIFICATE-----\n`;
}
