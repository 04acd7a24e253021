-- Offboarding: an org_admin suspends (and reactivates) a member, and revokes a pending
-- invitation. Removing a member is a DELETE the runtime role could already do
-- (memberships_admin_delete); ending their sessions is an UPDATE it could already do.

-- A suspended membership stays (role, history) but opens nothing: sign-in and switch-org
-- into the organization are refused, and authenticate_session below treats every
-- session in it as revoked, even one opened in a race with the suspension.
ALTER TABLE chambers.memberships
  ADD COLUMN suspended_at timestamptz,
  ADD COLUMN suspended_by uuid REFERENCES chambers.users (id) ON DELETE SET NULL;
-- memberships_admin_change already limits UPDATE to the org_admins of the organization.
GRANT UPDATE (suspended_at, suspended_by) ON chambers.memberships TO chambers_app;

-- A revoked invitation keeps its row (who invited whom, and when it was withdrawn) and
-- its token hash, so the mailed link is recognised and refused.
ALTER TABLE chambers.invitations
  ADD COLUMN revoked_at timestamptz,
  ADD COLUMN revoked_by uuid REFERENCES chambers.users (id) ON DELETE SET NULL;
GRANT SELECT (revoked_at, revoked_by), UPDATE (revoked_at, revoked_by) ON chambers.invitations TO chambers_app;
-- invitations_own_org admits any member of the organization; changing an invitation is
-- an administrator's act, checked by the database too (restrictive: ANDed with it).
CREATE POLICY invitations_admin_update ON chambers.invitations AS RESTRICTIVE FOR UPDATE
  USING (chambers.current_user_is_org_admin())
  WITH CHECK (chambers.current_user_is_org_admin());

-- A suspended org_admin administers nothing, whatever a stale token claims.
CREATE OR REPLACE FUNCTION chambers.current_user_is_org_admin() RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, chambers
  AS $$ SELECT EXISTS (SELECT 1 FROM chambers.memberships m
                        WHERE m.org_id = chambers.current_org_id()
                          AND m.user_id = chambers.current_user_id()
                          AND m.role = 'org_admin'
                          AND m.suspended_at IS NULL) $$;

-- As in 0003_mfa.sql, with one more reason to answer 'revoked': the membership is suspended.
CREATE OR REPLACE FUNCTION chambers.authenticate_session(
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
         m.role AS m_role, m.suspended_at AS m_suspended_at, o.kind AS o_kind, o.name AS o_name,
         coalesce(nullif(o.settings->>'idleTimeoutMinutes', '')::int, p_default_idle_minutes) AS idle_minutes
    INTO s
    FROM chambers.sessions se
    JOIN chambers.users u ON u.id = se.user_id
    LEFT JOIN chambers.memberships m ON m.org_id = se.org_id AND m.user_id = se.user_id
    LEFT JOIN chambers.organizations o ON o.id = se.org_id
   WHERE se.id = p_sid;
  IF NOT FOUND OR s.user_id <> p_user OR s.org_id IS DISTINCT FROM p_org OR s.revoked_at IS NOT NULL
     OR (s.org_id IS NOT NULL AND (s.m_role IS NULL OR s.m_suspended_at IS NOT NULL)) THEN
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
