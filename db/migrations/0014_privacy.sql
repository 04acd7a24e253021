-- Privacy lifecycle (issue 18): data exports, erasure with per-person audit keys,
-- the shred ledger, closed accounts, and a purge path for the API call log.
-- Runs as chambers_owner; chambers_app gets only the grants below; RLS ENABLED and FORCED everywhere.

-- "Download my data": one row per requested archive. The job (owner path) builds the
-- ZIP, seals it under a fresh data key (wrapped under the master key) and stores the
-- ciphertext in the blob store. The download link is single-use: only the hash of
-- its newest token is kept, and the first fetch marks the row fetched and deletes
-- the blob and the key. Rows go 24 h after they were requested (retention class "exports").
CREATE TABLE chambers.privacy_exports (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES chambers.users (id) ON DELETE CASCADE,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'ready', 'fetched', 'failed')),
  blob_key text CHECK (length(blob_key) <= 200),
  wrapped_key bytea,
  bytes bigint,
  files integer,
  token_hash text CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  attempts integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  ready_at timestamptz,
  fetched_at timestamptz,
  expires_at timestamptz NOT NULL
);
CREATE INDEX privacy_exports_user_idx ON chambers.privacy_exports (user_id, created_at);
CREATE INDEX privacy_exports_pending_idx ON chambers.privacy_exports (status, created_at);
ALTER TABLE chambers.privacy_exports ENABLE ROW LEVEL SECURITY;
ALTER TABLE chambers.privacy_exports FORCE ROW LEVEL SECURITY;
-- Only the person's own rows; never the key, the blob key or the token hash.
CREATE POLICY privacy_exports_own ON chambers.privacy_exports
  USING (user_id = chambers.current_user_id())
  WITH CHECK (user_id = chambers.current_user_id());
GRANT SELECT (id, user_id, status, bytes, files, created_at, ready_at, fetched_at, expires_at),
  INSERT (user_id, expires_at) ON chambers.privacy_exports TO chambers_app;

-- One key per person for the personal data inside audit events (IP address, user
-- agent). The event row holds only a keyed commitment; the ciphertext lives in
-- audit.personal_data. Erasure sets wrapped_key to NULL (crypto-shredding): the
-- commitments in the Merkle log stay, what they commit to is gone for good.
-- Owner-only: the audit writer and the erasure reach it through `unsafe` functions.
CREATE TABLE chambers.person_keys (
  user_id uuid PRIMARY KEY,
  key_id uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
  wrapped_key bytea,
  created_at timestamptz NOT NULL DEFAULT now(),
  shredded_at timestamptz,
  CHECK ((wrapped_key IS NULL) = (shredded_at IS NOT NULL))
);
ALTER TABLE chambers.person_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE chambers.person_keys FORCE ROW LEVEL SECURITY;

-- The encrypted personal values the audit commitments point to, one row per
-- (key, commitment): the same address of the same person is stored once.
-- Deletable (unlike audit.events): nothing in the Merkle log depends on these bytes.
CREATE TABLE audit.personal_data (
  key_id uuid NOT NULL,
  digest text NOT NULL CHECK (digest ~ '^[A-Za-z0-9_-]{43}$'),
  ciphertext bytea NOT NULL CHECK (length(ciphertext) <= 1100),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (key_id, digest)
);
ALTER TABLE audit.personal_data ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit.personal_data FORCE ROW LEVEL SECURITY;

-- The shred ledger: ids of what was destroyed, never data. Mirrored to
-- <data>/privacy/shred-ledger.jsonl (outside database backups) and re-applied at
-- start, so restoring an older backup cannot bring an erased person back. Owner-only.
CREATE TABLE chambers.shred_ledger (
  id uuid PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('person', 'person_key', 'export')),
  subject_id uuid NOT NULL,
  shredded_at timestamptz NOT NULL,
  UNIQUE (kind, subject_id)
);
ALTER TABLE chambers.shred_ledger ENABLE ROW LEVEL SECURITY;
ALTER TABLE chambers.shred_ledger FORCE ROW LEVEL SECURITY;

-- Accounts closed by their owner: the pseudonym left behind and when the last traces
-- (revoked session rows, a key kept by a legal hold) are due. Owner-only.
CREATE TABLE chambers.closed_accounts (
  user_id uuid PRIMARY KEY REFERENCES chambers.users (id),
  pseudonym text NOT NULL CHECK (length(pseudonym) <= 100),
  closed_at timestamptz NOT NULL,
  purge_after timestamptz NOT NULL,
  audit_key_held boolean NOT NULL DEFAULT false,
  purged_at timestamptz
);
ALTER TABLE chambers.closed_accounts ENABLE ROW LEVEL SECURITY;
ALTER TABLE chambers.closed_accounts FORCE ROW LEVEL SECURITY;

-- The API call log is a system log (retention class "system logs", 30 days): its
-- append-only trigger now lets one owner-only function delete rows older than a bound.
CREATE OR REPLACE FUNCTION audit.refuse_api_call_change() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('chambers.api_calls_purge_before', true) IS NOT NULL
     AND current_setting('chambers.api_calls_purge_before', true) <> ''
     AND OLD.at < current_setting('chambers.api_calls_purge_before', true)::timestamptz THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'the API call log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE FUNCTION audit.purge_api_calls_before(p_before timestamptz) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, audit AS $$
DECLARE
  n bigint;
BEGIN
  PERFORM set_config('chambers.api_calls_purge_before', p_before::text, true);
  DELETE FROM audit.api_calls WHERE at < p_before;
  GET DIAGNOSTICS n = ROW_COUNT;
  PERFORM set_config('chambers.api_calls_purge_before', '', true);
  RETURN n;
END $$;
REVOKE ALL ON FUNCTION audit.purge_api_calls_before(timestamptz) FROM PUBLIC;

-- A longer audit retention for one organization (a firm that must keep its log 7 years):
-- its events are kept for the longer of their category's deployment period and this many
-- days. Never shorter: the deployment periods are the floor. Set and cleared by the
-- organization's org_admin through the owner path (the routes check the organization
-- first, as for legal holds); the runtime role gets no grant on it.
ALTER TABLE chambers.organizations
  ADD COLUMN audit_retention_days integer CHECK (audit_retention_days BETWEEN 1 AND 36500);

CREATE OR REPLACE FUNCTION audit.first_retained_seq(p_now timestamptz, p_general interval, p_judicial interval) RETURNS bigint
LANGUAGE sql STABLE SET search_path = pg_catalog, audit AS $$
  SELECT coalesce(
    (SELECT min(e.seq) FROM audit.events e
       LEFT JOIN chambers.organizations o ON o.id = e.org_id
      WHERE e.seq IS NOT NULL
        AND (e.org_id IN (SELECT org_id FROM audit.legal_holds)
             OR e.at > p_now - greatest(
                  CASE audit.retention_category(e.action, o.kind::text) WHEN 'judicial' THEN p_judicial ELSE p_general END,
                  make_interval(days => coalesce(o.audit_retention_days, 0))))),
    (SELECT coalesce(max(seq) + 1, 0) FROM audit.events))
$$;
REVOKE ALL ON FUNCTION audit.first_retained_seq(timestamptz, interval, interval) FROM PUBLIC;
