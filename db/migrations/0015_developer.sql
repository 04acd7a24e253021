-- Developer platform (issue 19): the api_admin role, API keys, test data, and signed outbound webhooks
-- delivered from a durable outbox. Runs as chambers_owner; chambers_app gets only the grants below;
-- row-level security ENABLED and FORCED on every new table.

-- The api_admin role. Other migrations may widen the role lists too, so the existing CHECK is
-- rewritten with api_admin added rather than restated: whatever roles it allowed stay allowed.
DO $$
DECLARE c record;
BEGIN
  FOR c IN
    SELECT con.conname, rel.relname, pg_get_constraintdef(con.oid) AS def
      FROM pg_constraint con
      JOIN pg_class rel ON rel.oid = con.conrelid
      JOIN pg_namespace n ON n.oid = rel.relnamespace
     WHERE n.nspname = 'chambers' AND rel.relname IN ('memberships', 'invitations') AND con.contype = 'c'
       AND pg_get_constraintdef(con.oid) LIKE '%''org_admin''%'
       AND pg_get_constraintdef(con.oid) NOT LIKE '%''api_admin''%'
  LOOP
    EXECUTE format('ALTER TABLE chambers.%I DROP CONSTRAINT %I', c.relname, c.conname);
    EXECUTE format('ALTER TABLE chambers.%I ADD CONSTRAINT %I %s', c.relname, c.conname,
                   replace(c.def, 'ARRAY[', 'ARRAY[''api_admin''::text, '));
  END LOOP;
END $$;

-- Who manages the developer platform of the current organization: its org_admins and api_admins.
-- SECURITY INVOKER: it reads memberships under their own policy (the caller's organization only).
CREATE FUNCTION chambers.current_user_is_developer_admin() RETURNS boolean
  LANGUAGE sql STABLE SET search_path = pg_catalog, chambers
  AS $$ SELECT EXISTS (SELECT 1 FROM chambers.memberships m
                        WHERE m.org_id = chambers.current_org_id()
                          AND m.user_id = chambers.current_user_id()
                          AND m.role IN ('org_admin', 'api_admin')
                          AND m.suspended_at IS NULL) $$;
REVOKE ALL ON FUNCTION chambers.current_user_is_developer_admin() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chambers.current_user_is_developer_admin() TO chambers_app;

-- A request made with a test key sets chambers.test_data_only = 'on' for its transaction.
CREATE FUNCTION chambers.test_data_only() RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT coalesce(current_setting('chambers.test_data_only', true), '') = 'on' $$;
GRANT EXECUTE ON FUNCTION chambers.test_data_only() TO chambers_app;

-- Test data: a matter made with a test key is test data (the default reads the setting), and a
-- test key sees and writes only test data. RESTRICTIVE: it narrows every other matters policy (walls
-- included), and documents follow because their policy reads matters.
ALTER TABLE chambers.matters ADD COLUMN test_data boolean NOT NULL DEFAULT chambers.test_data_only();
GRANT INSERT (test_data), UPDATE (test_data) ON chambers.matters TO chambers_app;
CREATE POLICY matters_test_keys_test_data_only ON chambers.matters AS RESTRICTIVE
  USING (NOT chambers.test_data_only() OR test_data)
  WITH CHECK (NOT chambers.test_data_only() OR test_data);

-- API keys. Only the SHA-256 of a key is stored; the runtime role never reads it back (the lookup
-- by hash runs on the owner path before any tenant is known).
CREATE TABLE chambers.api_keys (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES chambers.organizations (id) ON DELETE CASCADE,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  mode text NOT NULL CHECK (mode IN ('live', 'test')),
  prefix text NOT NULL CHECK (length(prefix) BETWEEN 8 AND 40),
  key_hash bytea NOT NULL UNIQUE CHECK (length(key_hash) = 32),
  scopes text[] NOT NULL CHECK (cardinality(scopes) BETWEEN 1 AND 6 AND scopes <@ ARRAY[
    'matters:read', 'matters:write', 'documents:read', 'documents:write', 'envelopes:read', 'envelopes:write']::text[]),
  rate_per_second integer NOT NULL DEFAULT 10 CHECK (rate_per_second BETWEEN 1 AND 100000),
  burst integer NOT NULL DEFAULT 20 CHECK (burst BETWEEN 1 AND 1000000),
  -- Calls a UTC day, counted from the call log (audit.api_calls); over it → 429 API_QUOTA_EXCEEDED.
  daily_quota integer NOT NULL DEFAULT 100000 CHECK (daily_quota BETWEEN 1 AND 10000000),
  created_by uuid NOT NULL REFERENCES chambers.users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz,
  last_used_at timestamptz,
  revoked_at timestamptz
);
CREATE INDEX api_keys_org_idx ON chambers.api_keys (org_id, created_at DESC);
ALTER TABLE chambers.api_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE chambers.api_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY api_keys_developer_admin ON chambers.api_keys
  USING (org_id = chambers.current_org_id() AND chambers.current_user_is_developer_admin())
  WITH CHECK (org_id = chambers.current_org_id() AND chambers.current_user_is_developer_admin());
GRANT SELECT (id, org_id, name, mode, prefix, scopes, rate_per_second, burst, daily_quota, created_by, created_at,
              expires_at, last_used_at, revoked_at),
  INSERT (org_id, name, mode, prefix, key_hash, scopes, rate_per_second, burst, daily_quota, created_by, expires_at),
  UPDATE (revoked_at, rate_per_second, burst, daily_quota) ON chambers.api_keys TO chambers_app;

-- A key acts as the member who made it. While the membership is suspended the key is refused (the lookup
-- joins the membership); when the membership ends the key is revoked for good, so inviting the person
-- back does not bring an old key back to life. SECURITY DEFINER: removal may run as an org_admin, whose
-- tenant context need not be allowed to update keys, or on the owner path (account erasure).
CREATE FUNCTION chambers.revoke_api_keys_of_ended_membership() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, chambers
  AS $$
BEGIN
  UPDATE chambers.api_keys SET revoked_at = now()
   WHERE org_id = OLD.org_id AND created_by = OLD.user_id AND revoked_at IS NULL;
  RETURN OLD;
END $$;
REVOKE ALL ON FUNCTION chambers.revoke_api_keys_of_ended_membership() FROM PUBLIC;
CREATE TRIGGER memberships_end_revokes_api_keys AFTER DELETE ON chambers.memberships
  FOR EACH ROW EXECUTE FUNCTION chambers.revoke_api_keys_of_ended_membership();

-- The per-key call log (audit.api_calls, 0005) is also readable by the organization's api_admins.
CREATE POLICY api_calls_read_developer_admin ON audit.api_calls FOR SELECT
  USING (org_id = chambers.current_org_id() AND chambers.current_user_is_developer_admin());
-- The daily quota counts a key's calls since midnight UTC on every few requests: an index on (key, time).
CREATE INDEX api_calls_key_at_idx ON audit.api_calls (api_key_id, at);

-- Outbound webhook endpoints and the event types each subscribes to.
CREATE TABLE chambers.webhook_endpoints (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES chambers.organizations (id) ON DELETE CASCADE,
  url text NOT NULL CHECK (length(url) BETWEEN 8 AND 2000),
  events text[] NOT NULL CHECK (cardinality(events) BETWEEN 1 AND 20),
  -- A live endpoint gets events about live data only, a test endpoint about test data only.
  mode text NOT NULL DEFAULT 'live' CHECK (mode IN ('live', 'test')),
  created_by uuid NOT NULL REFERENCES chambers.users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  -- Set by the dispatcher (owner path) when deliveries keep failing; cleared by a success.
  failing_since timestamptz,
  disabled_at timestamptz,
  disabled_reason text CHECK (disabled_reason IN ('gone', 'failing')),
  UNIQUE (id, org_id)
);
CREATE INDEX webhook_endpoints_org_idx ON chambers.webhook_endpoints (org_id, created_at);
ALTER TABLE chambers.webhook_endpoints ENABLE ROW LEVEL SECURITY;
ALTER TABLE chambers.webhook_endpoints FORCE ROW LEVEL SECURITY;
CREATE POLICY webhook_endpoints_developer_admin ON chambers.webhook_endpoints
  USING (org_id = chambers.current_org_id() AND chambers.current_user_is_developer_admin())
  WITH CHECK (org_id = chambers.current_org_id() AND chambers.current_user_is_developer_admin());
GRANT SELECT, INSERT (org_id, url, events, mode, created_by), DELETE ON chambers.webhook_endpoints TO chambers_app;

-- Signing secrets (whsec_…), sealed with sealSecret (bound to the row id). retires_at NULL is the current
-- secret; a rotated one is still sent alongside until retires_at (the overlap). Written by the runtime
-- role, never read back by it: the dispatcher opens them on the owner path.
CREATE TABLE chambers.webhook_endpoint_secrets (
  id uuid PRIMARY KEY,
  endpoint_id uuid NOT NULL,
  org_id uuid NOT NULL,
  secret_ciphertext text NOT NULL CHECK (secret_ciphertext LIKE 'v1.%'),
  created_at timestamptz NOT NULL DEFAULT now(),
  retires_at timestamptz,
  FOREIGN KEY (endpoint_id, org_id) REFERENCES chambers.webhook_endpoints (id, org_id) ON DELETE CASCADE
);
CREATE INDEX webhook_endpoint_secrets_endpoint_idx ON chambers.webhook_endpoint_secrets (endpoint_id);
CREATE UNIQUE INDEX webhook_endpoint_secrets_one_current ON chambers.webhook_endpoint_secrets (endpoint_id)
  WHERE retires_at IS NULL;
ALTER TABLE chambers.webhook_endpoint_secrets ENABLE ROW LEVEL SECURITY;
ALTER TABLE chambers.webhook_endpoint_secrets FORCE ROW LEVEL SECURITY;
CREATE POLICY webhook_endpoint_secrets_developer_admin ON chambers.webhook_endpoint_secrets
  USING (org_id = chambers.current_org_id() AND chambers.current_user_is_developer_admin())
  WITH CHECK (org_id = chambers.current_org_id() AND chambers.current_user_is_developer_admin());
GRANT SELECT (id, endpoint_id, org_id, created_at, retires_at), INSERT (id, endpoint_id, org_id, secret_ciphertext),
  UPDATE (retires_at) ON chambers.webhook_endpoint_secrets TO chambers_app;

-- The transactional outbox: a feature writes its event in its own business transaction, so an event
-- exists exactly when the change committed. Any member may append for their organization; only the
-- dispatcher (owner path) reads and fans events out to deliveries.
CREATE TABLE chambers.outbound_events (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES chambers.organizations (id) ON DELETE CASCADE,
  type text NOT NULL CHECK (type ~ '^[a-z]+\.[a-z_]+$' AND length(type) <= 50),
  data jsonb NOT NULL CHECK (length(data::text) <= 4096),
  test_data boolean NOT NULL DEFAULT chambers.test_data_only(),
  -- Only for "send a test event": the one endpoint it goes to.
  endpoint_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  fanned_out_at timestamptz
);
CREATE INDEX outbound_events_pending_idx ON chambers.outbound_events (created_at) WHERE fanned_out_at IS NULL;
ALTER TABLE chambers.outbound_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE chambers.outbound_events FORCE ROW LEVEL SECURITY;
-- An event about test data is test data; a request with a test key cannot publish a live one.
CREATE POLICY outbound_events_append ON chambers.outbound_events FOR INSERT
  WITH CHECK (org_id = chambers.current_org_id() AND (NOT chambers.test_data_only() OR test_data));
CREATE POLICY outbound_events_developer_admin_read ON chambers.outbound_events FOR SELECT
  USING (org_id = chambers.current_org_id() AND chambers.current_user_is_developer_admin());
GRANT SELECT, INSERT (org_id, type, data, test_data, endpoint_id) ON chambers.outbound_events TO chambers_app;

-- One delivery per (event, endpoint). The webhook-id is the event id, so a receiver can de-duplicate.
CREATE TABLE chambers.webhook_deliveries (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL,
  endpoint_id uuid NOT NULL,
  event_id uuid NOT NULL REFERENCES chambers.outbound_events (id) ON DELETE CASCADE,
  event_type text NOT NULL CHECK (length(event_type) <= 50),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'retrying', 'delivered', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  -- A dispatcher's lease: another process (or this one after a crash) may take it over once it lapses.
  locked_until timestamptz,
  last_response_status smallint,
  last_error text CHECK (length(last_error) <= 200),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (event_id, endpoint_id),
  FOREIGN KEY (endpoint_id, org_id) REFERENCES chambers.webhook_endpoints (id, org_id) ON DELETE CASCADE
);
CREATE INDEX webhook_deliveries_due_idx ON chambers.webhook_deliveries (next_attempt_at)
  WHERE status IN ('pending', 'retrying');
CREATE INDEX webhook_deliveries_endpoint_idx ON chambers.webhook_deliveries (endpoint_id, created_at DESC);
ALTER TABLE chambers.webhook_deliveries ENABLE ROW LEVEL SECURITY;
ALTER TABLE chambers.webhook_deliveries FORCE ROW LEVEL SECURITY;
CREATE POLICY webhook_deliveries_developer_admin ON chambers.webhook_deliveries
  USING (org_id = chambers.current_org_id() AND chambers.current_user_is_developer_admin())
  WITH CHECK (org_id = chambers.current_org_id() AND chambers.current_user_is_developer_admin());
-- Resend: an admin puts a delivery back in the queue; everything else is the dispatcher's.
GRANT SELECT, UPDATE (status, next_attempt_at, updated_at) ON chambers.webhook_deliveries TO chambers_app;

-- Every attempt and what the receiver answered (or why nothing was sent).
CREATE TABLE chambers.webhook_delivery_attempts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  delivery_id uuid NOT NULL REFERENCES chambers.webhook_deliveries (id) ON DELETE CASCADE,
  org_id uuid NOT NULL REFERENCES chambers.organizations (id) ON DELETE CASCADE,
  attempt integer NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  response_status smallint,
  error text CHECK (length(error) <= 200),
  duration_ms integer
);
CREATE INDEX webhook_delivery_attempts_delivery_idx ON chambers.webhook_delivery_attempts (delivery_id, id);
ALTER TABLE chambers.webhook_delivery_attempts ENABLE ROW LEVEL SECURITY;
ALTER TABLE chambers.webhook_delivery_attempts FORCE ROW LEVEL SECURITY;
CREATE POLICY webhook_delivery_attempts_developer_admin ON chambers.webhook_delivery_attempts FOR SELECT
  USING (org_id = chambers.current_org_id() AND chambers.current_user_is_developer_admin());
GRANT SELECT ON chambers.webhook_delivery_attempts TO chambers_app;
