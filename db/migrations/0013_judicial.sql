-- Judges' chambers: the judicial store. Its own schema (in the main database, or alone in
-- the database JUDICIAL_DATABASE_URL names: the same migrations run there), policies keyed
-- by judge and not only by organization, and no reference to any other schema's table, so
-- the store works unchanged in a database of its own.
--
-- Who sees what, enforced here for the runtime role chambers_app:
--   a case: its assigned judge, and the clerks the judge shared it with (judicial.case_clerks);
--   parties, hearings, deadlines, documents: whoever sees the case;
--   notes: their author only (never a clerk, another judge or an administrator);
--   orders: a draft to its author only, an issued order to everyone who sees the case.
-- Court administrators read case metadata and counts through chambers_judicial_oversight,
-- a role that may SELECT metadata columns and nothing else (never notes, never drafts).

-- The court roles: a clerk works for a judge, on the cases the judge shares. The role lists
-- of memberships and invitations are widened in place, whatever other values they hold.
DO $$
DECLARE
  c record;
BEGIN
  FOR c IN
    SELECT con.conrelid::regclass AS tbl, con.conname, pg_get_constraintdef(con.oid) AS def
      FROM pg_constraint con
     WHERE con.conrelid IN ('chambers.memberships'::regclass, 'chambers.invitations'::regclass)
       AND con.contype = 'c' AND pg_get_constraintdef(con.oid) LIKE '%''judge''::text%'
       AND pg_get_constraintdef(con.oid) NOT LIKE '%''clerk''::text%'
  LOOP
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', c.tbl, c.conname);
    EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I %s', c.tbl, c.conname,
                   replace(c.def, '''judge''::text', '''judge''::text, ''clerk''::text'));
  END LOOP;
END $$;

CREATE SCHEMA judicial;
GRANT USAGE ON SCHEMA judicial TO chambers_app, chambers_judicial_oversight;
-- The oversight role reads the current organization through the same setting function.
GRANT USAGE ON SCHEMA chambers TO chambers_judicial_oversight;
GRANT EXECUTE ON FUNCTION chambers.current_org_id() TO chambers_judicial_oversight;

-- The judicial key-encryption key's check value: a start with the wrong judicial key stops
-- instead of writing notes nobody can read. Owner-only, like chambers.deployment.
CREATE TABLE judicial.key_check (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  check_value text NOT NULL,
  rotated_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE judicial.key_check ENABLE ROW LEVEL SECURITY;
ALTER TABLE judicial.key_check FORCE ROW LEVEL SECURITY;

CREATE TABLE judicial.cases (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL,
  case_number text NOT NULL CHECK (length(case_number) BETWEEN 1 AND 100),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
  case_type text CHECK (length(case_type) <= 100),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'reserved', 'disposed', 'closed')),
  judge_id uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- One case number per court, whichever judge holds it.
  CONSTRAINT cases_number_per_court UNIQUE (org_id, case_number),
  -- The target of the (case, judge) foreign keys below: a row that names a judge names the case's judge.
  CONSTRAINT cases_id_judge UNIQUE (id, judge_id)
);
CREATE INDEX cases_judge_idx ON judicial.cases (org_id, judge_id, created_at DESC);

-- The clerks a judge shares a case with. judge_id is the case's judge (the composite foreign
-- key proves it), so only the assigned judge can share, and the policy needs no subquery.
CREATE TABLE judicial.case_clerks (
  case_id uuid NOT NULL,
  org_id uuid NOT NULL,
  judge_id uuid NOT NULL,
  user_id uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (case_id, user_id),
  FOREIGN KEY (case_id, judge_id) REFERENCES judicial.cases (id, judge_id) ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX case_clerks_user_idx ON judicial.case_clerks (org_id, user_id);

CREATE TABLE judicial.parties (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_id uuid NOT NULL REFERENCES judicial.cases (id) ON DELETE CASCADE,
  org_id uuid NOT NULL,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
  role text NOT NULL CHECK (length(role) BETWEEN 1 AND 100),
  created_by uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX parties_case_idx ON judicial.parties (case_id);

CREATE TABLE judicial.hearings (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_id uuid NOT NULL REFERENCES judicial.cases (id) ON DELETE CASCADE,
  org_id uuid NOT NULL,
  at timestamptz NOT NULL,
  purpose text NOT NULL CHECK (length(purpose) BETWEEN 1 AND 300),
  created_by uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX hearings_at_idx ON judicial.hearings (org_id, at);
CREATE INDEX hearings_case_idx ON judicial.hearings (case_id, at);

CREATE TABLE judicial.deadlines (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_id uuid NOT NULL REFERENCES judicial.cases (id) ON DELETE CASCADE,
  org_id uuid NOT NULL,
  due_on date NOT NULL,
  description text NOT NULL CHECK (length(description) BETWEEN 1 AND 300),
  created_by uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX deadlines_case_idx ON judicial.deadlines (case_id, due_on);

-- Private notes: the body is AES-256-GCM under a data key wrapped by the judicial key.
CREATE TABLE judicial.notes (
  id uuid PRIMARY KEY,
  case_id uuid NOT NULL REFERENCES judicial.cases (id) ON DELETE CASCADE,
  org_id uuid NOT NULL,
  author_id uuid NOT NULL,
  body_ciphertext bytea NOT NULL,
  wrapped_key bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notes_case_author_idx ON judicial.notes (case_id, author_id, created_at);

-- Orders: a draft belongs to its author; issuing is one-way (the trigger below refuses any
-- change to an issued order, whoever asks, the owner included, but the re-wrap of its key).
CREATE TABLE judicial.orders (
  id uuid PRIMARY KEY,
  case_id uuid NOT NULL REFERENCES judicial.cases (id) ON DELETE CASCADE,
  org_id uuid NOT NULL,
  author_id uuid NOT NULL,
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
  body_ciphertext bytea NOT NULL,
  wrapped_key bytea NOT NULL,
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'issued')),
  issued_at timestamptz,
  issued_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'issued') = (issued_at IS NOT NULL AND issued_by IS NOT NULL))
);
CREATE INDEX orders_case_idx ON judicial.orders (case_id, created_at);

CREATE FUNCTION judicial.orders_issued_are_final() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
  -- The one change an issued order admits: its data key re-wrapped under a new judicial key
  -- (keys rotate-judicial), which leaves title, body and every other column as they were.
  IF TG_OP = 'UPDATE' AND OLD.status = 'issued' AND (to_jsonb(NEW) - 'wrapped_key') = (to_jsonb(OLD) - 'wrapped_key') THEN
    RETURN NEW;
  END IF;
  IF OLD.status = 'issued' THEN
    RAISE EXCEPTION 'an issued order cannot be changed or deleted' USING ERRCODE = 'check_violation';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER orders_issued_are_final BEFORE UPDATE OR DELETE ON judicial.orders
  FOR EACH ROW EXECUTE FUNCTION judicial.orders_issued_are_final();

-- Case documents: vault semantics (chunked AES-256-GCM blob, its own data key) under the judicial key.
CREATE TABLE judicial.documents (
  id uuid PRIMARY KEY,
  case_id uuid NOT NULL REFERENCES judicial.cases (id) ON DELETE CASCADE,
  org_id uuid NOT NULL,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
  content_type text NOT NULL CHECK (length(content_type) BETWEEN 1 AND 200),
  size bigint NOT NULL CHECK (size >= 0),
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  blob_key text NOT NULL,
  wrapped_key bytea NOT NULL,
  created_by uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX documents_case_idx ON judicial.documents (case_id, created_at);

-- Row-level security, FORCED everywhere. Every policy is for chambers_app (or the oversight role)
-- only: a policy for PUBLIC would also open to roles it was not written for.
ALTER TABLE judicial.cases ENABLE ROW LEVEL SECURITY;
ALTER TABLE judicial.cases FORCE ROW LEVEL SECURITY;
ALTER TABLE judicial.case_clerks ENABLE ROW LEVEL SECURITY;
ALTER TABLE judicial.case_clerks FORCE ROW LEVEL SECURITY;
ALTER TABLE judicial.parties ENABLE ROW LEVEL SECURITY;
ALTER TABLE judicial.parties FORCE ROW LEVEL SECURITY;
ALTER TABLE judicial.hearings ENABLE ROW LEVEL SECURITY;
ALTER TABLE judicial.hearings FORCE ROW LEVEL SECURITY;
ALTER TABLE judicial.deadlines ENABLE ROW LEVEL SECURITY;
ALTER TABLE judicial.deadlines FORCE ROW LEVEL SECURITY;
ALTER TABLE judicial.notes ENABLE ROW LEVEL SECURITY;
ALTER TABLE judicial.notes FORCE ROW LEVEL SECURITY;
ALTER TABLE judicial.orders ENABLE ROW LEVEL SECURITY;
ALTER TABLE judicial.orders FORCE ROW LEVEL SECURITY;
ALTER TABLE judicial.documents ENABLE ROW LEVEL SECURITY;
ALTER TABLE judicial.documents FORCE ROW LEVEL SECURITY;

-- Clerk rows: seen by the clerk named and by the case's judge; written by the judge only.
-- No subquery here, so the case policy below may look at this table without recursion.
CREATE POLICY case_clerks_seen ON judicial.case_clerks FOR SELECT TO chambers_app
  USING (org_id = chambers.current_org_id()
         AND (user_id = chambers.current_user_id() OR judge_id = chambers.current_user_id()));
CREATE POLICY case_clerks_judge_adds ON judicial.case_clerks FOR INSERT TO chambers_app
  WITH CHECK (org_id = chambers.current_org_id() AND judge_id = chambers.current_user_id());
CREATE POLICY case_clerks_judge_removes ON judicial.case_clerks FOR DELETE TO chambers_app
  USING (org_id = chambers.current_org_id() AND judge_id = chambers.current_user_id());
GRANT SELECT, INSERT (case_id, org_id, judge_id, user_id), DELETE ON judicial.case_clerks TO chambers_app;

-- A case: its judge, or a clerk it is shared with. Only a judge opens a case, as its own judge.
CREATE POLICY cases_seen ON judicial.cases FOR SELECT TO chambers_app
  USING (org_id = chambers.current_org_id()
         AND (judge_id = chambers.current_user_id()
              OR EXISTS (SELECT 1 FROM judicial.case_clerks c
                          WHERE c.case_id = cases.id AND c.user_id = chambers.current_user_id())));
CREATE POLICY cases_opened_by_judge ON judicial.cases FOR INSERT TO chambers_app
  WITH CHECK (org_id = chambers.current_org_id() AND judge_id = chambers.current_user_id());
CREATE POLICY cases_changed_by_judge ON judicial.cases FOR UPDATE TO chambers_app
  USING (org_id = chambers.current_org_id() AND judge_id = chambers.current_user_id())
  WITH CHECK (org_id = chambers.current_org_id() AND judge_id = chambers.current_user_id());
GRANT SELECT, INSERT (org_id, case_number, title, case_type, judge_id), UPDATE (title, case_type, status, updated_at)
  ON judicial.cases TO chambers_app;

-- Whatever hangs off a case is visible exactly when the case is: the EXISTS runs under the
-- case policy above. Whoever sees the case adds to it (a clerk schedules hearings); only the
-- row's author or the case's judge changes or removes what is there.
CREATE POLICY parties_seen ON judicial.parties FOR SELECT TO chambers_app
  USING (org_id = chambers.current_org_id() AND EXISTS (SELECT 1 FROM judicial.cases k WHERE k.id = parties.case_id));
CREATE POLICY parties_added ON judicial.parties FOR INSERT TO chambers_app
  WITH CHECK (org_id = chambers.current_org_id() AND created_by = chambers.current_user_id()
              AND EXISTS (SELECT 1 FROM judicial.cases k WHERE k.id = parties.case_id AND k.org_id = parties.org_id));
CREATE POLICY parties_removed ON judicial.parties FOR DELETE TO chambers_app
  USING (org_id = chambers.current_org_id()
         AND (created_by = chambers.current_user_id()
              OR EXISTS (SELECT 1 FROM judicial.cases k WHERE k.id = parties.case_id AND k.judge_id = chambers.current_user_id())));
GRANT SELECT, INSERT (case_id, org_id, name, role, created_by), DELETE ON judicial.parties TO chambers_app;

CREATE POLICY hearings_seen ON judicial.hearings FOR SELECT TO chambers_app
  USING (org_id = chambers.current_org_id() AND EXISTS (SELECT 1 FROM judicial.cases k WHERE k.id = hearings.case_id));
CREATE POLICY hearings_added ON judicial.hearings FOR INSERT TO chambers_app
  WITH CHECK (org_id = chambers.current_org_id() AND created_by = chambers.current_user_id()
              AND EXISTS (SELECT 1 FROM judicial.cases k WHERE k.id = hearings.case_id AND k.org_id = hearings.org_id));
CREATE POLICY hearings_changed ON judicial.hearings FOR UPDATE TO chambers_app
  USING (org_id = chambers.current_org_id()
         AND (created_by = chambers.current_user_id()
              OR EXISTS (SELECT 1 FROM judicial.cases k WHERE k.id = hearings.case_id AND k.judge_id = chambers.current_user_id())))
  WITH CHECK (org_id = chambers.current_org_id());
CREATE POLICY hearings_removed ON judicial.hearings FOR DELETE TO chambers_app
  USING (org_id = chambers.current_org_id()
         AND (created_by = chambers.current_user_id()
              OR EXISTS (SELECT 1 FROM judicial.cases k WHERE k.id = hearings.case_id AND k.judge_id = chambers.current_user_id())));
GRANT SELECT, INSERT (case_id, org_id, at, purpose, created_by), UPDATE (at, purpose), DELETE ON judicial.hearings TO chambers_app;

CREATE POLICY deadlines_seen ON judicial.deadlines FOR SELECT TO chambers_app
  USING (org_id = chambers.current_org_id() AND EXISTS (SELECT 1 FROM judicial.cases k WHERE k.id = deadlines.case_id));
CREATE POLICY deadlines_added ON judicial.deadlines FOR INSERT TO chambers_app
  WITH CHECK (org_id = chambers.current_org_id() AND created_by = chambers.current_user_id()
              AND EXISTS (SELECT 1 FROM judicial.cases k WHERE k.id = deadlines.case_id AND k.org_id = deadlines.org_id));
CREATE POLICY deadlines_changed ON judicial.deadlines FOR UPDATE TO chambers_app
  USING (org_id = chambers.current_org_id()
         AND (created_by = chambers.current_user_id()
              OR EXISTS (SELECT 1 FROM judicial.cases k WHERE k.id = deadlines.case_id AND k.judge_id = chambers.current_user_id())))
  WITH CHECK (org_id = chambers.current_org_id());
CREATE POLICY deadlines_removed ON judicial.deadlines FOR DELETE TO chambers_app
  USING (org_id = chambers.current_org_id()
         AND (created_by = chambers.current_user_id()
              OR EXISTS (SELECT 1 FROM judicial.cases k WHERE k.id = deadlines.case_id AND k.judge_id = chambers.current_user_id())));
GRANT SELECT, INSERT (case_id, org_id, due_on, description, created_by), UPDATE (due_on, description), DELETE ON judicial.deadlines TO chambers_app;

CREATE POLICY documents_seen ON judicial.documents FOR SELECT TO chambers_app
  USING (org_id = chambers.current_org_id() AND EXISTS (SELECT 1 FROM judicial.cases k WHERE k.id = documents.case_id));
CREATE POLICY documents_added ON judicial.documents FOR INSERT TO chambers_app
  WITH CHECK (org_id = chambers.current_org_id() AND created_by = chambers.current_user_id()
              AND EXISTS (SELECT 1 FROM judicial.cases k WHERE k.id = documents.case_id AND k.org_id = documents.org_id));
CREATE POLICY documents_removed ON judicial.documents FOR DELETE TO chambers_app
  USING (org_id = chambers.current_org_id()
         AND (created_by = chambers.current_user_id()
              OR EXISTS (SELECT 1 FROM judicial.cases k WHERE k.id = documents.case_id AND k.judge_id = chambers.current_user_id())));
GRANT SELECT, INSERT (id, case_id, org_id, name, content_type, size, sha256, blob_key, wrapped_key, created_by), DELETE ON judicial.documents TO chambers_app;

-- Notes: the author's alone, on a case the author sees.
CREATE POLICY notes_author_only ON judicial.notes FOR ALL TO chambers_app
  USING (org_id = chambers.current_org_id() AND author_id = chambers.current_user_id()
         AND EXISTS (SELECT 1 FROM judicial.cases k WHERE k.id = notes.case_id))
  WITH CHECK (org_id = chambers.current_org_id() AND author_id = chambers.current_user_id()
              AND EXISTS (SELECT 1 FROM judicial.cases k WHERE k.id = notes.case_id AND k.org_id = notes.org_id));
GRANT SELECT, INSERT (id, case_id, org_id, author_id, body_ciphertext, wrapped_key), DELETE ON judicial.notes TO chambers_app;

-- Orders: a draft to its author, an issued order to everyone on the case. Only the author
-- changes a draft; it becomes issued only at the hand of the case's judge.
CREATE POLICY orders_seen ON judicial.orders FOR SELECT TO chambers_app
  USING (org_id = chambers.current_org_id()
         AND (author_id = chambers.current_user_id() OR status = 'issued')
         AND EXISTS (SELECT 1 FROM judicial.cases k WHERE k.id = orders.case_id));
CREATE POLICY orders_drafted ON judicial.orders FOR INSERT TO chambers_app
  WITH CHECK (org_id = chambers.current_org_id() AND author_id = chambers.current_user_id() AND status = 'draft'
              AND EXISTS (SELECT 1 FROM judicial.cases k WHERE k.id = orders.case_id AND k.org_id = orders.org_id));
CREATE POLICY orders_draft_changed ON judicial.orders FOR UPDATE TO chambers_app
  USING (org_id = chambers.current_org_id() AND author_id = chambers.current_user_id() AND status = 'draft'
         AND EXISTS (SELECT 1 FROM judicial.cases k WHERE k.id = orders.case_id))
  WITH CHECK (org_id = chambers.current_org_id() AND author_id = chambers.current_user_id()
              AND (status = 'draft'
                   OR (issued_by = chambers.current_user_id()
                       AND EXISTS (SELECT 1 FROM judicial.cases k
                                    WHERE k.id = orders.case_id AND k.judge_id = chambers.current_user_id()))));
CREATE POLICY orders_draft_deleted ON judicial.orders FOR DELETE TO chambers_app
  USING (org_id = chambers.current_org_id() AND author_id = chambers.current_user_id() AND status = 'draft');
GRANT SELECT, INSERT (id, case_id, org_id, author_id, title, body_ciphertext, wrapped_key),
  UPDATE (title, body_ciphertext, wrapped_key, status, issued_at, issued_by, updated_at), DELETE
  ON judicial.orders TO chambers_app;

-- Oversight: court administrators see metadata and counts of their court, read-only,
-- never a note and never a draft (no grant on notes; issued orders only; no body columns).
CREATE POLICY cases_oversight ON judicial.cases FOR SELECT TO chambers_judicial_oversight
  USING (org_id = chambers.current_org_id());
CREATE POLICY hearings_oversight ON judicial.hearings FOR SELECT TO chambers_judicial_oversight
  USING (org_id = chambers.current_org_id());
CREATE POLICY deadlines_oversight ON judicial.deadlines FOR SELECT TO chambers_judicial_oversight
  USING (org_id = chambers.current_org_id());
CREATE POLICY orders_oversight ON judicial.orders FOR SELECT TO chambers_judicial_oversight
  USING (org_id = chambers.current_org_id() AND status = 'issued');
CREATE POLICY documents_oversight ON judicial.documents FOR SELECT TO chambers_judicial_oversight
  USING (org_id = chambers.current_org_id());
GRANT SELECT (id, org_id, case_number, title, case_type, status, judge_id, created_at, updated_at)
  ON judicial.cases TO chambers_judicial_oversight;
GRANT SELECT (id, case_id, org_id, at) ON judicial.hearings TO chambers_judicial_oversight;
GRANT SELECT (id, case_id, org_id, due_on) ON judicial.deadlines TO chambers_judicial_oversight;
GRANT SELECT (id, case_id, org_id, status, issued_at) ON judicial.orders TO chambers_judicial_oversight;
GRANT SELECT (id, case_id, org_id, size) ON judicial.documents TO chambers_judicial_oversight;
