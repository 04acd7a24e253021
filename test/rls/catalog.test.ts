import { sql, type RawBuilder } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/platform/db/database.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import { APP_SCHEMA_FILTER, catalogTables } from './fixtures.ts';

/**
 * Tables that may live without forced row-level security, name → why. Every
 * entry is a deliberate hole in the tenant wall and needs a reason a reviewer
 * accepts. Empty: today every table enforces RLS, even owner-only ones.
 */
const GLOBAL_TABLES: Record<string, string> = {};

/**
 * SECURITY DEFINER functions run as their owner (chambers_owner, BYPASSRLS), so
 * each one the runtime role (or the runtime login itself) can call is a door through the wall: name → why it
 * is safe. Each must also pin its search_path.
 */
const SECURITY_DEFINER_FUNCTIONS: Record<string, string> = {
  'chambers.current_user_is_org_admin':
    'answers one boolean about the current user in the current organization, so policies on memberships can ask without recursing',
  'chambers.authenticate_session':
    'the per-request live-session check before a tenant is set; answers only about the one session whose id, user and organization the caller already holds: ' +
    'its role, organization, assurance level, when a second factor was last verified, and whether (never what) the user has an authenticator and how many passkeys; ' +
    "and, for the per-process cache of that answer, the session's expiry, last touch, the organization's idle limit and the session epoch",
};

/**
 * What each of those doors hands back, exactly as PostgreSQL prints it: a new output column on a function that
 * reads past row-level security (a secret, another user's data) must be a deliberate, reviewed change here.
 */
const SECURITY_DEFINER_SIGNATURES: Record<string, { args: string; result: string }> = {
  'chambers.current_user_is_org_admin': { args: '', result: 'boolean' },
  'chambers.authenticate_session': {
    args: 'p_sid uuid, p_user uuid, p_org uuid, p_now timestamp with time zone, p_touch_after interval, p_default_idle_minutes integer',
    result:
      'TABLE(status text, role text, org_kind text, org_name text, is_super_admin boolean, email text, name text, aal smallint, amr text[], ' +
      'mfa_verified_at timestamp with time zone, totp_enrolled boolean, passkeys integer, expires_at timestamp with time zone, ' +
      'last_seen_at timestamp with time zone, idle_minutes integer, epoch bigint)',
  },
};

/** Columns the runtime role must never be able to rewrite, in any table that has them: identities, tenant keys, authorship. */
const IMMUTABLE_COLUMN_NAMES = [
  'id',
  'org_id',
  'user_id',
  'session_id',
  'created_by',
  'invited_by',
  'actor_id',
  'created_at',
];
/** And these, named: an UPDATE grant on any of them is a privilege escalation or an account takeover. */
const IMMUTABLE_COLUMNS = [
  'chambers.users.email',
  'chambers.users.password_hash',
  'chambers.users.email_verified_at',
  'chambers.users.is_super_admin',
  'chambers.organizations.kind',
  // The policies read these instead of matter_walls and the version's document (0024): kept by the database alone.
  'chambers.matters.walled',
  'chambers.document_versions.matter_id',
  // A session's assurance is raised only by the owner path after a verified factor: writable, it is a step-up without one.
  'chambers.sessions.mfa_verified_at',
  'chambers.sessions.aal',
  'chambers.sessions.amr',
  // Second factors: swapping a secret or key is a takeover; un-confirming forces re-enrollment; rewinding the TOTP step,
  // reviving a used backup code or resetting a passkey's counter enables replay or hides a clone; a later expiry keeps a stolen device trusted.
  'chambers.mfa_totp.secret_ciphertext',
  'chambers.mfa_totp.confirmed_at',
  'chambers.mfa_totp.last_used_step',
  'chambers.mfa_backup_codes.code_hash',
  'chambers.mfa_backup_codes.used_at',
  'chambers.webauthn_credentials.credential_id',
  'chambers.webauthn_credentials.public_key',
  'chambers.webauthn_credentials.counter',
  'chambers.trusted_devices.expires_at',
  // Idempotency: the fingerprint decides replay versus 422; webhook secrets and replay records are written once.
  'chambers.idempotency_keys.key',
  'chambers.idempotency_keys.request_hash',
  'chambers.webhook_secrets.integration_id',
  'chambers.webhook_secrets.secret_ciphertext',
  'chambers.webhook_events.event_id',
  'chambers.webhook_events.signature_digest',
];

/** Secrets and verifiers the runtime role must never read, not even in its own rows: each is checked only on the owner path. */
const SECRET_COLUMNS = [
  'chambers.users.password_hash',
  'chambers.refresh_tokens.token_hash',
  'chambers.email_codes.code_hash',
  'chambers.deployment.master_key_check',
  'chambers.deployment.setup_token_hash',
  'chambers.mfa_totp.secret_ciphertext',
  'chambers.mfa_backup_codes.code_hash',
  'chambers.webauthn_credentials.public_key',
  'chambers.mfa_challenges.token_hash',
  'chambers.mfa_challenges.webauthn_challenge',
];

const rowsOf = async <T>(db: Database, query: RawBuilder<T>): Promise<T[]> => (await query.execute(db.owner)).rows;

/** The database's own description of itself, checked against the rules the whole tenant model rests on. */
describe('the database catalog', () => {
  let t: TestApp;
  let db: Database;
  beforeAll(async () => {
    t = await startTestApp();
    db = t.ctx.db;
  });
  afterAll(async () => t?.close());

  it('should enable and force row-level security on every table of every application schema', async () => {
    const tables = await catalogTables(db);
    expect(tables.map((x) => x.schema)).toEqual(expect.arrayContaining(['chambers', 'audit', 'chambers_meta']));
    const unprotected = tables
      .filter((x) => !(x.rowSecurity && x.forceRowSecurity) && !(x.qualified in GLOBAL_TABLES))
      .map((x) => `${x.qualified} (rls ${x.rowSecurity ? 'on' : 'OFF'}, force ${x.forceRowSecurity ? 'on' : 'OFF'})`);
    expect(unprotected).toEqual([]);
    for (const name of Object.keys(GLOBAL_TABLES))
      expect(
        tables.map((x) => x.qualified),
        `GLOBAL_TABLES entry ${name}`,
      ).toContain(name);
  });

  it('should have every table, view, sequence, function and schema owned by chambers_owner', async () => {
    const foreign = await rowsOf(
      db,
      sql<{ object: string; owner: string }>`
        SELECT format('%s %I.%I', c.relkind, n.nspname, c.relname) AS object, pg_get_userbyid(c.relowner) AS owner
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND ${APP_SCHEMA_FILTER} AND c.relowner <> 'chambers_owner'::regrole
        UNION ALL
        SELECT format('function %s', p.oid::regprocedure), pg_get_userbyid(p.proowner)
          FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
         WHERE ${APP_SCHEMA_FILTER} AND p.proowner <> 'chambers_owner'::regrole
        UNION ALL
        SELECT format('schema %I', n.nspname), pg_get_userbyid(n.nspowner)
          FROM pg_namespace n
         WHERE ${APP_SCHEMA_FILTER} AND n.nspowner <> 'chambers_owner'::regrole`,
    );
    expect(foreign).toEqual([]);
  });

  it('should leave the runtime roles owning nothing, anywhere', async () => {
    const owned = await rowsOf(
      db,
      sql<{ role: string; classid: string; objid: number }>`
        SELECT pg_get_userbyid(d.refobjid) AS role, d.classid::regclass::text AS classid, d.objid::int AS objid
          FROM pg_shdepend d
         WHERE d.deptype = 'o' AND d.refclassid = 'pg_authid'::regclass
           AND d.refobjid IN ('chambers_app'::regrole, 'chambers_runtime'::regrole)`,
    );
    expect(owned).toEqual([]);
    const databases = await rowsOf(
      db,
      sql<{ datname: string }>`
      SELECT datname FROM pg_database WHERE datdba IN ('chambers_app'::regrole, 'chambers_runtime'::regrole)`,
    );
    expect(databases).toEqual([]);
  });

  it('should make chambers_app and chambers_runtime neither superuser nor BYPASSRLS nor able to create roles or databases', async () => {
    const roles = await rowsOf(
      db,
      sql<Record<string, unknown>>`
        SELECT rolname, rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, rolreplication, rolcanlogin, rolinherit
          FROM pg_roles WHERE rolname IN ('chambers_app', 'chambers_runtime') ORDER BY rolname`,
    );
    const safe = {
      rolsuper: false,
      rolbypassrls: false,
      rolcreaterole: false,
      rolcreatedb: false,
      rolreplication: false,
      rolinherit: false,
    };
    expect(roles).toEqual([
      { rolname: 'chambers_app', ...safe, rolcanlogin: false },
      { rolname: 'chambers_runtime', ...safe, rolcanlogin: true },
    ]);
  });

  it('should let the runtime login become chambers_app and nothing else (not the owner, not a superuser)', async () => {
    const reachable = async (role: string) =>
      (
        await rowsOf(
          db,
          sql<{
            rolname: string;
          }>`SELECT rolname FROM pg_roles WHERE pg_has_role(${role}::name, oid, 'MEMBER') ORDER BY rolname`,
        )
      ).map((r) => r.rolname);
    expect(await reachable('chambers_runtime')).toEqual(['chambers_app', 'chambers_runtime']);
    expect(await reachable('chambers_app')).toEqual(['chambers_app']);
    const [owner] = await rowsOf(
      db,
      sql<{ rolbypassrls: boolean; rolcanlogin: boolean }>`
      SELECT rolbypassrls, rolcanlogin FROM pg_roles WHERE rolname = 'chambers_owner'`,
    );
    expect(owner).toEqual({ rolbypassrls: true, rolcanlogin: false });
  });

  it('should give the runtime role no CREATE anywhere: not in the database, not in any schema', async () => {
    const rows = await rowsOf(
      db,
      sql<{ target: string }>`
        SELECT 'database ' || current_database() AS target WHERE has_database_privilege('chambers_app', current_database(), 'CREATE')
        UNION ALL
        SELECT 'schema ' || n.nspname FROM pg_namespace n
         WHERE n.nspname NOT LIKE 'pg\\_%' AND has_schema_privilege('chambers_app', n.oid, 'CREATE')`,
    );
    expect(rows).toEqual([]);
    const [meta] = await rowsOf(
      db,
      sql<{ usage: boolean }>`SELECT has_schema_privilege('chambers_app', 'chambers_meta', 'USAGE') AS usage`,
    );
    expect(meta).toEqual({ usage: false });
  });

  it('should grant nothing on application tables to PUBLIC', async () => {
    const grants = await rowsOf(
      db,
      sql<{ grant: string }>`
        SELECT format('%s on %I.%I', a.privilege_type, n.nspname, c.relname) AS grant
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) a
         WHERE ${APP_SCHEMA_FILTER} AND a.grantee = 0
        UNION ALL
        SELECT format('%s (%I) on %I.%I', a.privilege_type, att.attname, n.nspname, c.relname)
          FROM pg_attribute att JOIN pg_class c ON c.oid = att.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace,
               aclexplode(att.attacl) a
         WHERE ${APP_SCHEMA_FILTER} AND a.grantee = 0`,
    );
    expect(grants).toEqual([]);
  });

  it('should never grant the runtime role TRUNCATE, REFERENCES or TRIGGER', async () => {
    const grants = await rowsOf(
      db,
      sql<{ grant: string }>`
        SELECT format('%s on %I.%I', p.privilege, n.nspname, c.relname) AS grant
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,
               unnest(ARRAY['TRUNCATE', 'REFERENCES', 'TRIGGER']) AS p(privilege)
         WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND ${APP_SCHEMA_FILTER}
           AND (has_table_privilege('chambers_app', c.oid, p.privilege)
                OR (p.privilege = 'REFERENCES' AND has_any_column_privilege('chambers_app', c.oid, 'REFERENCES')))`,
    );
    expect(grants).toEqual([]);
  });

  it('should never let the runtime role rewrite identities, tenant keys, authorship or account credentials', async () => {
    const grants = await rowsOf(
      db,
      sql<{ col: string }>`
        SELECT format('%I.%I.%I', n.nspname, c.relname, a.attname) AS col
          FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind IN ('r', 'p') AND ${APP_SCHEMA_FILTER} AND a.attnum > 0 AND NOT a.attisdropped
           AND (a.attname = ANY (${IMMUTABLE_COLUMN_NAMES}::text[]) OR (n.nspname || '.' || c.relname || '.' || a.attname) = ANY (${IMMUTABLE_COLUMNS}::text[]))
           AND has_column_privilege('chambers_app', c.oid, a.attnum, 'UPDATE')
         ORDER BY 1`,
    );
    expect(grants).toEqual([]);
    // Every named column exists, so a rename cannot turn an entry into a silent no-op.
    const existing = await rowsOf(
      db,
      sql<{ col: string }>`
        SELECT n.nspname || '.' || c.relname || '.' || a.attname AS col
          FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE a.attnum > 0 AND NOT a.attisdropped AND (n.nspname || '.' || c.relname || '.' || a.attname) = ANY (${IMMUTABLE_COLUMNS}::text[])`,
    );
    expect(existing.map((r) => r.col).sort()).toEqual([...IMMUTABLE_COLUMNS].sort());
  });

  it('should never let the runtime role read, write or reference a secret or verifier column, not even through a column grant', async () => {
    const columns = await rowsOf(
      db,
      sql<{ col: string; readable: boolean; writable: boolean }>`
        SELECT n.nspname || '.' || c.relname || '.' || a.attname AS col,
               has_column_privilege('chambers_app', c.oid, a.attnum, 'SELECT') OR has_column_privilege('chambers_app', c.oid, a.attnum, 'REFERENCES') AS readable,
               has_column_privilege('chambers_app', c.oid, a.attnum, 'INSERT') OR has_column_privilege('chambers_app', c.oid, a.attnum, 'UPDATE') AS writable
          FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE a.attnum > 0 AND NOT a.attisdropped AND (n.nspname || '.' || c.relname || '.' || a.attname) = ANY (${SECRET_COLUMNS}::text[])
         ORDER BY 1`,
    );
    expect(columns).toEqual([...SECRET_COLUMNS].sort().map((col) => ({ col, readable: false, writable: false })));
  });

  it('should let the runtime role write an invitation token hash but never read one back', async () => {
    const [row] = await rowsOf(
      db,
      sql<{ readable: boolean; insertable: boolean }>`
        SELECT has_column_privilege('chambers_app', 'chambers.invitations', 'token_hash', 'SELECT') AS readable,
               has_column_privilege('chambers_app', 'chambers.invitations', 'token_hash', 'INSERT') AS insertable`,
    );
    expect(row).toEqual({ readable: false, insertable: true });
  });

  it('should let the runtime role write a sealed webhook secret but never read one back', async () => {
    const [row] = await rowsOf(
      db,
      sql<{ readable: boolean; insertable: boolean; updatable: boolean }>`
        SELECT has_column_privilege('chambers_app', 'chambers.webhook_secrets', 'secret_ciphertext', 'SELECT') AS readable,
               has_column_privilege('chambers_app', 'chambers.webhook_secrets', 'secret_ciphertext', 'INSERT') AS insertable,
               has_column_privilege('chambers_app', 'chambers.webhook_secrets', 'secret_ciphertext', 'UPDATE') AS updatable`,
    );
    expect(row).toEqual({ readable: false, insertable: true, updatable: false });
  });

  it('should keep views and materialized views from reading past row-level security', async () => {
    // A view runs with its owner's rights (BYPASSRLS) unless security_invoker; a materialized view has no RLS at all.
    const leaks = await rowsOf(
      db,
      sql<{ relation: string }>`
        SELECT format('%s %I.%I', c.relkind, n.nspname, c.relname) AS relation
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind IN ('v', 'm') AND ${APP_SCHEMA_FILTER}
           AND has_table_privilege('chambers_app', c.oid, 'SELECT')
           AND (c.relkind = 'm' OR NOT coalesce('security_invoker=true' = ANY (c.reloptions) OR 'security_invoker=on' = ANY (c.reloptions), false))`,
    );
    expect(leaks).toEqual([]);
  });

  it('should list every SECURITY DEFINER function the runtime role can call, each with a pinned search_path', async () => {
    const definers = await rowsOf(
      db,
      sql<{ name: string; config: string[] | null }>`
        SELECT n.nspname || '.' || p.proname AS name, p.proconfig AS config
          FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
         WHERE p.prosecdef AND ${APP_SCHEMA_FILTER}
           AND (has_function_privilege('chambers_app', p.oid, 'EXECUTE') OR has_function_privilege('chambers_runtime', p.oid, 'EXECUTE'))
         ORDER BY 1`,
    );
    expect(definers.map((d) => d.name).sort()).toEqual(Object.keys(SECURITY_DEFINER_FUNCTIONS).sort());
    for (const d of definers)
      expect(d.config ?? [], d.name).toEqual(expect.arrayContaining([expect.stringMatching(/^search_path=/)]));
  });

  it('should pin what every callable SECURITY DEFINER function takes and returns', async () => {
    const definers = await rowsOf(
      db,
      sql<{ name: string; args: string; result: string }>`
        SELECT n.nspname || '.' || p.proname AS name, pg_get_function_arguments(p.oid) AS args, pg_get_function_result(p.oid) AS result
          FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
         WHERE p.prosecdef AND ${APP_SCHEMA_FILTER}
           AND (has_function_privilege('chambers_app', p.oid, 'EXECUTE') OR has_function_privilege('chambers_runtime', p.oid, 'EXECUTE'))
         ORDER BY 1`,
    );
    expect(Object.fromEntries(definers.map((d) => [d.name, { args: d.args, result: d.result }]))).toEqual(
      SECURITY_DEFINER_SIGNATURES,
    );
    expect(Object.keys(SECURITY_DEFINER_SIGNATURES).sort()).toEqual(Object.keys(SECURITY_DEFINER_FUNCTIONS).sort());
  });
});
