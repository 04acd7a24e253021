import type { Generated } from 'kysely';

/** Row types of the audit tables added in migration 0005 that Kysely queries (the rest are raw SQL). */
export type ApiCallTable = {
  id: Generated<number>;
  at: Generated<Date>;
  org_id: string;
  api_key_id: string;
  user_id: string | null;
  method: string;
  route: string;
  status: number;
  ip: string | null;
  request_id: string | null;
  duration_ms: number | null;
};

export type AuditDB = { 'audit.api_calls': ApiCallTable };
