-- The audit log becomes a Merkle-sealed, append-only log (issue 5).
--
-- Writers (chambers_app) keep inserting at plain-insert speed; a single sealer,
-- running as chambers_owner under an advisory lock, gives each new event a
-- gap-free sequence number and its RFC 9162 leaf hash, and signs checkpoints.
-- Nothing but that sealing step may ever change a row, and nothing but the
-- retention purge may ever remove one. The owner owns the table and a superuser
-- can always switch triggers off: that is why the log is also *verifiable*
-- against checkpoints signed and kept outside the database.

ALTER TABLE audit.events ADD COLUMN seq bigint UNIQUE;
ALTER TABLE audit.events ADD COLUMN leaf_hash bytea;
ALTER TABLE audit.events ADD CONSTRAINT events_sealed_whole
  CHECK ((seq IS NULL) = (leaf_hash IS NULL) AND (seq IS NULL OR seq >= 0) AND (leaf_hash IS NULL OR length(leaf_hash) = 32));
-- The sealer's work queue: unsealed events in insertion order.
CREATE INDEX events_unsealed_idx ON audit.events (id) WHERE seq IS NULL;
CREATE INDEX events_org_id_idx ON audit.events (org_id, id);
-- chambers_app keeps INSERT on the columns granted in 0002 (never seq or leaf_hash).

-- Every change but two is refused, for every role including the owner:
--  * sealing: the owner sets seq and leaf_hash of a row that has neither, changing nothing else;
--  * the retention purge: only inside audit.purge_before(), which sets a transaction-local
--    flag; the flag alone is not enough (any role can set a custom setting): the
--    current user must also be the owner, which the runtime role can never become, and
--    the DELETE must come from inside that function (its frame is on PG_CONTEXT).
CREATE OR REPLACE FUNCTION audit.refuse_change() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, audit AS $$
DECLARE
  stack text;
BEGIN
  GET DIAGNOSTICS stack = PG_CONTEXT;
  IF TG_OP = 'UPDATE' AND current_user = 'chambers_owner'
     AND OLD.seq IS NULL AND OLD.leaf_hash IS NULL AND NEW.seq IS NOT NULL AND NEW.leaf_hash IS NOT NULL
     AND (to_jsonb(NEW) - 'seq' - 'leaf_hash') = (to_jsonb(OLD) - 'seq' - 'leaf_hash') THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'DELETE' AND current_user = 'chambers_owner'
     AND current_setting('chambers.audit_purge_below', true) IS NOT NULL
     AND current_setting('chambers.audit_purge_below', true) <> ''
     AND stack ~ 'function (audit\.)?purge_before\(bigint\)'
     AND OLD.seq IS NOT NULL AND OLD.seq < current_setting('chambers.audit_purge_below', true)::bigint THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;

-- Signed tree heads: C2SP signed-note bodies "<origin>\n<size>\n<base64 root>\n" signed with
-- the deployment's Ed25519 audit key. Also appended to <data>/audit/checkpoints.log.
-- 'pruned' checkpoints record that the leaves below pruned_below were removed by the purge.
CREATE TABLE audit.checkpoints (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tree_size bigint NOT NULL CHECK (tree_size >= 0),
  root_hash bytea NOT NULL CHECK (length(root_hash) = 32),
  signed_at timestamptz NOT NULL,
  signature bytea NOT NULL,
  key_id text NOT NULL,
  origin text NOT NULL,
  kind text NOT NULL DEFAULT 'checkpoint' CHECK (kind IN ('checkpoint', 'pruned')),
  pruned_below bigint CHECK ((kind = 'pruned') = (pruned_below IS NOT NULL)),
  -- For a 'pruned' checkpoint: the perfect-subtree hashes of leaves [0, tree_size), so the
  -- tree can be rebuilt without the purged leaves (they fold to root_hash).
  peaks bytea[],
  UNIQUE (tree_size, kind)
);
ALTER TABLE audit.checkpoints ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit.checkpoints FORCE ROW LEVEL SECURITY;
-- No grant and no policy: written by the sealer and read by the audit routes through the owner path.

CREATE FUNCTION audit.refuse_checkpoint_change() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog AS $$
BEGIN
  RAISE EXCEPTION 'audit checkpoints are append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER checkpoints_no_update BEFORE UPDATE OR DELETE ON audit.checkpoints FOR EACH ROW EXECUTE FUNCTION audit.refuse_checkpoint_change();
CREATE TRIGGER checkpoints_no_truncate BEFORE TRUNCATE ON audit.checkpoints FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_checkpoint_change();

-- The one deletion path: removes every sealed event below p_below, which must be
-- at or below the newest 'pruned' checkpoint (the caller signs and stores that first,
-- so verification carries on from there). Owner only: no grant to the runtime role.
CREATE FUNCTION audit.purge_before(p_below bigint) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, audit AS $$
DECLARE
  n bigint;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM audit.checkpoints WHERE kind = 'pruned' AND pruned_below >= p_below) THEN
    RAISE EXCEPTION 'write a signed pruned checkpoint below % first', p_below USING ERRCODE = 'insufficient_privilege';
  END IF;
  PERFORM set_config('chambers.audit_purge_below', p_below::text, true);
  DELETE FROM audit.events WHERE seq IS NOT NULL AND seq < p_below;
  GET DIAGNOSTICS n = ROW_COUNT;
  PERFORM set_config('chambers.audit_purge_below', '', true);
  RETURN n;
END $$;
REVOKE ALL ON FUNCTION audit.purge_before(bigint) FROM PUBLIC;
