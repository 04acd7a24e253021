import type { ColumnType, Generated } from 'kysely';

/** Row types of the matters-and-documents tables (db/migrations/0007_documents.sql). */
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type MatterWallTable = { matter_id: string; org_id: string; created_by: string; created_at: DefaultTimestamp };
export type MatterWallMemberTable = {
  matter_id: string;
  user_id: string;
  org_id: string;
  created_at: DefaultTimestamp;
};

export type ScannerUnavailablePolicy = 'refuse' | 'accept_unscanned';

export type DocumentPolicyTable = {
  org_id: string;
  max_upload_bytes: number;
  quota_bytes: number | null;
  allow_zip: ColumnType<boolean, boolean | undefined, boolean>;
  scanner_unavailable: ColumnType<
    ScannerUnavailablePolicy,
    ScannerUnavailablePolicy | undefined,
    ScannerUnavailablePolicy
  >;
  retention_days: number | null;
  retention_tag: string | null;
  updated_at: DefaultTimestamp;
};

export type DocumentTable = {
  id: Generated<string>;
  org_id: string;
  matter_id: string;
  name: string | null;
  tags: ColumnType<string[], string[] | undefined, string[]>;
  current_version: ColumnType<number, number | undefined, number>;
  legal_hold: ColumnType<boolean, boolean | undefined, boolean>;
  created_by: string;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
  deleted_at: NullableTimestamp;
  deleted_by: string | null;
  deletion_reason: 'owner' | 'retention' | null;
};

export type ScanStatus = 'clean' | 'unscanned' | 'not_configured';

export type DocumentVersionTable = {
  id: string;
  org_id: string;
  document_id: string;
  /** The document's matter, filled and held by the database (migration 0024): read-only here. */
  matter_id: ColumnType<string, never, never>;
  version: number;
  name: string | null;
  size: number;
  sha256: string;
  content_type: string;
  scan_status: ScanStatus;
  blob_key: string;
  wrapped_data_key: Buffer | null;
  org_key_version: number;
  created_by: string;
  created_at: DefaultTimestamp;
  shredded_at: NullableTimestamp;
};

export type ShareLinkTable = {
  id: Generated<string>;
  org_id: string;
  document_id: string;
  token_hash: string;
  passcode_hash: string | null;
  has_passcode: Generated<boolean>;
  failed_attempts: ColumnType<number, number | undefined, number>;
  locked_at: NullableTimestamp;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  revoked_at: NullableTimestamp;
  created_by: string;
  created_at: DefaultTimestamp;
};

export type DocumentsDB = {
  'chambers.matter_walls': MatterWallTable;
  'chambers.matter_wall_members': MatterWallMemberTable;
  'chambers.document_policies': DocumentPolicyTable;
  'chambers.documents': DocumentTable;
  'chambers.document_versions': DocumentVersionTable;
  'chambers.share_links': ShareLinkTable;
};
