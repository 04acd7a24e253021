-- Idempotency keys for POST routes that create things, and signed inbound webhooks (issue 8, part B).
-- Runs as chambers_owner; chambers_app gets only the grants below; RLS ENABLED and FORCED everywhere.

-- One row per (organization, user, Idempotency-Key): the first request's fingerprint and,
-- once it finished, its response. 'in_flight' rows block a concurrent duplicate.
-- Kept 24 h (expires_at); a periodic job on the owner path deletes expired rows.
CREATE TABLE chambers.idempotency_keys (
  org_id uuid NOT NULL REFERENCES chambers.organizations (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES chambers.users (id) ON DELETE CASCADE,
  key text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
  request_hash text NOT NULL CHECK (request_hash ~ '^[0-9a-f]{64}$'),
  state text NOT NULL DEFAULT 'in_flight' CHECK (state IN ('in_flight', 'done')),
  response_status smallint CHECK (response_status BETWEEN 100 AND 599),
  response_headers jsonb,
  response_body text CHECK (length(response_body) <= 1048576),
  created_at timestamptz NOT NULL DEFAULT now(),
  locked_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  completed_at timestamptz,
  PRIMARY KEY (org_id, user_id, key),
  CHECK ((state = 'done') = (response_status IS NOT NULL AND completed_at IS NOT NULL))
);
CREATE INDEX idempotency_keys_expires_idx ON chambers.idempotency_keys (expires_at);
ALTER TABLE chambers.idempotency_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE chambers.idempotency_keys FORCE ROW LEVEL SECURITY;
-- A key belongs to one user acting in one organization: not even an org_admin sees another member's keys.
CREATE POLICY idempotency_keys_own ON chambers.idempotency_keys
  USING (org_id = chambers.current_org_id() AND user_id = chambers.current_user_id())
  WITH CHECK (org_id = chambers.current_org_id() AND user_id = chambers.current_user_id());
GRANT SELECT, INSERT (org_id, user_id, key, request_hash, locked_at, expires_at),
  UPDATE (state, response_status, response_headers, response_body, completed_at), DELETE
  ON chambers.idempotency_keys TO chambers_app;

-- Inbound webhook integrations of an organization. Managed by its org_admins only.
CREATE TABLE chambers.webhook_integrations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES chambers.organizations (id) ON DELETE CASCADE,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  created_by uuid NOT NULL REFERENCES chambers.users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  rotated_at timestamptz,
  UNIQUE (id, org_id)
);
CREATE INDEX webhook_integrations_org_idx ON chambers.webhook_integrations (org_id, created_at);
ALTER TABLE chambers.webhook_integrations ENABLE ROW LEVEL SECURITY;
ALTER TABLE chambers.webhook_integrations FORCE ROW LEVEL SECURITY;
CREATE POLICY webhook_integrations_admin ON chambers.webhook_integrations
  USING (org_id = chambers.current_org_id() AND chambers.current_user_is_org_admin())
  WITH CHECK (org_id = chambers.current_org_id() AND chambers.current_user_is_org_admin());
GRANT SELECT, INSERT (org_id, name, created_by), UPDATE (rotated_at), DELETE ON chambers.webhook_integrations TO chambers_app;

-- Signing secrets, sealed with sealSecret (AES-256-GCM, bound to the row id). retires_at NULL is the
-- current secret; a rotated one stays valid until retires_at (the overlap window).
-- The runtime role may write a sealed secret but never read one back: verification runs on the owner path.
CREATE TABLE chambers.webhook_secrets (
  id uuid PRIMARY KEY,
  integration_id uuid NOT NULL,
  org_id uuid NOT NULL,
  secret_ciphertext text NOT NULL CHECK (secret_ciphertext LIKE 'v1.%'),
  created_at timestamptz NOT NULL DEFAULT now(),
  retires_at timestamptz,
  FOREIGN KEY (integration_id, org_id) REFERENCES chambers.webhook_integrations (id, org_id) ON DELETE CASCADE
);
CREATE INDEX webhook_secrets_integration_idx ON chambers.webhook_secrets (integration_id);
-- At most one current secret per integration.
CREATE UNIQUE INDEX webhook_secrets_one_current ON chambers.webhook_secrets (integration_id) WHERE retires_at IS NULL;
ALTER TABLE chambers.webhook_secrets ENABLE ROW LEVEL SECURITY;
ALTER TABLE chambers.webhook_secrets FORCE ROW LEVEL SECURITY;
CREATE POLICY webhook_secrets_admin ON chambers.webhook_secrets
  USING (org_id = chambers.current_org_id() AND chambers.current_user_is_org_admin())
  WITH CHECK (org_id = chambers.current_org_id() AND chambers.current_user_is_org_admin());
GRANT SELECT (id, integration_id, org_id, created_at, retires_at), INSERT (id, integration_id, org_id, secret_ciphertext),
  UPDATE (retires_at) ON chambers.webhook_secrets TO chambers_app;

-- Replay store: every accepted delivery's event id AND signature digest, unique per integration,
-- so a captured request cannot be replayed under a new (unsigned) event id either.
-- Purged after twice the 5-minute tolerance window by a periodic job on the owner path.
CREATE TABLE chambers.webhook_events (
  integration_id uuid NOT NULL,
  org_id uuid NOT NULL,
  event_id text NOT NULL CHECK (length(event_id) BETWEEN 1 AND 200),
  signature_digest text NOT NULL CHECK (signature_digest ~ '^[0-9a-f]{64}$'),
  received_at timestamptz NOT NULL,
  PRIMARY KEY (integration_id, event_id),
  UNIQUE (integration_id, signature_digest),
  FOREIGN KEY (integration_id, org_id) REFERENCES chambers.webhook_integrations (id, org_id) ON DELETE CASCADE
);
CREATE INDEX webhook_events_received_idx ON chambers.webhook_events (received_at);
ALTER TABLE chambers.webhook_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE chambers.webhook_events FORCE ROW LEVEL SECURITY;
CREATE POLICY webhook_events_own_org ON chambers.webhook_events
  USING (org_id = chambers.current_org_id())
  WITH CHECK (org_id = chambers.current_org_id());
GRANT SELECT, INSERT (integration_id, org_id, event_id, signature_digest, received_at) ON chambers.webhook_events TO chambers_app;
