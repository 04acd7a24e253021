import type { ColumnType, Generated } from 'kysely';
import type { DocumentsDB } from './tables/documents.tables.ts';
import type { AuditDB } from './tables/audit.tables.ts';

/** Row types of the tables the application reads and writes (Kysely's view of the schema). */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type DeploymentTable = {
  singleton: Generated<boolean>;
  master_key_check: string;
  setup_token_hash: string | null;
  setup_completed_at: NullableTimestamp;
  created_at: DefaultTimestamp;
};

export type OrganizationTable = {
  id: Generated<string>;
  name: string;
  kind: 'firm' | 'court';
  settings: ColumnType<Record<string, unknown>, string | undefined, string>;
  created_at: DefaultTimestamp;
};

export type UserTable = {
  id: Generated<string>;
  email: string;
  name: string;
  password_hash: string | null;
  email_verified_at: NullableTimestamp;
  is_super_admin: Generated<boolean>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
};

export type MemberRole = 'org_admin' | 'lawyer' | 'judge' | 'clerk' | 'reviewer' | 'api_admin';

export type MembershipTable = {
  org_id: string;
  user_id: string;
  role: MemberRole;
  created_at: DefaultTimestamp;
  /** Set while an org_admin has suspended the membership (0010_offboarding.sql). */
  suspended_at: NullableTimestamp;
  suspended_by: string | null;
};

export type MatterTable = {
  id: Generated<string>;
  org_id: string;
  title: string;
  reference: string | null;
  client_name: string | null;
  status: Generated<'open' | 'closed' | 'archived'>;
  legal_hold: Generated<boolean>;
  /** Whether matter_walls has a row for it, kept by the database (migration 0024): read-only here. */
  walled: ColumnType<boolean, never, never>;
  created_by: string;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
};

export type DB = AuthDB &
  MfaDB &
  DocumentsDB &
  GuardDB &
  AuditDB & {
    'chambers.deployment': DeploymentTable;
    'chambers.organizations': OrganizationTable;
    'chambers.users': UserTable;
    'chambers.memberships': MembershipTable;
    'chambers.matters': MatterTable;
  };

export type SessionTable = {
  id: Generated<string>;
  user_id: string;
  org_id: string | null;
  created_at: DefaultTimestamp;
  last_seen_at: DefaultTimestamp;
  expires_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
  amr: ColumnType<string[], string[] | undefined, string[]>;
  aal: ColumnType<number, number | undefined, number>;
  revoked_at: NullableTimestamp;
  revoked_reason: string | null;
  mfa_verified_at: NullableTimestamp;
  /** The session that issued the hand-off this one was opened by (migration 0009); it ends with it. */
  parent_session_id: ColumnType<string | null, string | null | undefined, never>;
};

export type RefreshTokenTable = {
  id: Generated<string>;
  session_id: string;
  token_hash: string;
  created_at: DefaultTimestamp;
  used_at: NullableTimestamp;
};

export type EmailCodeTable = {
  id: Generated<string>;
  email: string;
  purpose: 'verify_email' | 'password_reset' | 'email_change';
  user_id: string | null;
  code_hash: string;
  attempts: Generated<number>;
  expires_at: Timestamp;
  consumed_at: NullableTimestamp;
  created_at: DefaultTimestamp;
};

export type LoginFailureTable = {
  email: string;
  failures: Generated<number>;
  last_failure_at: DefaultTimestamp;
  locked_until: NullableTimestamp;
};

export type InvitationTable = {
  id: Generated<string>;
  org_id: string;
  email: string;
  role: MemberRole;
  token_hash: string;
  invited_by: string;
  created_at: DefaultTimestamp;
  expires_at: Timestamp;
  accepted_at: NullableTimestamp;
  accepted_by: string | null;
  /** Set when an org_admin withdrew the invitation: its token is refused from then on. */
  revoked_at: NullableTimestamp;
  revoked_by: string | null;
};

export type AuditEventTable = {
  id: Generated<number>;
  at: DefaultTimestamp;
  org_id: string | null;
  actor_id: string | null;
  action: string;
  target: string | null;
  ip: string | null;
  user_agent: string | null;
  outcome: 'success' | 'failure' | 'denied';
  request_id: string | null;
  details: ColumnType<Record<string, unknown>, string | undefined, never>;
};

export type AuthDB = {
  'chambers.sessions': SessionTable;
  'chambers.refresh_tokens': RefreshTokenTable;
  'chambers.email_codes': EmailCodeTable;
  'chambers.login_failures': LoginFailureTable;
  'chambers.invitations': InvitationTable;
  'audit.events': AuditEventTable;
};

export type MfaTotpTable = {
  user_id: string;
  secret_ciphertext: string;
  confirmed_at: NullableTimestamp;
  last_used_step: number | null;
  created_at: DefaultTimestamp;
};

export type MfaBackupCodeTable = {
  id: Generated<string>;
  user_id: string;
  code_hash: string;
  used_at: NullableTimestamp;
  created_at: DefaultTimestamp;
};

export type WebauthnCredentialTable = {
  id: Generated<string>;
  user_id: string;
  credential_id: string;
  public_key: Buffer;
  counter: ColumnType<number, number | undefined, number>;
  transports: ColumnType<string[], string[] | undefined, string[]>;
  device_type: string | null;
  backed_up: ColumnType<boolean, boolean | undefined, boolean>;
  name: string;
  created_at: DefaultTimestamp;
  last_used_at: NullableTimestamp;
};

export type TrustedDeviceTable = {
  id: Generated<string>;
  user_id: string;
  created_at: DefaultTimestamp;
  expires_at: Timestamp;
  last_used_at: NullableTimestamp;
  ip: string | null;
  user_agent: string | null;
  revoked_at: NullableTimestamp;
};

export type MfaChallengeTable = {
  id: Generated<string>;
  purpose: 'login' | 'enrollment' | 'webauthn_register' | 'passkey_login' | 'step_up';
  user_id: string | null;
  org_id: string | null;
  token_hash: string | null;
  webauthn_challenge: string | null;
  attempts: ColumnType<number, number | undefined, number>;
  created_at: DefaultTimestamp;
  expires_at: Timestamp;
  consumed_at: NullableTimestamp;
};

export type PortalHandoffTable = { id: string; user_id: string; used_at: DefaultTimestamp };

export type MfaDB = {
  'chambers.mfa_totp': MfaTotpTable;
  'chambers.mfa_backup_codes': MfaBackupCodeTable;
  'chambers.webauthn_credentials': WebauthnCredentialTable;
  'chambers.trusted_devices': TrustedDeviceTable;
  'chambers.mfa_challenges': MfaChallengeTable;
  'chambers.portal_handoffs': PortalHandoffTable;
};

export type IdempotencyKeyTable = {
  org_id: string;
  user_id: string;
  key: string;
  request_hash: string;
  state: Generated<'in_flight' | 'done'>;
  response_status: number | null;
  response_headers: ColumnType<Record<string, string> | null, string | null | undefined, string | null>;
  response_body: string | null;
  created_at: DefaultTimestamp;
  locked_at: Timestamp;
  expires_at: Timestamp;
  completed_at: NullableTimestamp;
};

export type WebhookIntegrationTable = {
  id: Generated<string>;
  org_id: string;
  name: string;
  created_by: string;
  created_at: DefaultTimestamp;
  rotated_at: NullableTimestamp;
};

export type WebhookSecretTable = {
  id: string;
  integration_id: string;
  org_id: string;
  secret_ciphertext: string;
  created_at: DefaultTimestamp;
  retires_at: NullableTimestamp;
};

export type WebhookEventTable = {
  integration_id: string;
  org_id: string;
  event_id: string;
  signature_digest: string;
  received_at: Timestamp;
};

/** Idempotency keys and inbound webhooks (migration 0008). */
export type GuardDB = {
  'chambers.idempotency_keys': IdempotencyKeyTable;
  'chambers.webhook_integrations': WebhookIntegrationTable;
  'chambers.webhook_secrets': WebhookSecretTable;
  'chambers.webhook_events': WebhookEventTable;
};
