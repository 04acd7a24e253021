import { sql } from 'kysely';
import type { Tx } from '../platform/db/index.ts';

/**
 * Everything Chambers holds about one person, read on the owner path (a person's data
 * spans organizations). Each query names its columns: secrets (password hash, TOTP
 * secret, backup codes, passkey public keys and counters, token hashes, wrapped keys)
 * are never selected, so they cannot leak into an archive by a later `SELECT *`.
 */

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

export async function profile(tx: Tx, userId: string) {
  const { rows } = await sql<{
    id: string;
    email: string;
    name: string;
    email_verified_at: Date | null;
    is_super_admin: boolean;
    created_at: Date;
    totp: boolean;
  }>`SELECT u.id, u.email, u.name, u.email_verified_at, u.is_super_admin, u.created_at,
        EXISTS (SELECT 1 FROM chambers.mfa_totp t WHERE t.user_id = u.id AND t.confirmed_at IS NOT NULL) AS totp
      FROM chambers.users u WHERE u.id = ${userId}`.execute(tx);
  const u = rows[0];
  if (!u) return null;
  const passkeys = await tx
    .selectFrom('chambers.webauthn_credentials')
    .select(['name', 'device_type', 'backed_up', 'created_at', 'last_used_at'])
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .execute();
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    emailVerifiedAt: iso(u.email_verified_at),
    superAdmin: u.is_super_admin,
    createdAt: iso(u.created_at),
    secondFactors: {
      totp: u.totp,
      passkeys: passkeys.map((p) => ({
        name: p.name,
        deviceType: p.device_type,
        backedUp: p.backed_up,
        createdAt: iso(p.created_at),
        lastUsedAt: iso(p.last_used_at),
      })),
    },
  };
}

export async function memberships(tx: Tx, userId: string) {
  const { rows } = await sql<{ org_id: string; name: string; kind: string; role: string; created_at: Date }>`
    SELECT m.org_id, o.name, o.kind, m.role, m.created_at FROM chambers.memberships m
      JOIN chambers.organizations o ON o.id = m.org_id WHERE m.user_id = ${userId} ORDER BY m.created_at`.execute(tx);
  return rows.map((r) => ({
    orgId: r.org_id,
    organization: r.name,
    kind: r.kind,
    role: r.role,
    since: iso(r.created_at),
  }));
}

export async function sessions(tx: Tx, userId: string) {
  const rows = await tx
    .selectFrom('chambers.sessions')
    .select(['id', 'org_id', 'created_at', 'last_seen_at', 'expires_at', 'revoked_at', 'ip', 'user_agent', 'aal'])
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .execute();
  return rows.map((s) => ({
    id: s.id,
    orgId: s.org_id,
    createdAt: iso(s.created_at),
    lastSeenAt: iso(s.last_seen_at),
    expiresAt: iso(s.expires_at),
    endedAt: iso(s.revoked_at),
    ip: s.ip,
    userAgent: s.user_agent,
    assurance: s.aal,
  }));
}

export async function trustedDevices(tx: Tx, userId: string) {
  const rows = await tx
    .selectFrom('chambers.trusted_devices')
    .select(['id', 'created_at', 'expires_at', 'last_used_at', 'revoked_at', 'ip', 'user_agent'])
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .execute();
  return rows.map((d) => ({
    id: d.id,
    createdAt: iso(d.created_at),
    expiresAt: iso(d.expires_at),
    lastUsedAt: iso(d.last_used_at),
    revokedAt: iso(d.revoked_at),
    ip: d.ip,
    userAgent: d.user_agent,
  }));
}

/** The person's own audit events (what they did), newest last; IP and user agent still as stored (commitments). */
export async function securityEvents(tx: Tx, userId: string, limit: number) {
  const { rows } = await sql<{
    seq: number | null;
    at: Date;
    org_id: string | null;
    action: string;
    target: string | null;
    outcome: string;
    ip: string | null;
    user_agent: string | null;
    details: unknown;
  }>`SELECT seq, at, org_id, action, target, outcome, ip, user_agent, details FROM audit.events
      WHERE actor_id = ${userId} ORDER BY id DESC LIMIT ${limit}`.execute(tx);
  return rows.reverse();
}

export async function shareLinks(tx: Tx, userId: string) {
  const rows = await tx
    .selectFrom('chambers.share_links')
    .select(['id', 'org_id', 'document_id', 'has_passcode', 'created_at', 'expires_at', 'revoked_at'])
    .where('created_by', '=', userId)
    .orderBy('created_at')
    .execute();
  return rows.map((l) => ({
    id: l.id,
    orgId: l.org_id,
    documentId: l.document_id,
    passcodeProtected: l.has_passcode,
    createdAt: iso(l.created_at),
    expiresAt: iso(l.expires_at),
    revokedAt: iso(l.revoked_at),
  }));
}

/**
 * Rows of a table another module owns and may not have created yet in this
 * deployment (signing envelopes, AI usage): read only when the table exists.
 */
async function tableExists(tx: Tx, name: string): Promise<boolean> {
  const { rows } = await sql<{ t: string | null }>`SELECT to_regclass(${name})::text AS t`.execute(tx);
  return rows[0]?.t != null;
}

async function columnsOf(tx: Tx, schema: string, table: string): Promise<Set<string>> {
  const { rows } = await sql<{ column_name: string }>`SELECT column_name FROM information_schema.columns
    WHERE table_schema = ${schema} AND table_name = ${table}`.execute(tx);
  return new Set(rows.map((r) => r.column_name));
}

/** Envelopes the person sent (created_by) or signed (a signer row with their address or id); ids, titles and times only. */
export async function envelopes(tx: Tx, userId: string, email: string) {
  const sent: unknown[] = [];
  const signed: unknown[] = [];
  if (await tableExists(tx, 'chambers.envelopes')) {
    const cols = await columnsOf(tx, 'chambers', 'envelopes');
    if (cols.has('created_by')) {
      const pick = ['id', 'org_id', 'title', 'status', 'created_at', 'completed_at'].filter((c) => cols.has(c));
      const { rows } = await sql<Record<string, unknown>>`SELECT ${sql.join(pick.map((c) => sql.ref(c)))}
        FROM chambers.envelopes WHERE created_by = ${userId} ORDER BY created_at`.execute(tx);
      sent.push(...rows);
    }
  }
  for (const table of ['envelope_recipients', 'envelope_signers', 'signers']) {
    if (!(await tableExists(tx, `chambers.${table}`))) continue;
    const cols = await columnsOf(tx, 'chambers', table);
    const who = cols.has('user_id')
      ? sql`user_id = ${userId}`
      : cols.has('email')
        ? sql`lower(email) = lower(${email})`
        : null;
    if (!who) continue;
    const pick = ['id', 'envelope_id', 'role', 'status', 'sent_at', 'viewed_at', 'signed_at', 'declined_at'].filter(
      (c) => cols.has(c),
    );
    const { rows } = await sql<Record<string, unknown>>`SELECT ${sql.join(pick.map((c) => sql.ref(c)))}
      FROM ${sql.table(`chambers.${table}`)} WHERE ${who}`.execute(tx);
    signed.push(...rows);
    break;
  }
  return { sent, signed };
}

/** AI usage counts of the person, per organization, day and tool (chambers.ai_usage, 0012_ai.sql); never prompts or outputs. */
export async function aiUsage(tx: Tx, userId: string) {
  const { rows } = await sql<{ org_id: string; day: string; tool: string; count: number }>`
    SELECT org_id, to_char(day, 'YYYY-MM-DD') AS day, tool, count FROM chambers.ai_usage
     WHERE user_id = ${userId} ORDER BY day, org_id, tool`.execute(tx);
  return rows.map((r) => ({ orgId: r.org_id, day: r.day, tool: r.tool, count: r.count }));
}

/** The live versions of documents the person uploaded, for the archive's files/ folder. */
export async function uploadedVersions(tx: Tx, userId: string) {
  return tx
    .selectFrom('chambers.document_versions as v')
    .innerJoin('chambers.documents as d', 'd.id', 'v.document_id')
    .select([
      'v.id',
      'v.org_id',
      'v.document_id',
      'v.version',
      'v.name',
      'd.name as document_name',
      'v.size',
      'v.sha256',
      'v.content_type',
      'v.blob_key',
      'v.wrapped_data_key',
      'v.org_key_version',
      'v.created_at',
    ])
    .where('v.created_by', '=', userId)
    .where('v.shredded_at', 'is', null)
    .where('d.deleted_at', 'is', null)
    .orderBy('v.created_at')
    .execute();
}
