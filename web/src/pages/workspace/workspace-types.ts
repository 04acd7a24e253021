import type { ResponseOf } from '../../api/openapi.ts';

/** The workspace endpoints' types, taken from the generated OpenAPI types so they cannot drift from the server. */
type Item<List> = List extends ReadonlyArray<infer T> ? T : never;

export type ClientDetail = ResponseOf<'/api/v1/clients/{id}', 'get'>;
export type Client = Item<ResponseOf<'/api/v1/clients', 'get'>['clients']>;
export type ClientKind = Client['kind'];
export type Contact = Item<ClientDetail['contacts']>;
export type Party = Item<ResponseOf<'/api/v1/matters/{id}/parties', 'get'>['parties']>;
export type ConflictHit = Item<ResponseOf<'/api/v1/conflict-check', 'post'>['hits']>;
export type Note = Item<ResponseOf<'/api/v1/matters/{id}/notes', 'get'>['notes']>;
export type Task = Item<ResponseOf<'/api/v1/matters/{id}/tasks', 'get'>['tasks']>;
export type Deadline = Item<ResponseOf<'/api/v1/matters/{id}/deadlines', 'get'>['deadlines']>;
export type CalendarEvent = Item<ResponseOf<'/api/v1/calendar', 'get'>['events']>;
export type Assignee = Item<ResponseOf<'/api/v1/tasks/assignees', 'get'>['members']>;

/** What a party can be to a matter, as offered in the forms (the API takes any short label). */
export const PARTY_ROLES = [
  { value: 'client', label: 'Client' },
  { value: 'opposing party', label: 'Opposing party' },
  { value: 'opposing counsel', label: 'Opposing counsel' },
  { value: 'witness', label: 'Witness' },
  { value: 'other', label: 'Other' },
];

/** A datetime-local input's value ("2026-03-01T09:00", local time) as an ISO instant, or undefined when empty. */
export const localToIso = (v: string): string | undefined => (v ? new Date(v).toISOString() : undefined);
