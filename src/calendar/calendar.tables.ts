import type { ColumnType, Generated } from 'kysely';

/** Row types of deadlines and calendar feeds (db/migrations/0016_workspace.sql), seen only by this module. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type DeadlineKind = 'deadline' | 'hearing';

export type CalendarTables = {
  'chambers.matter_deadlines': {
    id: Generated<string>;
    org_id: string;
    matter_id: string;
    kind: ColumnType<DeadlineKind, DeadlineKind | undefined, DeadlineKind>;
    title: string;
    due_at: Timestamp;
    remind_at: NullableTimestamp;
    reminded_at: NullableTimestamp;
    created_by: string;
    created_at: DefaultTimestamp;
  };
  'chambers.calendar_feeds': {
    org_id: string;
    user_id: string;
    /** Written by the runtime role, never read by it (the lookup runs on the owner path). */
    token_hash: Buffer;
    created_at: DefaultTimestamp;
  };
};
