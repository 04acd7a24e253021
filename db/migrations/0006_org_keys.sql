-- The organization keys of the document vault (DESIGN.md "Keys and encryption"):
-- one 256-bit key per organization and version, stored only wrapped by the master
-- key (AES-256-GCM, bound to org id and version). The runtime role may read its own
-- organization's keys and create the first one lazily; rewrapping under a new
-- master key is done by `chambers keys rotate-master` as the owner.

CREATE TABLE chambers.org_keys (
  org_id uuid NOT NULL REFERENCES chambers.organizations (id) ON DELETE CASCADE,
  version int NOT NULL CHECK (version >= 1),
  wrapped_key bytea NOT NULL CHECK (length(wrapped_key) BETWEEN 32 AND 256),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, version)
);
ALTER TABLE chambers.org_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE chambers.org_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY org_keys_own_org ON chambers.org_keys
  USING (org_id = chambers.current_org_id())
  WITH CHECK (org_id = chambers.current_org_id());
GRANT SELECT, INSERT (org_id, version, wrapped_key) ON chambers.org_keys TO chambers_app;
