-- Accounts and sessions: sessions with rotating refresh-token families, email codes,
-- the login-failure counter, invitations, and a minimal append-only audit table
-- (the audit issue grows it into the Merkle-sealed log).

CREATE TABLE chambers.sessions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES chambers.users (id) ON DELETE CASCADE,
  org_id uuid REFERENCES chambers.organizations (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  ip text,
  user_agent text CHECK (length(user_agent) <= 512),
  amr text[] NOT NULL DEFAULT '{pwd}',
  aal smallint NOT NULL DEFAULT 1 CHECK (aal IN (1, 2)),
  revoked_at timestamptz,
  revoked_reason text
);
CREATE INDEX sessions_user_idx ON chambers.sessions (user_id) WHERE revoked_at IS NULL;
CREATE INDEX sessions_org_idx ON chambers.sessions (org_id) WHERE revoked_at IS NULL;

ALTER TABLE chambers.sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE chambers.sessions FORCE ROW LEVEL SECURITY;
-- Your own sessions; an org_admin also sees (to force-logout) the sessions opened in their organization.
CREATE POLICY sessions_own_or_admin ON chambers.sessions
  USING (user_id = chambers.current_user_id()
         OR (org_id = chambers.current_org_id() AND chambers.current_user_is_org_admin()))
  WITH CHECK (user_id = chambers.current_user_id()
         OR (org_id = chambers.current_org_id() AND chambers.current_user_is_org_admin()));
GRANT SELECT, UPDATE (last_seen_at, revoked_at, revoked_reason) ON chambers.sessions TO chambers_app;

CREATE TABLE chambers.refresh_tokens (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  session_id uuid NOT NULL REFERENCES chambers.sessions (id) ON DELETE CASCADE,
  token_hash text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  used_at timestamptz
);
CREATE INDEX refresh_tokens_session_idx ON chambers.refresh_tokens (session_id);
ALTER TABLE chambers.refresh_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE chambers.refresh_tokens FORCE ROW LEVEL SECURITY;
-- No grant: refresh happens before any tenant is known, through the owner (unsafe…) path only.

-- One-time email codes (verification, password reset). Global, owner-only.
CREATE TABLE chambers.email_codes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL,
  purpose text NOT NULL CHECK (purpose IN ('verify_email', 'password_reset', 'email_change')),
  -- For email_change: the account that asked to move to this (new) address.
  user_id uuid REFERENCES chambers.users (id) ON DELETE CASCADE,
  code_hash text NOT NULL,
  attempts int NOT NULL DEFAULT 0,
  expires_at timestamptz NOT NULL,
  consumed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX email_codes_lookup_idx ON chambers.email_codes (email, purpose, created_at DESC);
ALTER TABLE chambers.email_codes ENABLE ROW LEVEL SECURITY;
ALTER TABLE chambers.email_codes FORCE ROW LEVEL SECURITY;

-- Consecutive failed sign-ins per normalized address, whether or not the account exists.
CREATE TABLE chambers.login_failures (
  email text PRIMARY KEY,
  failures int NOT NULL DEFAULT 0,
  last_failure_at timestamptz NOT NULL DEFAULT now(),
  locked_until timestamptz
);
ALTER TABLE chambers.login_failures ENABLE ROW LEVEL SECURITY;
ALTER TABLE chambers.login_failures FORCE ROW LEVEL SECURITY;

CREATE TABLE chambers.invitations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES chambers.organizations (id) ON DELETE CASCADE,
  email text NOT NULL,
  role text NOT NULL CHECK (role IN ('org_admin', 'lawyer', 'judge', 'reviewer')),
  token_hash text NOT NULL UNIQUE,
  invited_by uuid NOT NULL REFERENCES chambers.users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  accepted_at timestamptz,
  accepted_by uuid REFERENCES chambers.users (id)
);
ALTER TABLE chambers.invitations ENABLE ROW LEVEL SECURITY;
ALTER TABLE chambers.invitations FORCE ROW LEVEL SECURITY;
CREATE POLICY invitations_own_org ON chambers.invitations
  USING (org_id = chambers.current_org_id())
  WITH CHECK (org_id = chambers.current_org_id());
GRANT SELECT (id, org_id, email, role, invited_by, created_at, expires_at, accepted_at, accepted_by),
  INSERT (org_id, email, role, token_hash, invited_by, expires_at) ON chambers.invitations TO chambers_app;

-- The audit log (minimal form): the runtime role may only append and read its own organization's events.
CREATE SCHEMA audit;
GRANT USAGE ON SCHEMA audit TO chambers_app;
CREATE TABLE audit.events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  org_id uuid,
  actor_id uuid,
  action text NOT NULL CHECK (length(action) <= 100),
  target text CHECK (length(target) <= 300),
  ip text,
  user_agent text CHECK (length(user_agent) <= 512),
  outcome text NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
  request_id text,
  details jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX events_org_at_idx ON audit.events (org_id, at);
ALTER TABLE audit.events ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit.events FORCE ROW LEVEL SECURITY;
CREATE POLICY events_append ON audit.events FOR INSERT
  WITH CHECK (org_id IS NULL OR org_id = chambers.current_org_id());
CREATE POLICY events_read_own_org ON audit.events FOR SELECT
  USING (org_id = chambers.current_org_id() AND chambers.current_user_is_org_admin());
GRANT INSERT (at, org_id, actor_id, action, target, ip, user_agent, outcome, request_id, details) ON audit.events TO chambers_app;
GRANT SELECT ON audit.events TO chambers_app;

CREATE FUNCTION audit.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER events_no_update BEFORE UPDATE OR DELETE ON audit.events FOR EACH ROW EXECUTE FUNCTION audit.refuse_change();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON audit.events FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();
