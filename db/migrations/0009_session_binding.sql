-- Session binding: a session opened by a portal hand-off is the child of the session
-- that issued the code. It never outlives its parent (the service caps expires_at at
-- the parent's) and it ends the moment its parent ends, whatever ended it: logout,
-- "end this session", logout-all, force-logout by an org_admin, a password change, or
-- refresh-token reuse. The cascade lives here, in one trigger, so a revocation path
-- added later cannot forget it.

ALTER TABLE chambers.sessions
  ADD COLUMN parent_session_id uuid REFERENCES chambers.sessions (id) ON DELETE CASCADE;
CREATE INDEX sessions_parent_idx ON chambers.sessions (parent_session_id) WHERE parent_session_id IS NOT NULL;
-- No UPDATE grant on parent_session_id: the runtime role can never unbind a session from its parent.

-- SECURITY DEFINER so row-level security cannot hide a child from the cascade (an org_admin's
-- force-logout sees only the sessions of their organization). Callable by nobody: it runs only
-- as the trigger below, and it touches only the children of the row being revoked.
CREATE FUNCTION chambers.end_child_sessions() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, chambers
AS $$
BEGIN
  -- Each child's own update fires this trigger again, so grandchildren end too.
  UPDATE chambers.sessions
     SET revoked_at = NEW.revoked_at, revoked_reason = 'parent_session_ended'
   WHERE parent_session_id = NEW.id AND revoked_at IS NULL;
  RETURN NULL;
END $$;
REVOKE ALL ON FUNCTION chambers.end_child_sessions() FROM PUBLIC;

CREATE TRIGGER sessions_end_children
  AFTER UPDATE OF revoked_at ON chambers.sessions
  FOR EACH ROW WHEN (OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL)
  EXECUTE FUNCTION chambers.end_child_sessions();
