/** Narrow, hand-written types of the workspace endpoints (clients, parties, conflicts, notes, tasks, calendar). */
export type ClientKind = 'person' | 'company';
export type Client = {
  id: string;
  kind: ClientKind;
  name: string;
  email: string | null;
  phone: string | null;
  address: string | null;
  status: 'active' | 'former';
  createdAt: string;
  updatedAt: string;
};
export type Contact = {
  id: string;
  clientId: string;
  name: string;
  role: string | null;
  email: string | null;
  phone: string | null;
  createdAt: string;
};
export type ClientDetail = Client & {
  contacts: Contact[];
  matters: Array<{ matterId: string; title: string; role: string }>;
};
export type Party = {
  id: string;
  matterId: string;
  clientId: string | null;
  name: string;
  role: string;
  createdAt: string;
};
export type ConflictHit = {
  name: string;
  matchedName: string;
  kind: 'client' | 'party';
  matterId: string | null;
  clientId: string | null;
  score: number;
  former: boolean;
};
export type Note = { id: string; matterId: string; body: string; createdBy: string; createdAt: string };
export type Task = {
  id: string;
  matterId: string;
  title: string;
  assigneeId: string | null;
  dueAt: string | null;
  done: boolean;
  doneAt: string | null;
  createdBy: string;
  createdAt: string;
};
export type Deadline = {
  id: string;
  matterId: string;
  kind: 'deadline' | 'hearing';
  title: string;
  dueAt: string;
  remindAt: string | null;
  createdBy: string;
  createdAt: string;
};
export type CalendarEvent = {
  kind: 'deadline' | 'hearing' | 'task';
  id: string;
  title: string;
  at: string;
  matterId: string;
};
export type Assignee = { id: string; name: string };

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
