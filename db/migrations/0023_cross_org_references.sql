-- A row of one organization can no longer point at a row of another (security hardening).
--
-- Until now a foreign key between two tenant-owned tables named only the target's id, and a
-- foreign key check reads past row-level security: the database accepted a matter of
-- organization A whose client_id was a client of organization B, a task assigned to a user who
-- belongs to no organization of the matter's, a signature field of one envelope placed for a
-- recipient of another. Only service code stood in the way. Each such key now carries org_id
-- (or, inside an envelope, envelope_id), so the database itself refuses the row (23503):
--
--   (org_id, x_id) REFERENCES target (org_id, id)
--
-- MATCH SIMPLE (the default): a row whose x_id is null is not checked, so an optional client
-- stays optional. ON DELETE SET NULL names the one column it clears (PostgreSQL 15+), since
-- org_id is NOT NULL.
--
-- People: users are global (one person, several organizations), so a user named on a matter
-- (responsible lawyer, team member, task assignee) must be a member of the matter's
-- organization: the key points at memberships (org_id, user_id). Removing a member (an
-- org_admin's DELETE of the membership, or the user's erasure cascading to it) clears them as
-- responsible lawyer and assignee and takes them off matter teams; a suspended member stays
-- a member and keeps all three. created_by columns keep pointing at users: authorship outlives
-- membership.
--
-- Rows that an older version let through are repaired first, in the same direction the keys
-- now act: a reference across organizations, or to someone no longer a member, is cleared
-- (optional columns) or removed (team rows). Mandatory references (a note's matter, a
-- version's document…) were always written through their parent under RLS and need no repair.

-- 1. Targets: the pair each composite key points at.
ALTER TABLE chambers.clients ADD CONSTRAINT clients_org_id_id_key UNIQUE (org_id, id);
ALTER TABLE chambers.matters ADD CONSTRAINT matters_org_id_id_key UNIQUE (org_id, id);
ALTER TABLE chambers.matter_walls ADD CONSTRAINT matter_walls_org_id_matter_id_key UNIQUE (org_id, matter_id);
ALTER TABLE chambers.documents ADD CONSTRAINT documents_org_id_id_key UNIQUE (org_id, id);
ALTER TABLE chambers.envelopes ADD CONSTRAINT envelopes_org_id_id_key UNIQUE (org_id, id);
ALTER TABLE chambers.envelope_recipients ADD CONSTRAINT envelope_recipients_envelope_id_id_key UNIQUE (envelope_id, id);
ALTER TABLE chambers.outbound_events ADD CONSTRAINT outbound_events_org_id_id_key UNIQUE (org_id, id);
ALTER TABLE chambers.webhook_deliveries ADD CONSTRAINT webhook_deliveries_org_id_id_key UNIQUE (org_id, id);

-- 2. Repairs of what single-column keys let through.
UPDATE chambers.matters m SET client_id = NULL
 WHERE client_id IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM chambers.clients c WHERE c.id = m.client_id AND c.org_id = m.org_id);
UPDATE chambers.matter_parties p SET client_id = NULL
 WHERE client_id IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM chambers.clients c WHERE c.id = p.client_id AND c.org_id = p.org_id);
UPDATE chambers.matters m SET responsible_user_id = NULL
 WHERE responsible_user_id IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM chambers.memberships ms WHERE ms.org_id = m.org_id AND ms.user_id = m.responsible_user_id);
UPDATE chambers.matter_tasks t SET assignee_id = NULL
 WHERE assignee_id IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM chambers.memberships ms WHERE ms.org_id = t.org_id AND ms.user_id = t.assignee_id);
DELETE FROM chambers.matter_team_members tm
 WHERE NOT EXISTS (SELECT 1 FROM chambers.memberships ms WHERE ms.org_id = tm.org_id AND ms.user_id = tm.user_id);

-- 3. Clients.
ALTER TABLE chambers.matters DROP CONSTRAINT matters_client_id_fkey,
  ADD CONSTRAINT matters_client_same_org FOREIGN KEY (org_id, client_id)
    REFERENCES chambers.clients (org_id, id) ON DELETE SET NULL (client_id);
ALTER TABLE chambers.matter_parties DROP CONSTRAINT matter_parties_client_id_fkey,
  ADD CONSTRAINT matter_parties_client_same_org FOREIGN KEY (org_id, client_id)
    REFERENCES chambers.clients (org_id, id) ON DELETE SET NULL (client_id);
ALTER TABLE chambers.client_contacts DROP CONSTRAINT client_contacts_client_id_fkey,
  ADD CONSTRAINT client_contacts_client_same_org FOREIGN KEY (org_id, client_id)
    REFERENCES chambers.clients (org_id, id) ON DELETE CASCADE;

-- 4. Matters and what hangs off them.
ALTER TABLE chambers.matter_parties DROP CONSTRAINT matter_parties_matter_id_fkey,
  ADD CONSTRAINT matter_parties_matter_same_org FOREIGN KEY (org_id, matter_id)
    REFERENCES chambers.matters (org_id, id) ON DELETE CASCADE;
ALTER TABLE chambers.matter_notes DROP CONSTRAINT matter_notes_matter_id_fkey,
  ADD CONSTRAINT matter_notes_matter_same_org FOREIGN KEY (org_id, matter_id)
    REFERENCES chambers.matters (org_id, id) ON DELETE CASCADE;
ALTER TABLE chambers.matter_tasks DROP CONSTRAINT matter_tasks_matter_id_fkey,
  ADD CONSTRAINT matter_tasks_matter_same_org FOREIGN KEY (org_id, matter_id)
    REFERENCES chambers.matters (org_id, id) ON DELETE CASCADE;
ALTER TABLE chambers.matter_deadlines DROP CONSTRAINT matter_deadlines_matter_id_fkey,
  ADD CONSTRAINT matter_deadlines_matter_same_org FOREIGN KEY (org_id, matter_id)
    REFERENCES chambers.matters (org_id, id) ON DELETE CASCADE;
ALTER TABLE chambers.matter_team_members DROP CONSTRAINT matter_team_members_matter_id_fkey,
  ADD CONSTRAINT matter_team_members_matter_same_org FOREIGN KEY (org_id, matter_id)
    REFERENCES chambers.matters (org_id, id) ON DELETE CASCADE;
ALTER TABLE chambers.matter_walls DROP CONSTRAINT matter_walls_matter_id_fkey,
  ADD CONSTRAINT matter_walls_matter_same_org FOREIGN KEY (org_id, matter_id)
    REFERENCES chambers.matters (org_id, id) ON DELETE CASCADE;
ALTER TABLE chambers.matter_wall_members DROP CONSTRAINT matter_wall_members_matter_id_fkey,
  ADD CONSTRAINT matter_wall_members_wall_same_org FOREIGN KEY (org_id, matter_id)
    REFERENCES chambers.matter_walls (org_id, matter_id) ON DELETE CASCADE;
ALTER TABLE chambers.documents DROP CONSTRAINT documents_matter_id_fkey,
  ADD CONSTRAINT documents_matter_same_org FOREIGN KEY (org_id, matter_id)
    REFERENCES chambers.matters (org_id, id) ON DELETE CASCADE;

-- 5. People named on a matter: members of its organization.
ALTER TABLE chambers.matters DROP CONSTRAINT matters_responsible_user_id_fkey,
  ADD CONSTRAINT matters_responsible_is_member FOREIGN KEY (org_id, responsible_user_id)
    REFERENCES chambers.memberships (org_id, user_id) ON DELETE SET NULL (responsible_user_id);
ALTER TABLE chambers.matter_tasks DROP CONSTRAINT matter_tasks_assignee_id_fkey,
  ADD CONSTRAINT matter_tasks_assignee_is_member FOREIGN KEY (org_id, assignee_id)
    REFERENCES chambers.memberships (org_id, user_id) ON DELETE SET NULL (assignee_id);
ALTER TABLE chambers.matter_team_members DROP CONSTRAINT matter_team_members_user_id_fkey,
  ADD CONSTRAINT matter_team_members_is_member FOREIGN KEY (org_id, user_id)
    REFERENCES chambers.memberships (org_id, user_id) ON DELETE CASCADE;
CREATE INDEX matters_responsible_idx ON chambers.matters (org_id, responsible_user_id) WHERE responsible_user_id IS NOT NULL;
CREATE INDEX matter_team_members_user_idx ON chambers.matter_team_members (org_id, user_id);

-- 6. Documents, envelopes and their recipients: a field or an event names a recipient of its own envelope.
ALTER TABLE chambers.document_versions DROP CONSTRAINT document_versions_document_id_fkey,
  ADD CONSTRAINT document_versions_document_same_org FOREIGN KEY (org_id, document_id)
    REFERENCES chambers.documents (org_id, id) ON DELETE CASCADE;
ALTER TABLE chambers.share_links DROP CONSTRAINT share_links_document_id_fkey,
  ADD CONSTRAINT share_links_document_same_org FOREIGN KEY (org_id, document_id)
    REFERENCES chambers.documents (org_id, id) ON DELETE CASCADE;
ALTER TABLE chambers.envelopes DROP CONSTRAINT envelopes_document_id_fkey,
  ADD CONSTRAINT envelopes_document_same_org FOREIGN KEY (org_id, document_id)
    REFERENCES chambers.documents (org_id, id) ON DELETE CASCADE;
ALTER TABLE chambers.envelope_recipients DROP CONSTRAINT envelope_recipients_envelope_id_fkey,
  ADD CONSTRAINT envelope_recipients_envelope_same_org FOREIGN KEY (org_id, envelope_id)
    REFERENCES chambers.envelopes (org_id, id) ON DELETE CASCADE;
ALTER TABLE chambers.envelope_fields DROP CONSTRAINT envelope_fields_envelope_id_fkey,
  ADD CONSTRAINT envelope_fields_envelope_same_org FOREIGN KEY (org_id, envelope_id)
    REFERENCES chambers.envelopes (org_id, id) ON DELETE CASCADE;
ALTER TABLE chambers.envelope_fields DROP CONSTRAINT envelope_fields_recipient_id_fkey,
  ADD CONSTRAINT envelope_fields_recipient_same_envelope FOREIGN KEY (envelope_id, recipient_id)
    REFERENCES chambers.envelope_recipients (envelope_id, id) ON DELETE CASCADE;
ALTER TABLE chambers.envelope_events DROP CONSTRAINT envelope_events_envelope_id_fkey,
  ADD CONSTRAINT envelope_events_envelope_same_org FOREIGN KEY (org_id, envelope_id)
    REFERENCES chambers.envelopes (org_id, id) ON DELETE CASCADE;
ALTER TABLE chambers.envelope_events DROP CONSTRAINT envelope_events_recipient_id_fkey,
  ADD CONSTRAINT envelope_events_recipient_same_envelope FOREIGN KEY (envelope_id, recipient_id)
    REFERENCES chambers.envelope_recipients (envelope_id, id) ON DELETE CASCADE;

-- 7. Outbound webhooks: a delivery is of an event of its own organization, an attempt of a delivery of it.
ALTER TABLE chambers.webhook_deliveries DROP CONSTRAINT webhook_deliveries_event_id_fkey,
  ADD CONSTRAINT webhook_deliveries_event_same_org FOREIGN KEY (org_id, event_id)
    REFERENCES chambers.outbound_events (org_id, id) ON DELETE CASCADE;
ALTER TABLE chambers.webhook_delivery_attempts DROP CONSTRAINT webhook_delivery_attempts_delivery_id_fkey,
  ADD CONSTRAINT webhook_delivery_attempts_delivery_same_org FOREIGN KEY (org_id, delivery_id)
    REFERENCES chambers.webhook_deliveries (org_id, id) ON DELETE CASCADE;
