-- Foundation: organizations, users, memberships, matters, and the deployment record.
-- Runs as chambers_owner (the migrator does SET LOCAL ROLE). The runtime role
-- chambers_app gets only the grants written here, and every table has row-level
-- security ENABLED and FORCED.

CREATE SCHEMA chambers;
GRANT USAGE ON SCHEMA chambers TO chambers_app;

-- The tenant and user of the current transaction, set by withTenant() with set_config(..., true).
CREATE FUNCTION chambers.current_org_id() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('chambers.org_id', true), '')::uuid $$;

CREATE FUNCTION chambers.current_user_id() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('chambers.user_id', true), '')::uuid $$;

GRANT EXECUTE ON FUNCTION chambers.current_org_id(), chambers.current_user_id() TO chambers_app;

-- One row per deployment: the master-key check value and the one-time setup token.
CREATE TABLE chambers.deployment (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  master_key_check text NOT NULL,
  setup_token_hash text,
  setup_completed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE chambers.deployment ENABLE ROW LEVEL SECURITY;
ALTER TABLE chambers.deployment FORCE ROW LEVEL SECURITY;
-- No grant and no policy: only the owner (migrations, unsafe* functions) touches it.

CREATE TABLE chambers.organizations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  kind text NOT NULL CHECK (kind IN ('firm', 'court')),
  settings jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE chambers.organizations ENABLE ROW LEVEL SECURITY;
ALTER TABLE chambers.organizations FORCE ROW LEVEL SECURITY;
CREATE POLICY organizations_own ON chambers.organizations
  USING (id = chambers.current_org_id())
  WITH CHECK (id = chambers.current_org_id());
GRANT SELECT, UPDATE (name, settings) ON chambers.organizations TO chambers_app;

CREATE TABLE chambers.users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL UNIQUE CHECK (length(email) BETWEEN 3 AND 254),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  password_hash text,
  email_verified_at timestamptz,
  is_super_admin boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE chambers.memberships (
  org_id uuid NOT NULL REFERENCES chambers.organizations (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES chambers.users (id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('org_admin', 'lawyer', 'judge', 'reviewer')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, user_id)
);
CREATE INDEX memberships_user_idx ON chambers.memberships (user_id);

-- Is the current user an org_admin of the current organization? SECURITY DEFINER so
-- that policies on memberships itself can ask without recursing into their own policy.
CREATE FUNCTION chambers.current_user_is_org_admin() RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, chambers
  AS $$ SELECT EXISTS (SELECT 1 FROM chambers.memberships m
                        WHERE m.org_id = chambers.current_org_id()
                          AND m.user_id = chambers.current_user_id()
                          AND m.role = 'org_admin') $$;
REVOKE ALL ON FUNCTION chambers.current_user_is_org_admin() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chambers.current_user_is_org_admin() TO chambers_app;
ALTER TABLE chambers.memberships ENABLE ROW LEVEL SECURITY;
ALTER TABLE chambers.memberships FORCE ROW LEVEL SECURITY;
CREATE POLICY memberships_own_org ON chambers.memberships FOR SELECT
  USING (org_id = chambers.current_org_id());
-- Changing who belongs is an administrator's act, checked by the database too.
CREATE POLICY memberships_admin_change ON chambers.memberships FOR UPDATE
  USING (org_id = chambers.current_org_id() AND chambers.current_user_is_org_admin())
  WITH CHECK (org_id = chambers.current_org_id() AND chambers.current_user_is_org_admin());
CREATE POLICY memberships_admin_delete ON chambers.memberships FOR DELETE
  USING (org_id = chambers.current_org_id() AND chambers.current_user_is_org_admin());
GRANT SELECT, UPDATE (role), DELETE ON chambers.memberships TO chambers_app;

-- Users are global (one person, several organizations), so their policy is by
-- relation: yourself, and the members of the organization you act in.
ALTER TABLE chambers.users ENABLE ROW LEVEL SECURITY;
ALTER TABLE chambers.users FORCE ROW LEVEL SECURITY;
CREATE POLICY users_self_or_same_org ON chambers.users
  USING (
    id = chambers.current_user_id()
    OR EXISTS (SELECT 1 FROM chambers.memberships m WHERE m.user_id = users.id AND m.org_id = chambers.current_org_id())
  )
  WITH CHECK (id = chambers.current_user_id());
GRANT SELECT (id, email, name, email_verified_at, is_super_admin, created_at, updated_at) ON chambers.users TO chambers_app;
GRANT UPDATE (name, updated_at) ON chambers.users TO chambers_app;

CREATE TABLE chambers.matters (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES chambers.organizations (id) ON DELETE CASCADE,
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
  reference text CHECK (length(reference) <= 100),
  client_name text CHECK (length(client_name) <= 300),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'archived')),
  created_by uuid NOT NULL REFERENCES chambers.users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX matters_org_created_idx ON chambers.matters (org_id, created_at DESC, id);
ALTER TABLE chambers.matters ENABLE ROW LEVEL SECURITY;
ALTER TABLE chambers.matters FORCE ROW LEVEL SECURITY;
CREATE POLICY matters_own_org ON chambers.matters
  USING (org_id = chambers.current_org_id())
  WITH CHECK (org_id = chambers.current_org_id());
GRANT SELECT, INSERT (org_id, title, reference, client_name, created_by), UPDATE (title, reference, client_name, status, updated_at), DELETE
  ON chambers.matters TO chambers_app;
