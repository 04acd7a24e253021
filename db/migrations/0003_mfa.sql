-- Multi-factor authentication: TOTP, backup codes, passkeys, trusted devices,
-- pending challenges (mfaToken / enrollmentToken / WebAuthn) and portal hand-offs.
-- Secrets and verifiers are touched only by the owner path (unsafe… services);
-- the runtime role may list and rename a user's own factors.

ALTER TABLE chambers.sessions ADD COLUMN mfa_verified_at timestamptz;

CREATE TABLE chambers.mfa_totp (
  user_id uuid PRIMARY KEY REFERENCES chambers.users (id) ON DELETE CASCADE,
  secret_ciphertext text NOT NULL,
  confirmed_at timestamptz,
  last_used_step bigint,
  created_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE chambers.mfa_totp ENABLE ROW LEVEL SECURITY;
ALTER TABLE chambers.mfa_totp FORCE ROW LEVEL SECURITY;
CREATE POLICY mfa_totp_self ON chambers.mfa_totp USING (user_id = chambers.current_user_id());
GRANT SELECT (user_id, confirmed_at, created_at) ON chambers.mfa_totp TO chambers_app;

CREATE TABLE chambers.mfa_backup_codes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES chambers.users (id) ON DELETE CASCADE,
  code_hash text NOT NULL,
  used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX mfa_backup_codes_user_idx ON chambers.mfa_backup_codes (user_id);
ALTER TABLE chambers.mfa_backup_codes ENABLE ROW LEVEL SECURITY;
ALTER TABLE chambers.mfa_backup_codes FORCE ROW LEVEL SECURITY;
CREATE POLICY mfa_backup_codes_self ON chambers.mfa_backup_codes USING (user_id = chambers.current_user_id());
GRANT SELECT (id, user_id, used_at, created_at) ON chambers.mfa_backup_codes TO chambers_app;

CREATE TABLE chambers.webauthn_credentials (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES chambers.users (id) ON DELETE CASCADE,
  credential_id text NOT NULL UNIQUE,
  public_key bytea NOT NULL,
  counter bigint NOT NULL DEFAULT 0,
  transports text[] NOT NULL DEFAULT '{}',
  device_type text,
  backed_up boolean NOT NULL DEFAULT false,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz
);
CREATE INDEX webauthn_credentials_user_idx ON chambers.webauthn_credentials (user_id);
ALTER TABLE chambers.webauthn_credentials ENABLE ROW LEVEL SECURITY;
ALTER TABLE chambers.webauthn_credentials FORCE ROW LEVEL SECURITY;
CREATE POLICY webauthn_credentials_self ON chambers.webauthn_credentials
  USING (user_id = chambers.current_user_id()) WITH CHECK (user_id = chambers.current_user_id());
GRANT SELECT (id, user_id, name, device_type, backed_up, created_at, last_used_at), UPDATE (name), DELETE
  ON chambers.webauthn_credentials TO chambers_app;

CREATE TABLE chambers.trusted_devices (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES chambers.users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  last_used_at timestamptz,
  ip text,
  user_agent text CHECK (length(user_agent) <= 512),
  revoked_at timestamptz
);
CREATE INDEX trusted_devices_user_idx ON chambers.trusted_devices (user_id);
ALTER TABLE chambers.trusted_devices ENABLE ROW LEVEL SECURITY;
ALTER TABLE chambers.trusted_devices FORCE ROW LEVEL SECURITY;
CREATE POLICY trusted_devices_self ON chambers.trusted_devices
  USING (user_id = chambers.current_user_id()) WITH CHECK (user_id = chambers.current_user_id());
GRANT SELECT, UPDATE (revoked_at) ON chambers.trusted_devices TO chambers_app;

-- A sign-in half done: after the password (mfaToken), before enrollment
-- (enrollmentToken), a WebAuthn ceremony, or a passwordless attempt (no user yet).
CREATE TABLE chambers.mfa_challenges (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  purpose text NOT NULL CHECK (purpose IN ('login', 'enrollment', 'webauthn_register', 'passkey_login', 'step_up')),
  user_id uuid REFERENCES chambers.users (id) ON DELETE CASCADE,
  org_id uuid REFERENCES chambers.organizations (id) ON DELETE CASCADE,
  token_hash text UNIQUE,
  webauthn_challenge text,
  attempts int NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  consumed_at timestamptz
);
ALTER TABLE chambers.mfa_challenges ENABLE ROW LEVEL SECURITY;
ALTER TABLE chambers.mfa_challenges FORCE ROW LEVEL SECURITY;

-- Single-use record of cross-portal hand-off codes (the code itself is HMAC-signed).
CREATE TABLE chambers.portal_handoffs (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES chambers.users (id) ON DELETE CASCADE,
  used_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE chambers.portal_handoffs ENABLE ROW LEVEL SECURITY;
ALTER TABLE chambers.portal_handoffs FORCE ROW LEVEL SECURITY;

-- The live-session check of every authenticated request in one round trip: the
-- session named by a verified access token must exist, belong to the token's user
-- and organization, be neither revoked, past its absolute lifetime nor idle too
-- long, and the membership must still hold. Touches last_seen_at at most once per
-- p_touch_after. SECURITY DEFINER because it runs before any tenant context exists;
-- it only answers about the one session whose id the caller already holds.
-- It also reports when a second factor was last verified (step-up) and which
-- factors the user has, so /me needs no second query.
CREATE FUNCTION chambers.authenticate_session(
  p_sid uuid, p_user uuid, p_org uuid, p_now timestamptz, p_touch_after interval, p_default_idle_minutes int
) RETURNS TABLE (
  status text, role text, org_kind text, org_name text, is_super_admin boolean,
  email text, name text, aal smallint, amr text[], mfa_verified_at timestamptz,
  totp_enrolled boolean, passkeys int
)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, chambers
AS $$
DECLARE
  s record;
BEGIN
  SELECT se.user_id, se.org_id, se.revoked_at, se.expires_at, se.last_seen_at, se.aal AS s_aal, se.amr AS s_amr,
         se.mfa_verified_at AS s_mfa,
         u.is_super_admin AS u_super, u.email AS u_email, u.name AS u_name,
         m.role AS m_role, o.kind AS o_kind, o.name AS o_name,
         coalesce(nullif(o.settings->>'idleTimeoutMinutes', '')::int, p_default_idle_minutes) AS idle_minutes
    INTO s
    FROM chambers.sessions se
    JOIN chambers.users u ON u.id = se.user_id
    LEFT JOIN chambers.memberships m ON m.org_id = se.org_id AND m.user_id = se.user_id
    LEFT JOIN chambers.organizations o ON o.id = se.org_id
   WHERE se.id = p_sid;
  IF NOT FOUND OR s.user_id <> p_user OR s.org_id IS DISTINCT FROM p_org OR s.revoked_at IS NOT NULL
     OR (s.org_id IS NOT NULL AND s.m_role IS NULL) THEN
    RETURN QUERY SELECT 'revoked'::text, NULL::text, NULL::text, NULL::text, NULL::boolean, NULL::text, NULL::text, NULL::smallint, NULL::text[], NULL::timestamptz, NULL::boolean, NULL::int;
    RETURN;
  END IF;
  IF s.expires_at <= p_now THEN
    RETURN QUERY SELECT 'expired'::text, NULL::text, NULL::text, NULL::text, NULL::boolean, NULL::text, NULL::text, NULL::smallint, NULL::text[], NULL::timestamptz, NULL::boolean, NULL::int;
    RETURN;
  END IF;
  IF p_now - s.last_seen_at > make_interval(mins => greatest(s.idle_minutes, 1)) THEN
    RETURN QUERY SELECT 'idle'::text, NULL::text, NULL::text, NULL::text, NULL::boolean, NULL::text, NULL::text, NULL::smallint, NULL::text[], NULL::timestamptz, NULL::boolean, NULL::int;
    RETURN;
  END IF;
  IF p_now - s.last_seen_at > p_touch_after THEN
    UPDATE chambers.sessions SET last_seen_at = p_now WHERE id = p_sid;
  END IF;
  RETURN QUERY SELECT 'ok'::text, s.m_role, s.o_kind, s.o_name, s.u_super, s.u_email, s.u_name, s.s_aal, s.s_amr, s.s_mfa,
    EXISTS (SELECT 1 FROM chambers.mfa_totp t WHERE t.user_id = p_user AND t.confirmed_at IS NOT NULL),
    (SELECT count(*)::int FROM chambers.webauthn_credentials w WHERE w.user_id = p_user);
END $$;
REVOKE ALL ON FUNCTION chambers.authenticate_session(uuid, uuid, uuid, timestamptz, interval, int) FROM PUBLIC;
-- The runtime login may reach this one function without SET ROLE (one round trip per request); nothing else in the schema.
GRANT USAGE ON SCHEMA chambers TO chambers_runtime;
GRANT EXECUTE ON FUNCTION chambers.authenticate_session(uuid, uuid, uuid, timestamptz, interval, int) TO chambers_app, chambers_runtime;
