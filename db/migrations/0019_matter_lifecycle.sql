-- Matters with a lifecycle, and one search over matters, clients and document names (issue 14, items 1 and 5).
--
-- 1. A matter can be closed (and reopened) beside archived; it has a matter type, a practice area,
--    a client (chambers.clients, 0016), a responsible lawyer and a team.
-- 2. A reference is unique per organization, compared case-insensitively. Earlier duplicates are
--    kept readable: the second and later of each get " (2)", " (3)" … appended before the index.
-- 3. Search folds text the same way on PGlite and PostgreSQL: chambers.search_fold (NFKD, combining
--    marks removed, a few letters NFKD keeps whole spelt out, lower case). Triggers keep a folded
--    column on matters and documents, whoever writes the row; the query is folded by the same
--    function, so both sides of a LIKE compare the same bytes. Document contents never enter it.

ALTER TABLE chambers.matters DROP CONSTRAINT matters_status_check;
ALTER TABLE chambers.matters ADD CONSTRAINT matters_status_check CHECK (status IN ('open', 'closed', 'archived'));
ALTER TABLE chambers.matters
  ADD COLUMN matter_type text CHECK (length(matter_type) BETWEEN 1 AND 100),
  ADD COLUMN practice_area text CHECK (length(practice_area) BETWEEN 1 AND 100),
  ADD COLUMN client_id uuid REFERENCES chambers.clients (id) ON DELETE SET NULL,
  ADD COLUMN responsible_user_id uuid REFERENCES chambers.users (id),
  ADD COLUMN closed_at timestamptz,
  ADD COLUMN search_folded text NOT NULL DEFAULT '';
GRANT INSERT (matter_type, practice_area, client_id, responsible_user_id),
  UPDATE (matter_type, practice_area, client_id, responsible_user_id, closed_at)
  ON chambers.matters TO chambers_app;
CREATE INDEX matters_client_idx ON chambers.matters (client_id);

WITH dup AS (
  SELECT id, row_number() OVER (PARTITION BY org_id, lower(reference) ORDER BY created_at, id) AS n
    FROM chambers.matters WHERE reference IS NOT NULL
)
UPDATE chambers.matters m SET reference = left(m.reference, 90) || ' (' || dup.n || ')'
  FROM dup WHERE dup.id = m.id AND dup.n > 1;
CREATE UNIQUE INDEX matters_org_reference_key ON chambers.matters (org_id, lower(reference)) WHERE reference IS NOT NULL;

-- The members working on a matter besides its responsible lawyer. Visible when the matter is.
CREATE TABLE chambers.matter_team_members (
  matter_id uuid NOT NULL REFERENCES chambers.matters (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES chambers.users (id) ON DELETE CASCADE,
  org_id uuid NOT NULL REFERENCES chambers.organizations (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (matter_id, user_id)
);
ALTER TABLE chambers.matter_team_members ENABLE ROW LEVEL SECURITY;
ALTER TABLE chambers.matter_team_members FORCE ROW LEVEL SECURITY;
CREATE POLICY matter_team_members_through_matter ON chambers.matter_team_members
  USING (org_id = chambers.current_org_id() AND EXISTS (SELECT 1 FROM chambers.matters m WHERE m.id = matter_team_members.matter_id))
  WITH CHECK (org_id = chambers.current_org_id() AND EXISTS (SELECT 1 FROM chambers.matters m WHERE m.id = matter_team_members.matter_id));
GRANT SELECT, INSERT (matter_id, user_id, org_id), DELETE ON chambers.matter_team_members TO chambers_app;

-- Text folded for search. IMMUTABLE: it depends on its argument only (the Unicode tables are compiled in).
CREATE FUNCTION chambers.search_fold(t text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN lower(replace(replace(replace(replace(replace(translate(
    regexp_replace(normalize(coalesce(t, ''), NFKD), '[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]', '', 'g'),
    'øØłŁđĐ', 'ooLLdD'), 'ß', 'ss'), 'æ', 'ae'), 'Æ', 'ae'), 'œ', 'oe'), 'Œ', 'oe'));

CREATE FUNCTION chambers.matters_fold_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_folded := chambers.search_fold(concat_ws(' ', NEW.title, NEW.reference, NEW.client_name, NEW.practice_area, NEW.matter_type));
  RETURN NEW;
END $$;
CREATE TRIGGER matters_fold BEFORE INSERT OR UPDATE ON chambers.matters
  FOR EACH ROW EXECUTE FUNCTION chambers.matters_fold_trigger();
UPDATE chambers.matters SET search_folded = chambers.search_fold(concat_ws(' ', title, reference, client_name));

-- A document's name and tags, folded; null once the document is deleted (its name is gone too).
ALTER TABLE chambers.documents ADD COLUMN name_folded text;
CREATE FUNCTION chambers.documents_fold_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.name_folded := CASE WHEN NEW.name IS NULL THEN NULL
    ELSE chambers.search_fold(concat_ws(' ', NEW.name, array_to_string(NEW.tags, ' '))) END;
  RETURN NEW;
END $$;
CREATE TRIGGER documents_fold BEFORE INSERT OR UPDATE ON chambers.documents
  FOR EACH ROW EXECUTE FUNCTION chambers.documents_fold_trigger();
UPDATE chambers.documents SET name_folded = chambers.search_fold(concat_ws(' ', name, array_to_string(tags, ' ')))
  WHERE name IS NOT NULL;
