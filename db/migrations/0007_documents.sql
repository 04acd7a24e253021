-- Matters (ethical walls, legal hold) and the encrypted document vault: documents,
-- their versions (each with its own wrapped data key), share links and the per-
-- organization document policy. Plaintext never enters the database: a version row
-- holds the data key wrapped by the organization key, and the blob holds ciphertext.

-- A matter under legal hold: none of its documents may be deleted, by a person or by retention.
ALTER TABLE chambers.matters ADD COLUMN legal_hold boolean NOT NULL DEFAULT false;
GRANT UPDATE (legal_hold) ON chambers.matters TO chambers_app;

-- Ethical walls. A matter with a row in matter_walls is visible only to the members
-- listed in matter_wall_members; the matters policy below reads both tables with the
-- caller's own rights, so a screened member cannot see the wall's members either.
CREATE TABLE chambers.matter_walls (
  matter_id uuid PRIMARY KEY REFERENCES chambers.matters (id) ON DELETE CASCADE,
  org_id uuid NOT NULL REFERENCES chambers.organizations (id) ON DELETE CASCADE,
  created_by uuid NOT NULL REFERENCES chambers.users (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE chambers.matter_walls ENABLE ROW LEVEL SECURITY;
ALTER TABLE chambers.matter_walls FORCE ROW LEVEL SECURITY;
-- Every member may learn that a matter id is walled (nothing else), so the matters policy can ask.
CREATE POLICY matter_walls_read ON chambers.matter_walls FOR SELECT
  USING (org_id = chambers.current_org_id());
CREATE POLICY matter_walls_admin_insert ON chambers.matter_walls FOR INSERT
  WITH CHECK (org_id = chambers.current_org_id() AND chambers.current_user_is_org_admin());
CREATE POLICY matter_walls_admin_delete ON chambers.matter_walls FOR DELETE
  USING (org_id = chambers.current_org_id() AND chambers.current_user_is_org_admin());
GRANT SELECT, INSERT (matter_id, org_id, created_by), DELETE ON chambers.matter_walls TO chambers_app;

CREATE TABLE chambers.matter_wall_members (
  matter_id uuid NOT NULL REFERENCES chambers.matter_walls (matter_id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES chambers.users (id) ON DELETE CASCADE,
  org_id uuid NOT NULL REFERENCES chambers.organizations (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (matter_id, user_id)
);
ALTER TABLE chambers.matter_wall_members ENABLE ROW LEVEL SECURITY;
ALTER TABLE chambers.matter_wall_members FORCE ROW LEVEL SECURITY;
-- A member sees their own admissions; an org_admin sees and manages every wall.
CREATE POLICY matter_wall_members_read ON chambers.matter_wall_members FOR SELECT
  USING (org_id = chambers.current_org_id() AND (user_id = chambers.current_user_id() OR chambers.current_user_is_org_admin()));
CREATE POLICY matter_wall_members_admin_insert ON chambers.matter_wall_members FOR INSERT
  WITH CHECK (org_id = chambers.current_org_id() AND chambers.current_user_is_org_admin());
CREATE POLICY matter_wall_members_admin_delete ON chambers.matter_wall_members FOR DELETE
  USING (org_id = chambers.current_org_id() AND chambers.current_user_is_org_admin());
GRANT SELECT, INSERT (matter_id, user_id, org_id), DELETE ON chambers.matter_wall_members TO chambers_app;

-- The matters policy of 0001 only checked the organization; replace it (same name) with one that honours walls.
DROP POLICY matters_own_org ON chambers.matters;
CREATE POLICY matters_own_org ON chambers.matters
  USING (
    org_id = chambers.current_org_id()
    AND (
      NOT EXISTS (SELECT 1 FROM chambers.matter_walls w WHERE w.matter_id = matters.id)
      OR EXISTS (SELECT 1 FROM chambers.matter_wall_members m
                  WHERE m.matter_id = matters.id AND m.user_id = chambers.current_user_id())
    )
  )
  WITH CHECK (org_id = chambers.current_org_id());

-- What an organization allows: upload size, storage quota, ZIP, what to do when the
-- scanner is down, and retention (off while retention_days is null).
CREATE TABLE chambers.document_policies (
  org_id uuid PRIMARY KEY REFERENCES chambers.organizations (id) ON DELETE CASCADE,
  max_upload_bytes bigint NOT NULL CHECK (max_upload_bytes BETWEEN 1 AND 2147483648),
  quota_bytes bigint CHECK (quota_bytes >= 0),
  allow_zip boolean NOT NULL DEFAULT false,
  scanner_unavailable text NOT NULL DEFAULT 'refuse' CHECK (scanner_unavailable IN ('refuse', 'accept_unscanned')),
  retention_days integer CHECK (retention_days BETWEEN 1 AND 36500),
  retention_tag text CHECK (length(retention_tag) BETWEEN 1 AND 50),
  updated_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE chambers.document_policies ENABLE ROW LEVEL SECURITY;
ALTER TABLE chambers.document_policies FORCE ROW LEVEL SECURITY;
CREATE POLICY document_policies_read ON chambers.document_policies FOR SELECT
  USING (org_id = chambers.current_org_id());
CREATE POLICY document_policies_admin_insert ON chambers.document_policies FOR INSERT
  WITH CHECK (org_id = chambers.current_org_id() AND chambers.current_user_is_org_admin());
CREATE POLICY document_policies_admin_update ON chambers.document_policies FOR UPDATE
  USING (org_id = chambers.current_org_id() AND chambers.current_user_is_org_admin())
  WITH CHECK (org_id = chambers.current_org_id() AND chambers.current_user_is_org_admin());
GRANT SELECT, INSERT (org_id, max_upload_bytes, quota_bytes, allow_zip, scanner_unavailable, retention_days, retention_tag),
  UPDATE (max_upload_bytes, quota_bytes, allow_zip, scanner_unavailable, retention_days, retention_tag, updated_at)
  ON chambers.document_policies TO chambers_app;

-- A document: the name, tags and hold of the current version. A deleted document keeps
-- its row as a tombstone (id, matter, who, when) with the name and tags erased.
CREATE TABLE chambers.documents (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES chambers.organizations (id) ON DELETE CASCADE,
  matter_id uuid NOT NULL REFERENCES chambers.matters (id) ON DELETE CASCADE,
  name text CHECK (length(name) BETWEEN 1 AND 255),
  tags text[] NOT NULL DEFAULT '{}' CHECK (cardinality(tags) <= 20),
  current_version integer NOT NULL DEFAULT 1 CHECK (current_version >= 1),
  legal_hold boolean NOT NULL DEFAULT false,
  created_by uuid NOT NULL REFERENCES chambers.users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz,
  deleted_by uuid REFERENCES chambers.users (id),
  deletion_reason text CHECK (deletion_reason IN ('owner', 'retention')),
  CHECK ((deleted_at IS NULL) = (name IS NOT NULL))
);
CREATE INDEX documents_matter_idx ON chambers.documents (matter_id, created_at DESC);
CREATE INDEX documents_org_created_idx ON chambers.documents (org_id, created_at);
ALTER TABLE chambers.documents ENABLE ROW LEVEL SECURITY;
ALTER TABLE chambers.documents FORCE ROW LEVEL SECURITY;
-- Visible only when its matter is: the subquery runs under the matters policy, so a wall hides the documents too.
CREATE POLICY documents_through_matter ON chambers.documents
  USING (org_id = chambers.current_org_id() AND EXISTS (SELECT 1 FROM chambers.matters m WHERE m.id = documents.matter_id))
  WITH CHECK (org_id = chambers.current_org_id() AND EXISTS (SELECT 1 FROM chambers.matters m WHERE m.id = documents.matter_id));
GRANT SELECT, INSERT (id, org_id, matter_id, name, tags, created_by),
  UPDATE (name, tags, current_version, legal_hold, updated_at, deleted_at, deleted_by, deletion_reason)
  ON chambers.documents TO chambers_app;

-- One uploaded version. wrapped_data_key is the only way to its plaintext: erasing it
-- (crypto-shredding) makes the blob unreadable even if a copy of it survives somewhere.
CREATE TABLE chambers.document_versions (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES chambers.organizations (id) ON DELETE CASCADE,
  document_id uuid NOT NULL REFERENCES chambers.documents (id) ON DELETE CASCADE,
  version integer NOT NULL CHECK (version >= 1),
  name text CHECK (length(name) BETWEEN 1 AND 255),
  size bigint NOT NULL CHECK (size > 0),
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  content_type text NOT NULL CHECK (length(content_type) <= 200),
  scan_status text NOT NULL CHECK (scan_status IN ('clean', 'unscanned', 'not_configured')),
  blob_key text NOT NULL UNIQUE CHECK (length(blob_key) <= 200),
  wrapped_data_key bytea,
  org_key_version integer NOT NULL,
  created_by uuid NOT NULL REFERENCES chambers.users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  shredded_at timestamptz,
  CHECK ((shredded_at IS NULL) = (wrapped_data_key IS NOT NULL)),
  UNIQUE (document_id, version)
);
CREATE INDEX document_versions_org_idx ON chambers.document_versions (org_id);
ALTER TABLE chambers.document_versions ENABLE ROW LEVEL SECURITY;
ALTER TABLE chambers.document_versions FORCE ROW LEVEL SECURITY;
CREATE POLICY document_versions_through_document ON chambers.document_versions
  USING (org_id = chambers.current_org_id() AND EXISTS (SELECT 1 FROM chambers.documents d WHERE d.id = document_versions.document_id))
  WITH CHECK (org_id = chambers.current_org_id() AND EXISTS (SELECT 1 FROM chambers.documents d WHERE d.id = document_versions.document_id));
-- Only erasing is allowed after insert: the key, the name, and the time of shredding.
GRANT SELECT, INSERT (id, org_id, document_id, version, name, size, sha256, content_type, scan_status, blob_key, wrapped_data_key, org_key_version, created_by),
  UPDATE (wrapped_data_key, name, shredded_at)
  ON chambers.document_versions TO chambers_app;
CREATE FUNCTION chambers.document_versions_erase_only() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, chambers
  AS $$
BEGIN
  IF NEW.wrapped_data_key IS NOT NULL AND NEW.wrapped_data_key IS DISTINCT FROM OLD.wrapped_data_key THEN
    RAISE EXCEPTION 'a data key can be erased, never replaced' USING ERRCODE = '42501';
  END IF;
  IF NEW.name IS NOT NULL AND NEW.name IS DISTINCT FROM OLD.name THEN
    RAISE EXCEPTION 'a version name can be erased, never replaced' USING ERRCODE = '42501';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER document_versions_erase_only BEFORE UPDATE ON chambers.document_versions
  FOR EACH ROW EXECUTE FUNCTION chambers.document_versions_erase_only();

-- Share links: a 256-bit token known only to its recipient (stored as SHA-256), an
-- optional argon2id passcode that locks after 5 wrong tries, an expiry of 1 to 7 days.
CREATE TABLE chambers.share_links (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES chambers.organizations (id) ON DELETE CASCADE,
  document_id uuid NOT NULL REFERENCES chambers.documents (id) ON DELETE CASCADE,
  token_hash text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  passcode_hash text,
  -- Whether a passcode is set, readable by the runtime role, which never reads the hash itself.
  has_passcode boolean GENERATED ALWAYS AS (passcode_hash IS NOT NULL) STORED,
  failed_attempts integer NOT NULL DEFAULT 0,
  locked_at timestamptz,
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  created_by uuid NOT NULL REFERENCES chambers.users (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX share_links_document_idx ON chambers.share_links (document_id);
ALTER TABLE chambers.share_links ENABLE ROW LEVEL SECURITY;
ALTER TABLE chambers.share_links FORCE ROW LEVEL SECURITY;
CREATE POLICY share_links_through_document ON chambers.share_links
  USING (org_id = chambers.current_org_id() AND EXISTS (SELECT 1 FROM chambers.documents d WHERE d.id = share_links.document_id))
  WITH CHECK (org_id = chambers.current_org_id() AND EXISTS (SELECT 1 FROM chambers.documents d WHERE d.id = share_links.document_id));
-- The runtime role writes the hashes but never reads them back; the public route checks them on the owner path.
GRANT SELECT (id, org_id, document_id, has_passcode, failed_attempts, locked_at, expires_at, revoked_at, created_by, created_at),
  INSERT (org_id, document_id, token_hash, passcode_hash, expires_at, created_by),
  UPDATE (revoked_at)
  ON chambers.share_links TO chambers_app;
