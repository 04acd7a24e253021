import type { ColumnType, Generated } from 'kysely';

/** Row types of the judicial store (db/migrations/0013_judicial.sql), seen only by this module. */
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type CaseStatus = 'open' | 'reserved' | 'disposed' | 'closed';

export type JudicialTables = {
  'judicial.cases': {
    id: Generated<string>;
    org_id: string;
    case_number: string;
    title: string;
    case_type: string | null;
    status: ColumnType<CaseStatus, CaseStatus | undefined, CaseStatus>;
    judge_id: string;
    created_at: DefaultTimestamp;
    updated_at: DefaultTimestamp;
  };
  'judicial.case_clerks': {
    case_id: string;
    org_id: string;
    judge_id: string;
    user_id: string;
    created_at: DefaultTimestamp;
  };
  'judicial.parties': {
    id: Generated<string>;
    case_id: string;
    org_id: string;
    name: string;
    role: string;
    created_by: string;
    created_at: DefaultTimestamp;
  };
  'judicial.hearings': {
    id: Generated<string>;
    case_id: string;
    org_id: string;
    at: ColumnType<Date, Date | string, Date | string>;
    purpose: string;
    created_by: string;
    created_at: DefaultTimestamp;
  };
  'judicial.deadlines': {
    id: Generated<string>;
    case_id: string;
    org_id: string;
    due_on: ColumnType<string, string, string>;
    description: string;
    created_by: string;
    created_at: DefaultTimestamp;
  };
  'judicial.notes': {
    id: string;
    case_id: string;
    org_id: string;
    author_id: string;
    body_ciphertext: Buffer;
    wrapped_key: Buffer;
    created_at: DefaultTimestamp;
  };
  'judicial.orders': {
    id: string;
    case_id: string;
    org_id: string;
    author_id: string;
    title: string;
    body_ciphertext: Buffer;
    wrapped_key: Buffer;
    status: ColumnType<'draft' | 'issued', 'draft' | 'issued' | undefined, 'draft' | 'issued'>;
    issued_at: NullableTimestamp;
    issued_by: string | null;
    created_at: DefaultTimestamp;
    updated_at: DefaultTimestamp;
  };
  'judicial.documents': {
    id: string;
    case_id: string;
    org_id: string;
    name: string;
    content_type: string;
    size: number;
    sha256: string;
    blob_key: string;
    wrapped_key: Buffer;
    created_by: string;
    created_at: DefaultTimestamp;
  };
  'judicial.key_check': {
    singleton: Generated<boolean>;
    check_value: string;
    rotated_at: NullableTimestamp;
    created_at: DefaultTimestamp;
  };
};
