import { sql, type Kysely } from 'kysely';
import type { AppContext } from '../context/index.ts';
import type { Principal } from '../access/index.ts';
import { type DB, unsafeWithOwner } from '../platform/db/index.ts';
import { unsafeReadAs, type ApiEvent } from './audit-trail.service.ts';

/** An event as a person reads it: who and what by name, beside the ids the log keeps. */
export type NamedEvent<E> = E & { actorName: string | null; targetLabel: string | null };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Names are resolved when the log is read, never written into it: the log keeps ids, so an erased
 * person shows under the pseudonym erasure gave them (src/privacy) and a renamed matter under its
 * new title. People's names come through the owner path, for ids of events the caller has already
 * read (a member who left the firm is still named); matters, documents and clients through the
 * caller's own access, so an admin outside an ethical wall sees no walled matter's title.
 */
export async function unsafeNameEvents<E extends Pick<ApiEvent, 'actorId' | 'target'>>(
  ctx: AppContext,
  p: Principal,
  events: E[],
): Promise<Array<NamedEvent<E>>> {
  const ids = (values: Array<string | null>) => [...new Set(values.filter((v): v is string => !!v && UUID.test(v)))];
  const people = ids(events.flatMap((e) => [e.actorId, e.target]));
  const things = ids(events.map((e) => e.target));
  const names = new Map<string, string>();
  if (people.length > 0)
    for (const [id, name] of await unsafeWithOwner(ctx.db, (tx) => userNames(tx, people))) names.set(id, name);
  const labels = things.length > 0 ? await unsafeReadAs(ctx, p, (tx) => recordLabels(tx, things)) : new Map();
  return events.map((e) => ({
    ...e,
    actorName: (e.actorId && names.get(e.actorId)) || null,
    targetLabel: (e.target && (labels.get(e.target) ?? names.get(e.target))) || null,
  }));
}

async function userNames(tx: Kysely<DB>, ids: string[]): Promise<Map<string, string>> {
  const { rows } = await sql<{ id: string; name: string }>`
    SELECT id::text AS id, name FROM chambers.users WHERE id = ANY(${ids}::uuid[])`.execute(tx);
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** Titles of matters, names of documents and clients, as far as the reader may see them (RLS). */
async function recordLabels(tx: Kysely<DB>, ids: string[]): Promise<Map<string, string>> {
  const { rows } = await sql<{ id: string; label: string }>`
    SELECT id::text AS id, title AS label FROM chambers.matters WHERE id = ANY(${ids}::uuid[])
    UNION ALL
    SELECT id::text, name FROM chambers.documents WHERE id = ANY(${ids}::uuid[]) AND name IS NOT NULL
    UNION ALL
    SELECT id::text, name FROM chambers.clients WHERE id = ANY(${ids}::uuid[])`.execute(tx);
  return new Map(rows.map((r) => [r.id, r.label]));
}
