import type { ColumnType } from 'kysely';

/**
 * Columns of matters added by db/migrations/0019_matter_lifecycle.sql, and the matter team, seen only by
 * this module. search_folded is written by a trigger and never by the application.
 */
export type MatterLifecycleTables = {
  'chambers.matters': {
    matter_type: ColumnType<string | null, string | null | undefined, string | null>;
    practice_area: ColumnType<string | null, string | null | undefined, string | null>;
    client_id: ColumnType<string | null, string | null | undefined, string | null>;
    responsible_user_id: ColumnType<string | null, string | null | undefined, string | null>;
    closed_at: ColumnType<Date | null, never, Date | null>;
  };
  'chambers.matter_team_members': {
    matter_id: string;
    user_id: string;
    org_id: string;
    created_at: ColumnType<Date, never, never>;
  };
};
