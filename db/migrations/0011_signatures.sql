-- Electronic signature: envelopes over a PDF of the vault, their recipients and fields,
-- the evidence trail of every signer step, and each organization's seal certificate.
-- Signers have no account: a recipient's link carries a 256-bit token stored here only as
-- its SHA-256, and the public signer routes reach these rows on the owner path by that
-- hash alone. PDFs (the original, frozen at creation, and the sealed result) are stored
-- encrypted under a data key wrapped by the organization key, like vault blobs; private
-- keys of seal certificates likewise. Nothing here is readable without the master key.

-- An organization's seal certificate: a private root CA and a seal certificate under it
-- (made on first use), or an uploaded CA-issued one. One active row per organization.
CREATE TABLE chambers.seal_certificates (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES chambers.organizations (id) ON DELETE CASCADE,
  source text NOT NULL CHECK (source IN ('generated', 'uploaded')),
  certificate_pem text NOT NULL CHECK (length(certificate_pem) <= 20000),
  -- Intermediates then the root, PEM; what a reader needs to build the chain.
  chain_pem text NOT NULL CHECK (length(chain_pem) <= 100000),
  root_pem text NOT NULL CHECK (length(root_pem) <= 20000),
  fingerprint_sha256 text NOT NULL CHECK (fingerprint_sha256 ~ '^[0-9a-f]{64}$'),
  not_after timestamptz NOT NULL,
  -- PKCS#8 private keys, AES-256-GCM under a data key that the organization key wraps.
  key_box bytea NOT NULL,
  root_key_box bytea,
  wrapped_data_key bytea NOT NULL,
  org_key_version integer NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  retired_at timestamptz
);
CREATE UNIQUE INDEX seal_certificates_one_active ON chambers.seal_certificates (org_id) WHERE retired_at IS NULL;
ALTER TABLE chambers.seal_certificates ENABLE ROW LEVEL SECURITY;
ALTER TABLE chambers.seal_certificates FORCE ROW LEVEL SECURITY;
CREATE POLICY seal_certificates_own_org ON chambers.seal_certificates
  USING (org_id = chambers.current_org_id())
  WITH CHECK (org_id = chambers.current_org_id());
-- Members read the public half; the key boxes are opened only on the owner path when sealing.
GRANT SELECT (id, org_id, source, certificate_pem, chain_pem, root_pem, fingerprint_sha256, not_after, created_at, retired_at)
  ON chambers.seal_certificates TO chambers_app;

-- An envelope: one PDF (frozen copy of a vault version) sent to recipients in order or all at once.
CREATE TABLE chambers.envelopes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES chambers.organizations (id) ON DELETE CASCADE,
  document_id uuid NOT NULL REFERENCES chambers.documents (id) ON DELETE CASCADE,
  document_version integer NOT NULL CHECK (document_version >= 1),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
  message text CHECK (length(message) <= 2000),
  signing_order text NOT NULL CHECK (signing_order IN ('sequential', 'parallel')),
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'sent', 'completed', 'declined', 'voided', 'expired')),
  expires_at timestamptz NOT NULL,
  document_sha256 text NOT NULL CHECK (document_sha256 ~ '^[0-9a-f]{64}$'),
  page_count integer NOT NULL CHECK (page_count >= 1),
  original_box bytea NOT NULL,
  original_wrapped_key bytea NOT NULL,
  original_org_key_version integer NOT NULL,
  void_reason text CHECK (length(void_reason) <= 500),
  created_by uuid NOT NULL REFERENCES chambers.users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz,
  voided_at timestamptz,
  completed_at timestamptz,
  -- Finalization: 'pending' once the last signer is done, 'delayed' while every TSA fails,
  -- 'done' when the one sealed file is committed. The lease lets exactly one worker seal.
  seal_state text CHECK (seal_state IN ('pending', 'delayed', 'done')),
  seal_lease_until timestamptz,
  seal_attempts integer NOT NULL DEFAULT 0,
  seal_next_at timestamptz,
  final_box bytea,
  final_wrapped_key bytea,
  final_org_key_version integer,
  final_sha256 text CHECK (final_sha256 ~ '^[0-9a-f]{64}$'),
  final_size integer,
  finalized_at timestamptz,
  timestamp_gen_time timestamptz,
  timestamp_tsa text CHECK (length(timestamp_tsa) <= 500),
  evidence jsonb,
  CHECK ((seal_state = 'done') = (final_sha256 IS NOT NULL))
);
CREATE INDEX envelopes_document_idx ON chambers.envelopes (document_id);
CREATE INDEX envelopes_org_created_idx ON chambers.envelopes (org_id, created_at DESC);
CREATE INDEX envelopes_seal_due_idx ON chambers.envelopes (seal_next_at) WHERE seal_state IN ('pending', 'delayed');
CREATE UNIQUE INDEX envelopes_final_sha256_idx ON chambers.envelopes (final_sha256) WHERE final_sha256 IS NOT NULL;
ALTER TABLE chambers.envelopes ENABLE ROW LEVEL SECURITY;
ALTER TABLE chambers.envelopes FORCE ROW LEVEL SECURITY;
-- Visible only when its document is (so an ethical wall on the matter hides its envelopes too).
CREATE POLICY envelopes_through_document ON chambers.envelopes
  USING (org_id = chambers.current_org_id() AND EXISTS (SELECT 1 FROM chambers.documents d WHERE d.id = envelopes.document_id))
  WITH CHECK (org_id = chambers.current_org_id() AND EXISTS (SELECT 1 FROM chambers.documents d WHERE d.id = envelopes.document_id));
GRANT SELECT,
  INSERT (id, org_id, document_id, document_version, title, message, signing_order, expires_at, document_sha256, page_count,
          original_box, original_wrapped_key, original_org_key_version, created_by),
  UPDATE (status, sent_at, voided_at, void_reason)
  ON chambers.envelopes TO chambers_app;

CREATE TABLE chambers.envelope_recipients (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES chambers.organizations (id) ON DELETE CASCADE,
  envelope_id uuid NOT NULL REFERENCES chambers.envelopes (id) ON DELETE CASCADE,
  position integer NOT NULL CHECK (position BETWEEN 1 AND 50),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  email text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
  role text NOT NULL CHECK (role IN ('signer', 'approver', 'viewer')),
  status text NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting', 'sent', 'viewed', 'signed', 'declined')),
  -- SHA-256 of the 256-bit link token, set when the recipient's turn comes; the runtime role never reads it.
  token_hash text UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  sent_at timestamptz,
  viewed_at timestamptz,
  view_ip text,
  view_user_agent text,
  consented_at timestamptz,
  consent_ip text,
  consent_user_agent text,
  disclosure_version text,
  disclosure_sha256 text,
  signed_at timestamptz,
  sign_ip text,
  sign_user_agent text,
  signature_method text CHECK (signature_method IN ('typed', 'drawn', 'approval')),
  signature_value text CHECK (length(signature_value) <= 400000),
  declined_at timestamptz,
  decline_reason text CHECK (length(decline_reason) <= 1000),
  decline_ip text,
  decline_user_agent text,
  -- Reminders to a recipient who has not acted: each one mails a fresh link (the old one stops working).
  reminded_at timestamptz,
  reminders integer NOT NULL DEFAULT 0 CHECK (reminders >= 0),
  UNIQUE (envelope_id, position)
);
ALTER TABLE chambers.envelope_recipients ENABLE ROW LEVEL SECURITY;
ALTER TABLE chambers.envelope_recipients FORCE ROW LEVEL SECURITY;
CREATE POLICY envelope_recipients_through_envelope ON chambers.envelope_recipients
  USING (org_id = chambers.current_org_id() AND EXISTS (SELECT 1 FROM chambers.envelopes e WHERE e.id = envelope_recipients.envelope_id))
  WITH CHECK (org_id = chambers.current_org_id() AND EXISTS (SELECT 1 FROM chambers.envelopes e WHERE e.id = envelope_recipients.envelope_id));
GRANT SELECT (id, org_id, envelope_id, position, name, email, role, status, sent_at, viewed_at, view_ip, view_user_agent,
              consented_at, consent_ip, consent_user_agent, disclosure_version, disclosure_sha256, signed_at, sign_ip,
              sign_user_agent, signature_method, declined_at, decline_reason, decline_ip, decline_user_agent),
  INSERT (id, org_id, envelope_id, position, name, email, role),
  UPDATE (status, token_hash, sent_at)
  ON chambers.envelope_recipients TO chambers_app;

CREATE TABLE chambers.envelope_fields (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES chambers.organizations (id) ON DELETE CASCADE,
  envelope_id uuid NOT NULL REFERENCES chambers.envelopes (id) ON DELETE CASCADE,
  recipient_id uuid NOT NULL REFERENCES chambers.envelope_recipients (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('signature', 'initials', 'date', 'text', 'checkbox')),
  page integer NOT NULL CHECK (page >= 1),
  x double precision NOT NULL,
  y double precision NOT NULL,
  width double precision NOT NULL CHECK (width > 0),
  height double precision NOT NULL CHECK (height > 0),
  required boolean NOT NULL DEFAULT true,
  value text CHECK (length(value) <= 1000)
);
CREATE INDEX envelope_fields_envelope_idx ON chambers.envelope_fields (envelope_id);
ALTER TABLE chambers.envelope_fields ENABLE ROW LEVEL SECURITY;
ALTER TABLE chambers.envelope_fields FORCE ROW LEVEL SECURITY;
CREATE POLICY envelope_fields_through_envelope ON chambers.envelope_fields
  USING (org_id = chambers.current_org_id() AND EXISTS (SELECT 1 FROM chambers.envelopes e WHERE e.id = envelope_fields.envelope_id))
  WITH CHECK (org_id = chambers.current_org_id() AND EXISTS (SELECT 1 FROM chambers.envelopes e WHERE e.id = envelope_fields.envelope_id));
GRANT SELECT, INSERT (id, org_id, envelope_id, recipient_id, kind, page, x, y, width, height, required)
  ON chambers.envelope_fields TO chambers_app;

-- The evidence trail: every step with its time, IP and user agent. Append-only.
CREATE TABLE chambers.envelope_events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES chambers.organizations (id) ON DELETE CASCADE,
  envelope_id uuid NOT NULL REFERENCES chambers.envelopes (id) ON DELETE CASCADE,
  recipient_id uuid REFERENCES chambers.envelope_recipients (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('create', 'send', 'mail', 'view', 'consent', 'sign', 'decline', 'void', 'expire', 'seal', 'seal_delayed', 'remind')),
  at timestamptz NOT NULL DEFAULT now(),
  ip text,
  user_agent text CHECK (length(user_agent) <= 512),
  details jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX envelope_events_envelope_idx ON chambers.envelope_events (envelope_id, id);
ALTER TABLE chambers.envelope_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE chambers.envelope_events FORCE ROW LEVEL SECURITY;
CREATE POLICY envelope_events_through_envelope ON chambers.envelope_events
  USING (org_id = chambers.current_org_id() AND EXISTS (SELECT 1 FROM chambers.envelopes e WHERE e.id = envelope_events.envelope_id))
  WITH CHECK (org_id = chambers.current_org_id() AND EXISTS (SELECT 1 FROM chambers.envelopes e WHERE e.id = envelope_events.envelope_id));
GRANT SELECT, INSERT (org_id, envelope_id, recipient_id, kind, at, ip, user_agent, details) ON chambers.envelope_events TO chambers_app;
CREATE FUNCTION chambers.envelope_events_refuse_change() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
  RAISE EXCEPTION 'envelope events are append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
-- Only a cascade (the envelope or organization going away) may remove rows: that runs at trigger depth > 0.
CREATE TRIGGER envelope_events_append_only BEFORE UPDATE OR DELETE ON chambers.envelope_events
  FOR EACH ROW WHEN (pg_trigger_depth() = 0) EXECUTE FUNCTION chambers.envelope_events_refuse_change();
