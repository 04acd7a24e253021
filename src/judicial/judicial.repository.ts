import { sql, type Kysely } from 'kysely';
import { unsafeWithOwner, type Database, type DB, type Tx } from '../platform/db/index.ts';
import type { JudicialTables } from './judicial.tables.ts';

/**
 * All SQL of the judicial store. Every function takes the transaction first; row-level
 * security (0013_judicial.sql) decides what the acting judge or clerk sees, so a query
 * here never filters by judge itself and an id the caller may not see simply finds nothing.
 * Nothing outside src/judicial imports this file (judicial-boundary.test.ts).
 */
const j = (tx: Tx): Kysely<DB & JudicialTables> => tx.withTables<JudicialTables>();

export async function insertCase(
  tx: Tx,
  row: { orgId: string; judgeId: string; caseNumber: string; title: string; caseType: string | null },
) {
  return j(tx)
    .insertInto('judicial.cases')
    .values({
      org_id: row.orgId,
      judge_id: row.judgeId,
      case_number: row.caseNumber,
      title: row.title,
      case_type: row.caseType,
    })
    .returning(['id', 'case_number', 'title', 'case_type', 'status', 'judge_id', 'created_at'])
    .executeTakeFirstOrThrow();
}

export async function insertParties(
  tx: Tx,
  caseId: string,
  orgId: string,
  createdBy: string,
  parties: Array<{ name: string; role: string }>,
) {
  if (parties.length === 0) return;
  await j(tx)
    .insertInto('judicial.parties')
    .values(parties.map((p) => ({ case_id: caseId, org_id: orgId, name: p.name, role: p.role, created_by: createdBy })))
    .execute();
}

const caseColumns = ['id', 'case_number', 'title', 'case_type', 'status', 'judge_id', 'created_at'] as const;

export async function listCases(tx: Tx) {
  return j(tx).selectFrom('judicial.cases').select(caseColumns).orderBy('created_at', 'desc').limit(500).execute();
}

export async function findCase(tx: Tx, id: string) {
  return j(tx).selectFrom('judicial.cases').select(caseColumns).where('id', '=', id).executeTakeFirst();
}

export async function listParties(tx: Tx, caseId: string) {
  return j(tx)
    .selectFrom('judicial.parties')
    .select(['id', 'name', 'role'])
    .where('case_id', '=', caseId)
    .orderBy('created_at')
    .execute();
}

export async function listClerkIds(tx: Tx, caseId: string): Promise<string[]> {
  const rows = await j(tx).selectFrom('judicial.case_clerks').select('user_id').where('case_id', '=', caseId).execute();
  return rows.map((r) => r.user_id).sort();
}

/** Replaces the clerks of a case. RLS lets only the case's judge delete or add these rows. */
export async function replaceClerks(tx: Tx, c: { caseId: string; orgId: string; judgeId: string }, userIds: string[]) {
  await j(tx).deleteFrom('judicial.case_clerks').where('case_id', '=', c.caseId).execute();
  if (userIds.length === 0) return;
  await j(tx)
    .insertInto('judicial.case_clerks')
    .values(userIds.map((u) => ({ case_id: c.caseId, org_id: c.orgId, judge_id: c.judgeId, user_id: u })))
    .execute();
}

/** Which of `userIds` are clerks of the current organization (chambers.memberships, read under its own RLS). */
export async function clerksOfCourt(tx: Tx, userIds: string[]): Promise<string[]> {
  if (userIds.length === 0) return [];
  const rows = await tx
    .selectFrom('chambers.memberships')
    .select('user_id')
    .where('user_id', 'in', userIds)
    .where('role', '=', 'clerk')
    .execute();
  return rows.map((r) => r.user_id);
}

export async function insertHearing(
  tx: Tx,
  row: { caseId: string; orgId: string; at: Date; purpose: string; createdBy: string },
) {
  return j(tx)
    .insertInto('judicial.hearings')
    .values({ case_id: row.caseId, org_id: row.orgId, at: row.at, purpose: row.purpose, created_by: row.createdBy })
    .returning(['id', 'case_id', 'at', 'purpose'])
    .executeTakeFirstOrThrow();
}

export async function listHearings(tx: Tx, caseId: string) {
  return j(tx)
    .selectFrom('judicial.hearings')
    .select(['id', 'case_id', 'at', 'purpose'])
    .where('case_id', '=', caseId)
    .orderBy('at')
    .execute();
}

/** The hearings of every case the caller sees, between two instants. */
export async function hearingsBetween(tx: Tx, from: Date, to: Date) {
  return j(tx)
    .selectFrom('judicial.hearings as h')
    .innerJoin('judicial.cases as c', 'c.id', 'h.case_id')
    .select(['h.case_id', 'c.case_number', 'c.title', 'h.at', 'h.purpose'])
    .where('h.at', '>=', from)
    .where('h.at', '<', to)
    .orderBy('h.at')
    .execute();
}

export async function insertDeadline(
  tx: Tx,
  row: { caseId: string; orgId: string; dueOn: string; description: string; createdBy: string },
) {
  return j(tx)
    .insertInto('judicial.deadlines')
    .values({
      case_id: row.caseId,
      org_id: row.orgId,
      due_on: row.dueOn,
      description: row.description,
      created_by: row.createdBy,
    })
    .returning(['id', 'case_id', sql<string>`to_char(due_on, 'YYYY-MM-DD')`.as('due_on'), 'description'])
    .executeTakeFirstOrThrow();
}

export async function listDeadlines(tx: Tx, caseId: string) {
  return j(tx)
    .selectFrom('judicial.deadlines')
    .select(['id', 'case_id', sql<string>`to_char(due_on, 'YYYY-MM-DD')`.as('due_on'), 'description'])
    .where('case_id', '=', caseId)
    .orderBy('due_on')
    .execute();
}

export async function insertNote(
  tx: Tx,
  row: { id: string; caseId: string; orgId: string; authorId: string; ciphertext: Buffer; wrappedKey: Buffer },
) {
  return j(tx)
    .insertInto('judicial.notes')
    .values({
      id: row.id,
      case_id: row.caseId,
      org_id: row.orgId,
      author_id: row.authorId,
      body_ciphertext: row.ciphertext,
      wrapped_key: row.wrappedKey,
    })
    .returning(['id', 'case_id', 'body_ciphertext', 'wrapped_key', 'created_at'])
    .executeTakeFirstOrThrow();
}

export async function listNotes(tx: Tx, caseId: string) {
  return j(tx)
    .selectFrom('judicial.notes')
    .select(['id', 'case_id', 'body_ciphertext', 'wrapped_key', 'created_at'])
    .where('case_id', '=', caseId)
    .orderBy('created_at')
    .execute();
}

const orderColumns = [
  'id',
  'case_id',
  'title',
  'body_ciphertext',
  'wrapped_key',
  'status',
  'author_id',
  'issued_at',
  'created_at',
] as const;

export async function insertOrder(
  tx: Tx,
  row: {
    id: string;
    caseId: string;
    orgId: string;
    authorId: string;
    title: string;
    ciphertext: Buffer;
    wrappedKey: Buffer;
  },
) {
  return j(tx)
    .insertInto('judicial.orders')
    .values({
      id: row.id,
      case_id: row.caseId,
      org_id: row.orgId,
      author_id: row.authorId,
      title: row.title,
      body_ciphertext: row.ciphertext,
      wrapped_key: row.wrappedKey,
    })
    .returning(orderColumns)
    .executeTakeFirstOrThrow();
}

export async function listOrders(tx: Tx, caseId: string) {
  return j(tx)
    .selectFrom('judicial.orders')
    .select(orderColumns)
    .where('case_id', '=', caseId)
    .orderBy('created_at')
    .execute();
}

export async function findOrder(tx: Tx, caseId: string, orderId: string) {
  return j(tx)
    .selectFrom('judicial.orders')
    .select(orderColumns)
    .where('case_id', '=', caseId)
    .where('id', '=', orderId)
    .executeTakeFirst();
}

export async function updateDraft(
  tx: Tx,
  orderId: string,
  row: { title: string; ciphertext: Buffer; wrappedKey: Buffer; now: Date },
) {
  return j(tx)
    .updateTable('judicial.orders')
    .set({ title: row.title, body_ciphertext: row.ciphertext, wrapped_key: row.wrappedKey, updated_at: row.now })
    .where('id', '=', orderId)
    .where('status', '=', 'draft')
    .returning(orderColumns)
    .executeTakeFirst();
}

/** Issues a draft; the policy admits the update only from the case's judge, the trigger makes it final. */
export async function markIssued(tx: Tx, orderId: string, by: string, now: Date) {
  return j(tx)
    .updateTable('judicial.orders')
    .set({ status: 'issued', issued_at: now, issued_by: by, updated_at: now })
    .where('id', '=', orderId)
    .where('status', '=', 'draft')
    .returning(orderColumns)
    .executeTakeFirst();
}

export async function insertDocument(
  tx: Tx,
  row: {
    id: string;
    caseId: string;
    orgId: string;
    name: string;
    contentType: string;
    size: number;
    sha256: string;
    blobKey: string;
    wrappedKey: Buffer;
    createdBy: string;
  },
) {
  return j(tx)
    .insertInto('judicial.documents')
    .values({
      id: row.id,
      case_id: row.caseId,
      org_id: row.orgId,
      name: row.name,
      content_type: row.contentType,
      size: row.size,
      sha256: row.sha256,
      blob_key: row.blobKey,
      wrapped_key: row.wrappedKey,
      created_by: row.createdBy,
    })
    .returning(['id', 'case_id', 'name', 'size', 'sha256', 'content_type', 'created_by', 'created_at'])
    .executeTakeFirstOrThrow();
}

export async function listDocuments(tx: Tx, caseId: string) {
  return j(tx)
    .selectFrom('judicial.documents')
    .select(['id', 'case_id', 'name', 'size', 'sha256', 'content_type', 'created_by', 'created_at'])
    .where('case_id', '=', caseId)
    .orderBy('created_at')
    .execute();
}

export async function findDocument(tx: Tx, id: string) {
  return j(tx)
    .selectFrom('judicial.documents')
    .select([
      'id',
      'case_id',
      'name',
      'size',
      'sha256',
      'content_type',
      'blob_key',
      'wrapped_key',
      'created_by',
      'created_at',
    ])
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Removes a case document; RLS admits it only from its uploader or the case's judge (else no row comes back). */
export async function deleteDocument(tx: Tx, id: string) {
  return j(tx)
    .deleteFrom('judicial.documents')
    .where('id', '=', id)
    .returning(['id', 'case_id', 'blob_key'])
    .executeTakeFirst();
}

/** Whether a live case document names this blob (the orphan sweep's question; owner path, across courts). */
export async function unsafeBlobInUse(db: Database, blobKey: string): Promise<boolean> {
  return unsafeWithOwner(db, async (tx) =>
    Boolean(
      await j(tx).selectFrom('judicial.documents').select('id').where('blob_key', '=', blobKey).executeTakeFirst(),
    ),
  );
}
