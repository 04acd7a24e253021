-- AI legal analysis (issue 16): playbooks, daily usage counters for quotas, per-organization AI settings.
-- Zero retention: no table here holds a question, document text or model output. Playbook rules are
-- the firm's own review policy, written by its org_admins, not user content sent to a model.
-- Runs as chambers_owner; chambers_app gets only the grants below; RLS ENABLED and FORCED everywhere.

-- A review playbook: named rules by CUAD category (expect present/absent, severity, guidance).
-- Members read their organization's playbooks; only org_admins write them.
CREATE TABLE chambers.ai_playbooks (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES chambers.organizations (id) ON DELETE CASCADE,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  rules jsonb NOT NULL CHECK (jsonb_typeof(rules) = 'array' AND jsonb_array_length(rules) <= 100),
  created_by uuid NOT NULL REFERENCES chambers.users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ai_playbooks_org_idx ON chambers.ai_playbooks (org_id, created_at);
ALTER TABLE chambers.ai_playbooks ENABLE ROW LEVEL SECURITY;
ALTER TABLE chambers.ai_playbooks FORCE ROW LEVEL SECURITY;
CREATE POLICY ai_playbooks_read ON chambers.ai_playbooks FOR SELECT
  USING (org_id = chambers.current_org_id());
CREATE POLICY ai_playbooks_admin_insert ON chambers.ai_playbooks FOR INSERT
  WITH CHECK (org_id = chambers.current_org_id() AND chambers.current_user_is_org_admin());
CREATE POLICY ai_playbooks_admin_update ON chambers.ai_playbooks FOR UPDATE
  USING (org_id = chambers.current_org_id() AND chambers.current_user_is_org_admin())
  WITH CHECK (org_id = chambers.current_org_id() AND chambers.current_user_is_org_admin());
CREATE POLICY ai_playbooks_admin_delete ON chambers.ai_playbooks FOR DELETE
  USING (org_id = chambers.current_org_id() AND chambers.current_user_is_org_admin());
GRANT SELECT, INSERT (org_id, name, rules, created_by), UPDATE (name, rules, updated_at), DELETE
  ON chambers.ai_playbooks TO chambers_app;

-- Calls per user, organization, day (UTC) and tool: the daily quotas and the admins' usage report.
-- Counts only; nothing of what was asked. Members count their own calls and read their organization's
-- totals (the organization's quota needs them); no one rewrites another member's counter.
CREATE TABLE chambers.ai_usage (
  org_id uuid NOT NULL REFERENCES chambers.organizations (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES chambers.users (id) ON DELETE CASCADE,
  day date NOT NULL,
  tool text NOT NULL CHECK (tool IN ('extract', 'review', 'summarize', 'ask')),
  count integer NOT NULL DEFAULT 0 CHECK (count >= 0),
  PRIMARY KEY (org_id, user_id, day, tool)
);
CREATE INDEX ai_usage_org_day_idx ON chambers.ai_usage (org_id, day);
ALTER TABLE chambers.ai_usage ENABLE ROW LEVEL SECURITY;
ALTER TABLE chambers.ai_usage FORCE ROW LEVEL SECURITY;
CREATE POLICY ai_usage_read ON chambers.ai_usage FOR SELECT
  USING (org_id = chambers.current_org_id());
CREATE POLICY ai_usage_own_insert ON chambers.ai_usage FOR INSERT
  WITH CHECK (org_id = chambers.current_org_id() AND user_id = chambers.current_user_id());
CREATE POLICY ai_usage_own_update ON chambers.ai_usage FOR UPDATE
  USING (org_id = chambers.current_org_id() AND user_id = chambers.current_user_id())
  WITH CHECK (org_id = chambers.current_org_id() AND user_id = chambers.current_user_id());
GRANT SELECT, INSERT (org_id, user_id, day, tool, count), UPDATE (count) ON chambers.ai_usage TO chambers_app;

-- An organization's own AI settings: its daily quotas (NULL = the server default), the opt-in review
-- log of AI inputs and outputs (off by default; its retention in days), and its own model provider
-- (NULL = the server's AI_PROVIDER). The provider's API key is sealed under the master key
-- (sealSecret, purpose ai-provider-key, bound to org_id) and never returned. Members read; org_admins write.
CREATE TABLE chambers.ai_settings (
  org_id uuid PRIMARY KEY REFERENCES chambers.organizations (id) ON DELETE CASCADE,
  quota_user_per_day integer CHECK (quota_user_per_day BETWEEN 0 AND 1000000),
  quota_org_per_day integer CHECK (quota_org_per_day BETWEEN 0 AND 10000000),
  review_log boolean NOT NULL DEFAULT false,
  review_log_days integer NOT NULL DEFAULT 30 CHECK (review_log_days BETWEEN 1 AND 3650),
  provider text CHECK (provider IN ('local', 'anthropic', 'openai-compatible')),
  base_url text CHECK (length(base_url) <= 2048),
  model text CHECK (length(model) BETWEEN 1 AND 200),
  api_key_ciphertext text CHECK (length(api_key_ciphertext) <= 4096),
  updated_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE chambers.ai_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE chambers.ai_settings FORCE ROW LEVEL SECURITY;
CREATE POLICY ai_settings_read ON chambers.ai_settings FOR SELECT
  USING (org_id = chambers.current_org_id());
CREATE POLICY ai_settings_admin_insert ON chambers.ai_settings FOR INSERT
  WITH CHECK (org_id = chambers.current_org_id() AND chambers.current_user_is_org_admin());
CREATE POLICY ai_settings_admin_update ON chambers.ai_settings FOR UPDATE
  USING (org_id = chambers.current_org_id() AND chambers.current_user_is_org_admin())
  WITH CHECK (org_id = chambers.current_org_id() AND chambers.current_user_is_org_admin());
GRANT SELECT, INSERT (org_id, quota_user_per_day, quota_org_per_day, review_log, review_log_days,
    provider, base_url, model, api_key_ciphertext),
  UPDATE (quota_user_per_day, quota_org_per_day, review_log, review_log_days, provider, base_url, model,
    api_key_ciphertext, updated_at)
  ON chambers.ai_settings TO chambers_app;

-- The opt-in review log (ai_settings.review_log): one entry per AI call while it is on, the inputs and
-- outputs encrypted under the organization's key (a data key per entry, wrapped under the org key; the
-- AAD binds the entry's id and organization). Kept until expires_at (review_log_days), then purged by a
-- periodic job; erasing the organization key makes every entry unreadable. Only org_admins read it;
-- members write their own entries; nothing else changes an entry.
CREATE TABLE chambers.ai_review_log (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES chambers.organizations (id) ON DELETE CASCADE,
  user_id uuid REFERENCES chambers.users (id) ON DELETE SET NULL,
  tool text NOT NULL CHECK (tool IN ('extract', 'review', 'summarize', 'ask')),
  document_ids uuid[] NOT NULL CHECK (cardinality(document_ids) <= 20),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  org_key_version integer NOT NULL,
  wrapped_data_key bytea NOT NULL,
  ciphertext bytea NOT NULL
);
CREATE INDEX ai_review_log_org_idx ON chambers.ai_review_log (org_id, created_at DESC);
CREATE INDEX ai_review_log_expiry_idx ON chambers.ai_review_log (expires_at);
ALTER TABLE chambers.ai_review_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE chambers.ai_review_log FORCE ROW LEVEL SECURITY;
CREATE POLICY ai_review_log_admin_read ON chambers.ai_review_log FOR SELECT
  USING (org_id = chambers.current_org_id() AND chambers.current_user_is_org_admin());
CREATE POLICY ai_review_log_own_insert ON chambers.ai_review_log FOR INSERT
  WITH CHECK (org_id = chambers.current_org_id() AND user_id = chambers.current_user_id());
GRANT SELECT, INSERT (id, org_id, user_id, tool, document_ids, expires_at, org_key_version, wrapped_data_key, ciphertext)
  ON chambers.ai_review_log TO chambers_app;
