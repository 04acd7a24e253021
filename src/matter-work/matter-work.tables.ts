import type { ColumnType, Generated } from 'kysely';

/** Row types of matter notes and tasks (db/migrations/0016_workspace.sql), seen only by this module. */
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type MatterWorkTables = {
  'chambers.matter_notes': {
    id: Generated<string>;
    org_id: string;
    matter_id: string;
    body: string;
    created_by: string;
    created_at: DefaultTimestamp;
  };
  'chambers.matter_tasks': {
    id: Generated<string>;
    org_id: string;
    matter_id: string;
    title: string;
    assignee_id: string | null;
    due_at: NullableTimestamp;
    done_at: NullableTimestamp;
    created_by: string;
    created_at: DefaultTimestamp;
    updated_at: DefaultTimestamp;
  };
};
