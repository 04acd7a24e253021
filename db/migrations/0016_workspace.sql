-- The lawyer's daily workspace (issue 14, items 2 and 3): clients and their contacts, the
-- parties of a matter (what the conflict check searches), notes, tasks, deadlines and
-- hearings, and each member's secret iCalendar feed. Row-level security ENABLED and FORCED
-- on every table; chambers_app gets column grants only.
--
-- Personal data (privacy export and erasure must cover these columns):
--   clients.name, clients.name_normalized, clients.email, clients.phone, clients.address
--   client_contacts.name, client_contacts.name_normalized, client_contacts.email, client_contacts.phone
--   matter_parties.name, matter_parties.name_normalized
-- name_normalized is the name folded for matching (NFKD, combining marks removed, lower case),
-- written by the application so PGlite and PostgreSQL compare the same bytes.

-- A client of the firm: a person or a company. A former client stays, marked 'former': the
-- conflict check must still find it.
CREATE TABLE chambers.clients (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES chambers.organizations (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('person', 'company')),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
  name_normalized text NOT NULL CHECK (length(name_normalized) <= 600),
  email text CHECK (length(email) <= 254),
  phone text CHECK (length(phone) <= 50),
  address text CHECK (length(address) <= 1000),
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'former')),
  created_by uuid NOT NULL REFERENCES chambers.users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX clients_org_name_idx ON chambers.clients (org_id, name_normalized);
ALTER TABLE chambers.clients ENABLE ROW LEVEL SECURITY;
ALTER TABLE chambers.clients FORCE ROW LEVEL SECURITY;
CREATE POLICY clients_own_org ON chambers.clients
  USING (org_id = chambers.current_org_id())
  WITH CHECK (org_id = chambers.current_org_id());
GRANT SELECT, INSERT (org_id, kind, name, name_normalized, email, phone, address, status, created_by),
  UPDATE (kind, name, name_normalized, email, phone, address, status, updated_at)
  ON chambers.clients TO chambers_app;

-- A contact person at a client (the company's general counsel, a family member).
CREATE TABLE chambers.client_contacts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES chambers.organizations (id) ON DELETE CASCADE,
  client_id uuid NOT NULL REFERENCES chambers.clients (id) ON DELETE CASCADE,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
  name_normalized text NOT NULL CHECK (length(name_normalized) <= 600),
  role text CHECK (length(role) <= 100),
  email text CHECK (length(email) <= 254),
  phone text CHECK (length(phone) <= 50),
  created_by uuid NOT NULL REFERENCES chambers.users (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX client_contacts_client_idx ON chambers.client_contacts (client_id, created_at);
ALTER TABLE chambers.client_contacts ENABLE ROW LEVEL SECURITY;
ALTER TABLE chambers.client_contacts FORCE ROW LEVEL SECURITY;
CREATE POLICY client_contacts_own_org ON chambers.client_contacts
  USING (org_id = chambers.current_org_id())
  WITH CHECK (org_id = chambers.current_org_id());
GRANT SELECT, INSERT (org_id, client_id, name, name_normalized, role, email, phone, created_by), DELETE
  ON chambers.client_contacts TO chambers_app;

-- A party to a matter, optionally one of the firm's clients. Visible across the organization,
-- ethical walls included, on purpose: a conflict check that skipped walled matters would miss
-- the conflicts walls exist for. The routes that list a matter's parties check that the caller
-- sees the matter, and the conflict check withholds the matter id of a walled hit.
CREATE TABLE chambers.matter_parties (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES chambers.organizations (id) ON DELETE CASCADE,
  matter_id uuid NOT NULL REFERENCES chambers.matters (id) ON DELETE CASCADE,
  client_id uuid REFERENCES chambers.clients (id) ON DELETE SET NULL,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
  name_normalized text NOT NULL CHECK (length(name_normalized) <= 600),
  role text NOT NULL CHECK (length(role) BETWEEN 1 AND 50),
  created_by uuid NOT NULL REFERENCES chambers.users (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX matter_parties_matter_idx ON chambers.matter_parties (matter_id, created_at);
CREATE INDEX matter_parties_client_idx ON chambers.matter_parties (client_id);
CREATE INDEX matter_parties_org_name_idx ON chambers.matter_parties (org_id, name_normalized);
ALTER TABLE chambers.matter_parties ENABLE ROW LEVEL SECURITY;
ALTER TABLE chambers.matter_parties FORCE ROW LEVEL SECURITY;
CREATE POLICY matter_parties_own_org ON chambers.matter_parties
  USING (org_id = chambers.current_org_id())
  WITH CHECK (org_id = chambers.current_org_id() AND EXISTS (SELECT 1 FROM chambers.matters m WHERE m.id = matter_parties.matter_id));
GRANT SELECT, INSERT (org_id, matter_id, client_id, name, name_normalized, role, created_by)
  ON chambers.matter_parties TO chambers_app;

-- Notes, tasks and deadlines belong to a matter and are visible only when it is: each policy's
-- subquery runs under the matters policy, so an ethical wall hides them as it hides documents.
CREATE TABLE chambers.matter_notes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES chambers.organizations (id) ON DELETE CASCADE,
  matter_id uuid NOT NULL REFERENCES chambers.matters (id) ON DELETE CASCADE,
  body text NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
  created_by uuid NOT NULL REFERENCES chambers.users (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX matter_notes_matter_idx ON chambers.matter_notes (matter_id, created_at DESC);
ALTER TABLE chambers.matter_notes ENABLE ROW LEVEL SECURITY;
ALTER TABLE chambers.matter_notes FORCE ROW LEVEL SECURITY;
CREATE POLICY matter_notes_through_matter ON chambers.matter_notes
  USING (org_id = chambers.current_org_id() AND EXISTS (SELECT 1 FROM chambers.matters m WHERE m.id = matter_notes.matter_id))
  WITH CHECK (org_id = chambers.current_org_id() AND EXISTS (SELECT 1 FROM chambers.matters m WHERE m.id = matter_notes.matter_id));
GRANT SELECT, INSERT (org_id, matter_id, body, created_by) ON chambers.matter_notes TO chambers_app;

CREATE TABLE chambers.matter_tasks (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES chambers.organizations (id) ON DELETE CASCADE,
  matter_id uuid NOT NULL REFERENCES chambers.matters (id) ON DELETE CASCADE,
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
  assignee_id uuid REFERENCES chambers.users (id) ON DELETE SET NULL,
  due_at timestamptz,
  done_at timestamptz,
  created_by uuid NOT NULL REFERENCES chambers.users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX matter_tasks_matter_idx ON chambers.matter_tasks (matter_id, created_at);
CREATE INDEX matter_tasks_assignee_idx ON chambers.matter_tasks (org_id, assignee_id) WHERE done_at IS NULL;
ALTER TABLE chambers.matter_tasks ENABLE ROW LEVEL SECURITY;
ALTER TABLE chambers.matter_tasks FORCE ROW LEVEL SECURITY;
CREATE POLICY matter_tasks_through_matter ON chambers.matter_tasks
  USING (org_id = chambers.current_org_id() AND EXISTS (SELECT 1 FROM chambers.matters m WHERE m.id = matter_tasks.matter_id))
  WITH CHECK (org_id = chambers.current_org_id() AND EXISTS (SELECT 1 FROM chambers.matters m WHERE m.id = matter_tasks.matter_id));
GRANT SELECT, INSERT (org_id, matter_id, title, assignee_id, due_at, created_by),
  UPDATE (title, assignee_id, due_at, done_at, updated_at) ON chambers.matter_tasks TO chambers_app;

-- A deadline or a hearing. remind_at is when its reminder mail goes out; reminded_at is set
-- by the reminder job (owner path) once it has.
CREATE TABLE chambers.matter_deadlines (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES chambers.organizations (id) ON DELETE CASCADE,
  matter_id uuid NOT NULL REFERENCES chambers.matters (id) ON DELETE CASCADE,
  kind text NOT NULL DEFAULT 'deadline' CHECK (kind IN ('deadline', 'hearing')),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
  due_at timestamptz NOT NULL,
  remind_at timestamptz,
  reminded_at timestamptz,
  created_by uuid NOT NULL REFERENCES chambers.users (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX matter_deadlines_org_due_idx ON chambers.matter_deadlines (org_id, due_at);
CREATE INDEX matter_deadlines_reminder_idx ON chambers.matter_deadlines (remind_at) WHERE reminded_at IS NULL;
ALTER TABLE chambers.matter_deadlines ENABLE ROW LEVEL SECURITY;
ALTER TABLE chambers.matter_deadlines FORCE ROW LEVEL SECURITY;
CREATE POLICY matter_deadlines_through_matter ON chambers.matter_deadlines
  USING (org_id = chambers.current_org_id() AND EXISTS (SELECT 1 FROM chambers.matters m WHERE m.id = matter_deadlines.matter_id))
  WITH CHECK (org_id = chambers.current_org_id() AND EXISTS (SELECT 1 FROM chambers.matters m WHERE m.id = matter_deadlines.matter_id));
GRANT SELECT, INSERT (org_id, matter_id, kind, title, due_at, remind_at, created_by)
  ON chambers.matter_deadlines TO chambers_app;

-- A member's secret iCalendar feed URL: only the SHA-256 of its 256-bit token is stored, and the
-- runtime role writes it but never reads it back (the lookup by hash runs on the owner path,
-- before any tenant is known). One feed per member and organization; a new one replaces it.
CREATE TABLE chambers.calendar_feeds (
  org_id uuid NOT NULL REFERENCES chambers.organizations (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES chambers.users (id) ON DELETE CASCADE,
  token_hash bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, user_id)
);
ALTER TABLE chambers.calendar_feeds ENABLE ROW LEVEL SECURITY;
ALTER TABLE chambers.calendar_feeds FORCE ROW LEVEL SECURITY;
CREATE POLICY calendar_feeds_own ON chambers.calendar_feeds
  USING (org_id = chambers.current_org_id() AND user_id = chambers.current_user_id())
  WITH CHECK (org_id = chambers.current_org_id() AND user_id = chambers.current_user_id());
GRANT SELECT (org_id, user_id, created_at), INSERT (org_id, user_id, token_hash), DELETE
  ON chambers.calendar_feeds TO chambers_app;
