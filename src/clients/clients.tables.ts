import type { ColumnType, Generated } from 'kysely';

/** Row types of clients, contacts and matter parties (db/migrations/0016_workspace.sql), seen only by this module. */
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type ClientKind = 'person' | 'company';
export type ClientStatus = 'active' | 'former';

export type ClientTables = {
  'chambers.clients': {
    id: Generated<string>;
    org_id: string;
    kind: ClientKind;
    name: string;
    name_normalized: string;
    email: string | null;
    phone: string | null;
    address: string | null;
    status: ColumnType<ClientStatus, ClientStatus | undefined, ClientStatus>;
    created_by: string;
    created_at: DefaultTimestamp;
    updated_at: DefaultTimestamp;
  };
  'chambers.client_contacts': {
    id: Generated<string>;
    org_id: string;
    client_id: string;
    name: string;
    name_normalized: string;
    role: string | null;
    email: string | null;
    phone: string | null;
    created_by: string;
    created_at: DefaultTimestamp;
  };
  'chambers.matter_parties': {
    id: Generated<string>;
    org_id: string;
    matter_id: string;
    client_id: string | null;
    name: string;
    name_normalized: string;
    role: string;
    created_by: string;
    created_at: DefaultTimestamp;
  };
};
