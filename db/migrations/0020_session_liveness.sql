-- The hot path's session check, cached per process without weakening it (docs/performance.md).
--
-- chambers.session_epoch is one counter that moves, in the same transaction, with every change that can
-- end a session or change what a request is allowed: a session revoked or re-assured, a membership
-- changed, suspended or removed, a user's identity or super-admin flag, an organization's settings
-- (idle limit) or name, a second factor enrolled or removed. A process keeps the answer of
-- authenticate_session per session together with the epoch it was read under, and on the next request
-- reads only the epoch: unchanged, the cached answer stands (expiry, idle and touch are checked against
-- the cached times); moved, the full check runs again. Reading the counter on every request is what keeps
-- a revocation effective on the very next request, on every process, without relying on a notification
-- arriving in time.
CREATE TABLE chambers.session_epoch (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  value bigint NOT NULL
);
INSERT INTO chambers.session_epoch (value) VALUES (1);
ALTER TABLE chambers.session_epoch ENABLE ROW LEVEL SECURITY;
ALTER TABLE chambers.session_epoch FORCE ROW LEVEL SECURITY;
-- A number that says only "something changed somewhere": read by the runtime login before any tenant is set
-- (as authenticate_session is called), never by the tenant role; written only by the trigger below.
CREATE POLICY session_epoch_read ON chambers.session_epoch FOR SELECT TO chambers_runtime USING (true);
GRANT SELECT ON chambers.session_epoch TO chambers_runtime;

CREATE FUNCTION chambers.bump_session_epoch() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, chambers
AS $$
BEGIN
  UPDATE chambers.session_epoch SET value = value + 1;
  RETURN NULL;
END $$;
-- Triggers fire it whatever the caller may execute; nobody calls it directly.
REVOKE ALL ON FUNCTION chambers.bump_session_epoch() FROM PUBLIC;

-- last_seen_at alone (the touch) does not move the epoch: it is the cached path's own write.
CREATE TRIGGER sessions_epoch AFTER UPDATE OF user_id, org_id, expires_at, amr, aal, revoked_at, mfa_verified_at
  ON chambers.sessions FOR EACH STATEMENT EXECUTE FUNCTION chambers.bump_session_epoch();
CREATE TRIGGER sessions_epoch_delete AFTER DELETE ON chambers.sessions
  FOR EACH STATEMENT EXECUTE FUNCTION chambers.bump_session_epoch();
CREATE TRIGGER memberships_epoch AFTER UPDATE OR DELETE ON chambers.memberships
  FOR EACH STATEMENT EXECUTE FUNCTION chambers.bump_session_epoch();
CREATE TRIGGER users_epoch AFTER UPDATE OF email, name, is_super_admin ON chambers.users
  FOR EACH STATEMENT EXECUTE FUNCTION chambers.bump_session_epoch();
CREATE TRIGGER users_epoch_delete AFTER DELETE ON chambers.users
  FOR EACH STATEMENT EXECUTE FUNCTION chambers.bump_session_epoch();
CREATE TRIGGER organizations_epoch AFTER UPDATE OF name, kind, settings OR DELETE ON chambers.organizations
  FOR EACH STATEMENT EXECUTE FUNCTION chambers.bump_session_epoch();
CREATE TRIGGER mfa_totp_epoch AFTER INSERT OR UPDATE OR DELETE ON chambers.mfa_totp
  FOR EACH STATEMENT EXECUTE FUNCTION chambers.bump_session_epoch();
CREATE TRIGGER webauthn_credentials_epoch AFTER INSERT OR DELETE ON chambers.webauthn_credentials
  FOR EACH STATEMENT EXECUTE FUNCTION chambers.bump_session_epoch();

-- As in 0010_offboarding.sql, and it also hands back what the cache needs: the session's expiry, when it
-- was last seen (after this call's touch), the organization's idle limit and the epoch read before the
-- session row (read first, so a revocation that commits between the two reads is either seen in the row
-- or moves the epoch past the one cached).
DROP FUNCTION chambers.authenticate_session(uuid, uuid, uuid, timestamptz, interval, int);
CREATE FUNCTION chambers.authenticate_session(
  p_sid uuid, p_user uuid, p_org uuid, p_now timestamptz, p_touch_after interval, p_default_idle_minutes int
) RETURNS TABLE (
  status text, role text, org_kind text, org_name text, is_super_admin boolean,
  email text, name text, aal smallint, amr text[], mfa_verified_at timestamptz,
  totp_enrolled boolean, passkeys int, expires_at timestamptz, last_seen_at timestamptz, idle_minutes int, epoch bigint
)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, chambers
AS $$
DECLARE
  s record;
  v_epoch bigint;
  v_seen timestamptz;
BEGIN
  SELECT e.value INTO v_epoch FROM chambers.session_epoch e;
  SELECT se.user_id, se.org_id, se.revoked_at, se.expires_at AS s_expires, se.last_seen_at AS s_seen, se.aal AS s_aal,
         se.amr AS s_amr, se.mfa_verified_at AS s_mfa,
         u.is_super_admin AS u_super, u.email AS u_email, u.name AS u_name,
         m.role AS m_role, m.suspended_at AS m_suspended_at, o.kind AS o_kind, o.name AS o_name,
         greatest(coalesce(nullif(o.settings->>'idleTimeoutMinutes', '')::int, p_default_idle_minutes), 1) AS s_idle
    INTO s
    FROM chambers.sessions se
    JOIN chambers.users u ON u.id = se.user_id
    LEFT JOIN chambers.memberships m ON m.org_id = se.org_id AND m.user_id = se.user_id
    LEFT JOIN chambers.organizations o ON o.id = se.org_id
   WHERE se.id = p_sid;
  IF NOT FOUND OR s.user_id <> p_user OR s.org_id IS DISTINCT FROM p_org OR s.revoked_at IS NOT NULL
     OR (s.org_id IS NOT NULL AND (s.m_role IS NULL OR s.m_suspended_at IS NOT NULL)) THEN
    RETURN QUERY SELECT 'revoked'::text, NULL::text, NULL::text, NULL::text, NULL::boolean, NULL::text, NULL::text, NULL::smallint,
      NULL::text[], NULL::timestamptz, NULL::boolean, NULL::int, NULL::timestamptz, NULL::timestamptz, NULL::int, v_epoch;
    RETURN;
  END IF;
  IF s.s_expires <= p_now THEN
    RETURN QUERY SELECT 'expired'::text, NULL::text, NULL::text, NULL::text, NULL::boolean, NULL::text, NULL::text, NULL::smallint,
      NULL::text[], NULL::timestamptz, NULL::boolean, NULL::int, NULL::timestamptz, NULL::timestamptz, NULL::int, v_epoch;
    RETURN;
  END IF;
  IF p_now - s.s_seen > make_interval(mins => s.s_idle) THEN
    RETURN QUERY SELECT 'idle'::text, NULL::text, NULL::text, NULL::text, NULL::boolean, NULL::text, NULL::text, NULL::smallint,
      NULL::text[], NULL::timestamptz, NULL::boolean, NULL::int, NULL::timestamptz, NULL::timestamptz, NULL::int, v_epoch;
    RETURN;
  END IF;
  v_seen := s.s_seen;
  IF p_now - s.s_seen > p_touch_after THEN
    UPDATE chambers.sessions SET last_seen_at = p_now WHERE id = p_sid;
    v_seen := p_now;
  END IF;
  RETURN QUERY SELECT 'ok'::text, s.m_role, s.o_kind, s.o_name, s.u_super, s.u_email, s.u_name, s.s_aal, s.s_amr, s.s_mfa,
    EXISTS (SELECT 1 FROM chambers.mfa_totp t WHERE t.user_id = p_user AND t.confirmed_at IS NOT NULL),
    (SELECT count(*)::int FROM chambers.webauthn_credentials w WHERE w.user_id = p_user),
    s.s_expires, v_seen, s.s_idle, v_epoch;
END $$;
REVOKE ALL ON FUNCTION chambers.authenticate_session(uuid, uuid, uuid, timestamptz, interval, int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chambers.authenticate_session(uuid, uuid, uuid, timestamptz, interval, int) TO chambers_app, chambers_runtime;
