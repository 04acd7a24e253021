import type { ColumnType, Generated } from 'kysely';

/** Row types of the electronic-signature tables (db/migrations/0011_signatures.sql), merged into a query with `withTables`. */
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Nullable<T> = ColumnType<T | null, T | null | undefined, T | null>;

export type EnvelopeStatus = 'draft' | 'sent' | 'completed' | 'declined' | 'voided' | 'expired';
export type RecipientRole = 'signer' | 'approver' | 'viewer';
export type RecipientStatus = 'waiting' | 'sent' | 'viewed' | 'signed' | 'declined';
export type FieldKind = 'signature' | 'initials' | 'date' | 'text' | 'checkbox';
export type SealState = 'pending' | 'delayed' | 'done';

export type SealCertificateTable = {
  id: Generated<string>;
  org_id: string;
  source: 'generated' | 'uploaded';
  certificate_pem: string;
  chain_pem: string;
  root_pem: string;
  fingerprint_sha256: string;
  not_after: Date;
  key_box: Buffer;
  root_key_box: Buffer | null;
  wrapped_data_key: Buffer;
  org_key_version: number;
  created_at: DefaultTimestamp;
  retired_at: NullableTimestamp;
};

export type EnvelopeTable = {
  id: Generated<string>;
  org_id: string;
  document_id: string;
  document_version: number;
  title: string;
  message: string | null;
  signing_order: 'sequential' | 'parallel';
  status: ColumnType<EnvelopeStatus, EnvelopeStatus | undefined, EnvelopeStatus>;
  expires_at: Date;
  document_sha256: string;
  page_count: number;
  original_box: Buffer;
  original_wrapped_key: Buffer;
  original_org_key_version: number;
  void_reason: Nullable<string>;
  created_by: string;
  created_at: DefaultTimestamp;
  sent_at: NullableTimestamp;
  voided_at: NullableTimestamp;
  completed_at: NullableTimestamp;
  seal_state: Nullable<SealState>;
  seal_lease_until: NullableTimestamp;
  seal_attempts: Generated<number>;
  seal_next_at: NullableTimestamp;
  final_box: Nullable<Buffer>;
  final_wrapped_key: Nullable<Buffer>;
  final_org_key_version: Nullable<number>;
  final_sha256: Nullable<string>;
  final_size: Nullable<number>;
  finalized_at: NullableTimestamp;
  timestamp_gen_time: NullableTimestamp;
  timestamp_tsa: Nullable<string>;
  evidence: Nullable<unknown>;
};

export type RecipientTable = {
  id: Generated<string>;
  org_id: string;
  envelope_id: string;
  position: number;
  name: string;
  email: string;
  role: RecipientRole;
  status: ColumnType<RecipientStatus, RecipientStatus | undefined, RecipientStatus>;
  token_hash: Nullable<string>;
  sent_at: NullableTimestamp;
  viewed_at: NullableTimestamp;
  view_ip: Nullable<string>;
  view_user_agent: Nullable<string>;
  consented_at: NullableTimestamp;
  consent_ip: Nullable<string>;
  consent_user_agent: Nullable<string>;
  disclosure_version: Nullable<string>;
  disclosure_sha256: Nullable<string>;
  signed_at: NullableTimestamp;
  sign_ip: Nullable<string>;
  sign_user_agent: Nullable<string>;
  signature_method: Nullable<'typed' | 'drawn' | 'approval'>;
  signature_value: Nullable<string>;
  declined_at: NullableTimestamp;
  decline_reason: Nullable<string>;
  decline_ip: Nullable<string>;
  decline_user_agent: Nullable<string>;
  reminded_at: NullableTimestamp;
  reminders: ColumnType<number, number | undefined, number>;
};

export type FieldTable = {
  id: Generated<string>;
  org_id: string;
  envelope_id: string;
  recipient_id: string;
  kind: FieldKind;
  page: number;
  x: number;
  y: number;
  width: number;
  height: number;
  required: boolean;
  value: Nullable<string>;
};

export type EventKind =
  | 'create'
  | 'send'
  | 'mail'
  | 'view'
  | 'consent'
  | 'sign'
  | 'decline'
  | 'void'
  | 'expire'
  | 'seal'
  | 'seal_delayed'
  | 'remind';

export type EnvelopeEventTable = {
  id: Generated<number>;
  org_id: string;
  envelope_id: string;
  recipient_id: string | null;
  kind: EventKind;
  at: DefaultTimestamp;
  ip: string | null;
  user_agent: string | null;
  details: ColumnType<unknown, string | undefined, never>;
};

export type SignaturesDB = {
  'chambers.seal_certificates': SealCertificateTable;
  'chambers.envelopes': EnvelopeTable;
  'chambers.envelope_recipients': RecipientTable;
  'chambers.envelope_fields': FieldTable;
  'chambers.envelope_events': EnvelopeEventTable;
};
