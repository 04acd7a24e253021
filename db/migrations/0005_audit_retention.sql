-- Audit trail, second part (issue 5): retention with legal hold, the per-API-key call
-- log, the SIEM forwarder's cursor, and a guard against DDL on the audit schema.

-- Retention category of an event. Judicial (10 years by default) for a court
-- organization's case actions: matters/cases, documents, the judicial store, AI and
-- signing on case material. Everything else (sign-ins, MFA, membership, admin,
-- a firm's whole log) is general (2 years by default). README "Audit retention".
CREATE FUNCTION audit.retention_category(p_action text, p_org_kind text) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog AS $$
  SELECT CASE WHEN p_org_kind = 'court'
                AND split_part(p_action, '.', 1) IN ('matter', 'case', 'document', 'judicial', 'ai', 'signing')
              THEN 'judicial' ELSE 'general' END
$$;

-- A legal hold per organization: while it exists, the purge keeps that
-- organization's events, and with them every later event (the log is one tree:
-- only a whole prefix can go). Set and lifted through the API (audited).
-- Owner-only, like audit.checkpoints: the purge job reads it across tenants, and
-- the routes check the caller's organization before going through the owner path.
CREATE TABLE audit.legal_holds (
  org_id uuid PRIMARY KEY REFERENCES chambers.organizations (id),
  reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
  set_by uuid NOT NULL,
  set_at timestamptz NOT NULL
);
ALTER TABLE audit.legal_holds ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit.legal_holds FORCE ROW LEVEL SECURITY;

-- First unpurgeable sealed event: the purge may remove [0, that seq) and nothing more.
-- p_now comes from the application clock (tests move it).
CREATE FUNCTION audit.first_retained_seq(p_now timestamptz, p_general interval, p_judicial interval) RETURNS bigint
LANGUAGE sql STABLE SET search_path = pg_catalog, audit AS $$
  SELECT coalesce(
    (SELECT min(e.seq) FROM audit.events e
       LEFT JOIN chambers.organizations o ON o.id = e.org_id
      WHERE e.seq IS NOT NULL
        AND (e.org_id IN (SELECT org_id FROM audit.legal_holds)
             OR e.at > p_now - CASE audit.retention_category(e.action, o.kind::text) WHEN 'judicial' THEN p_judicial ELSE p_general END)),
    (SELECT coalesce(max(seq) + 1, 0) FROM audit.events))
$$;
REVOKE ALL ON FUNCTION audit.first_retained_seq(timestamptz, interval, interval) FROM PUBLIC;

-- Every request authenticated by an API key: who (key, org), what (method, route
-- pattern), outcome (status), where (ip) and when. Append-only, org-scoped.
CREATE TABLE audit.api_calls (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  org_id uuid NOT NULL,
  api_key_id text NOT NULL CHECK (length(api_key_id) <= 100),
  user_id uuid,
  method text NOT NULL CHECK (length(method) <= 10),
  route text NOT NULL CHECK (length(route) <= 300),
  status smallint NOT NULL,
  ip text CHECK (length(ip) <= 100),
  request_id text CHECK (length(request_id) <= 100),
  duration_ms integer
);
CREATE INDEX api_calls_org_key_idx ON audit.api_calls (org_id, api_key_id, id);
ALTER TABLE audit.api_calls ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit.api_calls FORCE ROW LEVEL SECURITY;
CREATE POLICY api_calls_append ON audit.api_calls FOR INSERT WITH CHECK (org_id = chambers.current_org_id());
CREATE POLICY api_calls_read_own_org ON audit.api_calls FOR SELECT
  USING (org_id = chambers.current_org_id() AND chambers.current_user_is_org_admin());
GRANT INSERT (at, org_id, api_key_id, user_id, method, route, status, ip, request_id, duration_ms) ON audit.api_calls TO chambers_app;
GRANT SELECT ON audit.api_calls TO chambers_app;
CREATE FUNCTION audit.refuse_api_call_change() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
  RAISE EXCEPTION 'the API call log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER api_calls_no_update BEFORE UPDATE OR DELETE ON audit.api_calls FOR EACH ROW EXECUTE FUNCTION audit.refuse_api_call_change();
CREATE TRIGGER api_calls_no_truncate BEFORE TRUNCATE ON audit.api_calls FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_api_call_change();

-- Where each SIEM forwarder got to: the last seq written and flushed (at-least-once).
CREATE TABLE audit.siem_cursors (
  name text PRIMARY KEY CHECK (length(name) <= 100),
  after_seq bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE audit.siem_cursors ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit.siem_cursors FORCE ROW LEVEL SECURITY;

-- DDL on the audit schema is refused outside migrations: the migrator marks its own
-- transaction (chambers.migrating = on) and holds its advisory lock (7261002). This
-- stops accidents and a careless owner (ALTER TABLE … DISABLE TRIGGER, DROP TABLE);
-- a superuser can still drop the event trigger, which is why checkpoints exist.
CREATE FUNCTION audit.refuse_ddl() RETURNS event_trigger LANGUAGE plpgsql SET search_path = pg_catalog AS $$
DECLARE
  obj record;
  migrating boolean := current_setting('chambers.migrating', true) = 'on'
    AND EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND classid = 0 AND objid = 7261002 AND granted);
BEGIN
  IF migrating THEN RETURN; END IF;
  IF TG_EVENT = 'sql_drop' THEN
    FOR obj IN SELECT * FROM pg_event_trigger_dropped_objects() LOOP
      IF obj.schema_name = 'audit' OR (obj.object_type = 'schema' AND obj.object_name = 'audit') THEN
        RAISE EXCEPTION 'DDL on the audit schema is refused outside migrations (%)', obj.object_identity USING ERRCODE = 'insufficient_privilege';
      END IF;
    END LOOP;
  ELSE
    FOR obj IN SELECT * FROM pg_event_trigger_ddl_commands() LOOP
      IF obj.schema_name = 'audit' OR (obj.object_type = 'schema' AND obj.object_identity = 'audit') THEN
        RAISE EXCEPTION 'DDL on the audit schema is refused outside migrations (%)', obj.object_identity USING ERRCODE = 'insufficient_privilege';
      END IF;
    END LOOP;
  END IF;
END $$;

-- Creating an event trigger needs a superuser. The migration runs as chambers_owner
-- (SET ROLE) over the DATABASE_URL login: when that login is a superuser, step back
-- to it for the two CREATEs; otherwise skip (doctor and /readyz say it is inactive).
DO $$
DECLARE
  owner_role text := current_user;
BEGIN
  IF (SELECT rolsuper FROM pg_roles WHERE rolname = session_user) THEN
    PERFORM set_config('role', 'none', true);
    CREATE EVENT TRIGGER chambers_audit_ddl_guard ON ddl_command_end EXECUTE FUNCTION audit.refuse_ddl();
    CREATE EVENT TRIGGER chambers_audit_drop_guard ON sql_drop EXECUTE FUNCTION audit.refuse_ddl();
    PERFORM set_config('role', owner_role, true);
  END IF;
END $$;

-- Is the DDL guard installed and enabled? (doctor, /readyz, the status API.)
CREATE FUNCTION audit.ddl_guard_active() RETURNS boolean LANGUAGE sql STABLE SET search_path = pg_catalog AS $$
  SELECT count(*) = 2 FROM pg_event_trigger
   WHERE evtname IN ('chambers_audit_ddl_guard', 'chambers_audit_drop_guard') AND evtenabled <> 'D'
$$;
REVOKE ALL ON FUNCTION audit.ddl_guard_active() FROM PUBLIC;
