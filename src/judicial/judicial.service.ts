import crypto from 'node:crypto';
import type { Actor } from '../access/index.ts';
import type { Tx } from '../platform/db/index.ts';
import { AppError } from '../platform/errors.ts';
import { openText, sealText } from './judicial-keys.ts';
import * as repo from './judicial.repository.ts';
import type {
  CaseDetail,
  CaseSummary,
  CauseListEntry,
  CreateCaseInput,
  DeadlineView,
  HearingView,
  NoteView,
  OrderView,
} from './judicial.schemas.ts';

/**
 * The rules of judges' chambers. Every function takes the judicial store's transaction
 * first (row-level security already narrowed it to what the actor may see) and the
 * judicial key where content is sealed or opened. A case the actor does not see is
 * NOT_FOUND, exactly like a case that does not exist.
 */
/** The store (main database or its own) and judicial key the routes run their transactions on. */
export {
  judicialStoreHandle,
  openJudicialStore,
  type JudicialStore,
  type JudicialStoreHandle,
} from './judicial-store.ts';

type CaseRow = NonNullable<Awaited<ReturnType<typeof repo.findCase>>>;
type OrderRow = NonNullable<Awaited<ReturnType<typeof repo.findOrder>>>;

const iso = (d: Date | string) => new Date(d).toISOString();
const sqlState = (err: unknown) => (err as { code?: unknown }).code;

function summaryOf(c: CaseRow): CaseSummary {
  return {
    id: c.id,
    caseNumber: c.case_number,
    title: c.title,
    caseType: c.case_type,
    status: c.status,
    judgeId: c.judge_id,
    createdAt: iso(c.created_at),
  };
}

export async function openCase(tx: Tx, actor: Actor, input: CreateCaseInput): Promise<{ id: string }> {
  try {
    const row = await repo.insertCase(tx, {
      orgId: actor.orgId,
      judgeId: actor.userId,
      caseNumber: input.caseNumber,
      title: input.title,
      caseType: input.caseType ?? null,
    });
    await repo.insertParties(tx, row.id, actor.orgId, actor.userId, input.parties);
    return { id: row.id };
  } catch (err) {
    if (sqlState(err) === '23505') throw new AppError('CASE_NUMBER_TAKEN');
    throw err;
  }
}

export async function listCases(tx: Tx): Promise<{ cases: CaseSummary[] }> {
  return { cases: (await repo.listCases(tx)).map(summaryOf) };
}

/** The case if the actor sees it; 404 otherwise (another judge's case, another court's, or none). */
export async function visibleCase(tx: Tx, id: string): Promise<CaseRow> {
  const c = await repo.findCase(tx, id);
  if (!c) throw new AppError('NOT_FOUND');
  return c;
}

export async function getCase(tx: Tx, id: string): Promise<CaseDetail> {
  const c = await visibleCase(tx, id);
  const [parties, hearings, deadlines, clerkIds] = [
    await repo.listParties(tx, id),
    await repo.listHearings(tx, id),
    await repo.listDeadlines(tx, id),
    await repo.listClerkIds(tx, id),
  ];
  return {
    ...summaryOf(c),
    parties,
    hearings: hearings.map(hearingOf),
    deadlines: deadlines.map(deadlineOf),
    clerkIds,
  };
}

/** Of the ids a judge wants to share with, those that are not clerks of the court (read in the main database). */
export async function notClerksOfCourt(tx: Tx, userIds: string[]): Promise<string[]> {
  const clerks = new Set(await repo.clerksOfCourt(tx, userIds));
  return userIds.filter((u) => !clerks.has(u));
}

export async function setClerks(
  tx: Tx,
  actor: Actor,
  caseId: string,
  userIds: string[],
): Promise<{ caseId: string; clerkIds: string[] }> {
  const c = await visibleCase(tx, caseId);
  // A clerk sees the case too, but only its judge shares it: for anyone else it is not there to change.
  if (c.judge_id !== actor.userId) throw new AppError('NOT_FOUND');
  const unique = [...new Set(userIds)];
  await repo.replaceClerks(tx, { caseId, orgId: actor.orgId, judgeId: actor.userId }, unique);
  return { caseId, clerkIds: unique.sort() };
}

const hearingOf = (h: { id: string; case_id: string; at: Date; purpose: string }): HearingView => ({
  id: h.id,
  caseId: h.case_id,
  at: iso(h.at),
  purpose: h.purpose,
});

const deadlineOf = (d: { id: string; case_id: string; due_on: string; description: string }): DeadlineView => ({
  id: d.id,
  caseId: d.case_id,
  dueOn: d.due_on,
  description: d.description,
});

export async function addHearing(
  tx: Tx,
  actor: Actor,
  caseId: string,
  input: { at: string; purpose: string },
  now: Date,
): Promise<HearingView> {
  await visibleCase(tx, caseId);
  const at = new Date(input.at);
  if (at.getTime() < now.getTime()) throw new AppError('HEARING_IN_PAST');
  return hearingOf(
    await repo.insertHearing(tx, { caseId, orgId: actor.orgId, at, purpose: input.purpose, createdBy: actor.userId }),
  );
}

/** The cause list: the day's hearings (UTC day) of every case the actor sees. */
export async function causeList(tx: Tx, date: string | undefined, now: Date): Promise<{ hearings: CauseListEntry[] }> {
  const day = date ?? now.toISOString().slice(0, 10);
  const from = new Date(`${day}T00:00:00.000Z`);
  const to = new Date(from.getTime() + 24 * 60 * 60 * 1000);
  const rows = await repo.hearingsBetween(tx, from, to);
  return {
    hearings: rows.map((r) => ({
      caseId: r.case_id,
      caseNumber: r.case_number,
      title: r.title,
      at: iso(r.at),
      purpose: r.purpose,
    })),
  };
}

export async function addDeadline(
  tx: Tx,
  actor: Actor,
  caseId: string,
  input: { dueOn: string; description: string },
): Promise<DeadlineView> {
  await visibleCase(tx, caseId);
  return deadlineOf(await repo.insertDeadline(tx, { caseId, orgId: actor.orgId, ...input, createdBy: actor.userId }));
}

export async function listDeadlines(tx: Tx, caseId: string): Promise<{ deadlines: DeadlineView[] }> {
  await visibleCase(tx, caseId);
  return { deadlines: (await repo.listDeadlines(tx, caseId)).map(deadlineOf) };
}

export async function addNote(tx: Tx, kek: Buffer, actor: Actor, caseId: string, body: string): Promise<NoteView> {
  await visibleCase(tx, caseId);
  const id = crypto.randomUUID();
  const sealed = sealText(kek, 'note', id, body);
  const row = await repo.insertNote(tx, {
    id,
    caseId,
    orgId: actor.orgId,
    authorId: actor.userId,
    ciphertext: sealed.ciphertext,
    wrappedKey: sealed.wrappedKey,
  });
  return { id: row.id, caseId: row.case_id, body, createdAt: iso(row.created_at) };
}

/** The actor's own notes: the policy shows nobody else's, whoever asks. */
export async function listNotes(tx: Tx, kek: Buffer, caseId: string): Promise<{ notes: NoteView[] }> {
  await visibleCase(tx, caseId);
  const rows = await repo.listNotes(tx, caseId);
  return {
    notes: rows.map((n) => ({
      id: n.id,
      caseId: n.case_id,
      body: openText(kek, 'note', n.id, n.body_ciphertext, n.wrapped_key),
      createdAt: iso(n.created_at),
    })),
  };
}

const orderOf = (kek: Buffer, o: OrderRow): OrderView => ({
  id: o.id,
  caseId: o.case_id,
  title: o.title,
  body: openText(kek, 'order', o.id, o.body_ciphertext, o.wrapped_key),
  status: o.status,
  authorId: o.author_id,
  issuedAt: o.issued_at ? iso(o.issued_at) : null,
  createdAt: iso(o.created_at),
});

export async function draftOrder(
  tx: Tx,
  kek: Buffer,
  actor: Actor,
  caseId: string,
  input: { title: string; body: string },
): Promise<OrderView> {
  await visibleCase(tx, caseId);
  const id = crypto.randomUUID();
  const sealed = sealText(kek, 'order', id, input.body);
  const row = await repo.insertOrder(tx, {
    id,
    caseId,
    orgId: actor.orgId,
    authorId: actor.userId,
    title: input.title,
    ciphertext: sealed.ciphertext,
    wrappedKey: sealed.wrappedKey,
  });
  return orderOf(kek, row);
}

export async function listOrders(tx: Tx, kek: Buffer, caseId: string): Promise<{ orders: OrderView[] }> {
  await visibleCase(tx, caseId);
  return { orders: (await repo.listOrders(tx, caseId)).map((o) => orderOf(kek, o)) };
}

/** An order the actor sees on a case the actor sees: their own draft or an issued order. */
async function visibleOrder(tx: Tx, caseId: string, orderId: string): Promise<OrderRow> {
  await visibleCase(tx, caseId);
  const o = await repo.findOrder(tx, caseId, orderId);
  if (!o) throw new AppError('NOT_FOUND');
  return o;
}

export async function updateDraft(
  tx: Tx,
  kek: Buffer,
  caseId: string,
  orderId: string,
  input: { title: string; body: string },
  now: Date,
): Promise<OrderView> {
  const o = await visibleOrder(tx, caseId, orderId);
  if (o.status === 'issued') throw new AppError('ORDER_ISSUED');
  const sealed = sealText(kek, 'order', orderId, input.body);
  const row = await repo.updateDraft(tx, orderId, {
    title: input.title,
    ciphertext: sealed.ciphertext,
    wrappedKey: sealed.wrappedKey,
    now,
  });
  if (!row) throw new AppError('ORDER_ISSUED');
  return orderOf(kek, row);
}

/** Issues a draft: one-way. Only the case's judge, and only their own draft; a second issue is 409. */
export async function issueOrder(
  tx: Tx,
  kek: Buffer,
  actor: Actor,
  caseId: string,
  orderId: string,
  now: Date,
): Promise<OrderView> {
  const c = await visibleCase(tx, caseId);
  if (c.judge_id !== actor.userId) throw new AppError('FORBIDDEN', 'only the judge of the case issues its orders');
  const o = await visibleOrder(tx, caseId, orderId);
  if (o.status === 'issued') throw new AppError('ORDER_ISSUED');
  const row = await repo.markIssued(tx, orderId, actor.userId, now);
  if (!row) throw new AppError('ORDER_ISSUED');
  return orderOf(kek, row);
}
