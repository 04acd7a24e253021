-- Two shortcuts for the policies every list runs, each kept equal by the database to what
-- it replaces, so no policy sees less than before (docs/performance.md, sixth round).
--
-- A document list checks each document, each version and the matter through the matters
-- policy, and each of those checks asked matter_walls whether the matter is walled; a
-- version was checked through its document, whose own policy then checked the matter. On
-- the embedded engine that policy work runs in the server's process and was about half of a
-- ten-document list's database time.

-- 1. matters.walled: true exactly when the matter has a row in matter_walls. Written only by
-- the trigger below (the runtime role has no INSERT or UPDATE grant on it), in the same
-- transaction as the wall row, so both commit or neither does.
ALTER TABLE chambers.matters ADD COLUMN walled boolean NOT NULL DEFAULT false;
UPDATE chambers.matters m SET walled = true
 WHERE EXISTS (SELECT 1 FROM chambers.matter_walls w WHERE w.matter_id = m.id);

-- SECURITY DEFINER: the org_admin who raises a wall may not be admitted behind it, and the
-- matter row must change all the same. Callable by nobody; it runs only as the trigger.
CREATE FUNCTION chambers.matter_walls_keep_walled() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, chambers
AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    -- An AFTER trigger sees the statement's own changes: the removed wall is gone here.
    UPDATE chambers.matters m
       SET walled = EXISTS (SELECT 1 FROM chambers.matter_walls w WHERE w.matter_id = m.id)
     WHERE m.id = OLD.matter_id;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    UPDATE chambers.matters m SET walled = true WHERE m.id = NEW.matter_id AND NOT m.walled;
  END IF;
  RETURN NULL;
END $$;
REVOKE ALL ON FUNCTION chambers.matter_walls_keep_walled() FROM PUBLIC;
CREATE TRIGGER matter_walls_keep_walled AFTER INSERT OR UPDATE OR DELETE ON chambers.matter_walls
  FOR EACH ROW EXECUTE FUNCTION chambers.matter_walls_keep_walled();

-- The same rule as 0007's, reading the flag instead of matter_walls.
DROP POLICY matters_own_org ON chambers.matters;
CREATE POLICY matters_own_org ON chambers.matters
  USING (
    org_id = chambers.current_org_id()
    AND (
      NOT walled
      OR EXISTS (SELECT 1 FROM chambers.matter_wall_members m
                  WHERE m.matter_id = matters.id AND m.user_id = chambers.current_user_id())
    )
  )
  WITH CHECK (org_id = chambers.current_org_id());

-- 2. document_versions.matter_id: the matter of the version's document, filled by the
-- trigger below whatever the writer sends, and held to it by a foreign key on the triple
-- (org_id, document_id, matter_id). A document never changes matter (no grant on
-- documents.matter_id; the key has no ON UPDATE action, so even the owner cannot move one
-- that has versions).
ALTER TABLE chambers.document_versions ADD COLUMN matter_id uuid;
UPDATE chambers.document_versions v SET matter_id = d.matter_id
  FROM chambers.documents d WHERE d.id = v.document_id;
ALTER TABLE chambers.document_versions ALTER COLUMN matter_id SET NOT NULL;
ALTER TABLE chambers.documents ADD CONSTRAINT documents_org_id_id_matter_id_key UNIQUE (org_id, id, matter_id);
ALTER TABLE chambers.document_versions ADD CONSTRAINT document_versions_document_matter
  FOREIGN KEY (org_id, document_id, matter_id) REFERENCES chambers.documents (org_id, id, matter_id) ON DELETE CASCADE;

-- SECURITY DEFINER so the value never depends on what the writer may see: an insert the
-- writer may not make is still refused by the policy's WITH CHECK below (42501).
CREATE FUNCTION chambers.document_versions_fill_matter() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, chambers
AS $$
BEGIN
  NEW.matter_id := (SELECT d.matter_id FROM chambers.documents d WHERE d.id = NEW.document_id AND d.org_id = NEW.org_id);
  RETURN NEW;
END $$;
REVOKE ALL ON FUNCTION chambers.document_versions_fill_matter() FROM PUBLIC;
CREATE TRIGGER document_versions_fill_matter BEFORE INSERT ON chambers.document_versions
  FOR EACH ROW EXECUTE FUNCTION chambers.document_versions_fill_matter();

-- Visible when its matter is, as before (its document is visible exactly when that matter
-- is); the write check still goes through the document.
DROP POLICY document_versions_through_document ON chambers.document_versions;
CREATE POLICY document_versions_through_matter ON chambers.document_versions
  USING (org_id = chambers.current_org_id() AND EXISTS (SELECT 1 FROM chambers.matters m WHERE m.id = document_versions.matter_id))
  WITH CHECK (org_id = chambers.current_org_id() AND EXISTS (SELECT 1 FROM chambers.documents d WHERE d.id = document_versions.document_id));
