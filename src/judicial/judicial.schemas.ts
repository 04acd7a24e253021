import type { RouteShorthandOptions } from 'fastify';
import { z } from 'zod';
import type { RouteAccess } from '../access/index.ts';

const uuid = () => z.uuid({ message: 'must be a UUID' });
export const caseIdParams = z.strictObject({ id: uuid() });
export const orderParams = z.strictObject({ id: uuid(), orderId: uuid() });
export const documentIdParams = z.strictObject({ id: uuid() });

export const partyInput = z.strictObject({
  name: z.string().trim().min(1).max(300),
  role: z.string().trim().min(1).max(100),
});
export const createCaseBody = z.strictObject({
  caseNumber: z.string().trim().min(1).max(100),
  title: z.string().trim().min(1).max(300),
  caseType: z.string().trim().min(1).max(100).optional(),
  parties: z.array(partyInput).max(100).default([]),
});
export type CreateCaseInput = z.infer<typeof createCaseBody>;

export const clerksBody = z.strictObject({ userIds: z.array(uuid()).max(50) });
export const hearingBody = z.strictObject({
  at: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' }).max(40),
  purpose: z.string().trim().min(1).max(300),
});
export const causeListQuery = z.strictObject({
  date: z.iso.date({ message: 'must be a date YYYY-MM-DD' }).max(10).optional(),
});
export const noteBody = z.strictObject({ body: z.string().trim().min(1).max(50_000) });
export const orderBody = z.strictObject({
  title: z.string().trim().min(1).max(300),
  body: z.string().trim().min(1).max(200_000),
});
export const deadlineBody = z.strictObject({
  dueOn: z.iso.date({ message: 'must be a date YYYY-MM-DD' }).max(10),
  description: z.string().trim().min(1).max(300),
});

const partyView = z.object({ id: z.uuid(), name: z.string(), role: z.string() });
const hearingView = z.object({ id: z.uuid(), caseId: z.uuid(), at: z.string(), purpose: z.string() });
const deadlineView = z.object({ id: z.uuid(), caseId: z.uuid(), dueOn: z.string(), description: z.string() });
export const caseSummary = z.object({
  id: z.uuid(),
  caseNumber: z.string(),
  title: z.string(),
  caseType: z.string().nullable(),
  status: z.enum(['open', 'reserved', 'disposed', 'closed']),
  judgeId: z.uuid(),
  createdAt: z.string(),
});
export const caseDetail = caseSummary.extend({
  parties: z.array(partyView),
  hearings: z.array(hearingView),
  deadlines: z.array(deadlineView),
  /** The clerks the case is shared with: the whole list for its judge, only themselves for a clerk. */
  clerkIds: z.array(z.uuid()),
});
export type CaseSummary = z.infer<typeof caseSummary>;
export type CaseDetail = z.infer<typeof caseDetail>;
export type HearingView = z.infer<typeof hearingView>;
export type DeadlineView = z.infer<typeof deadlineView>;

export const noteView = z.object({ id: z.uuid(), caseId: z.uuid(), body: z.string(), createdAt: z.string() });
export type NoteView = z.infer<typeof noteView>;
export const orderView = z.object({
  id: z.uuid(),
  caseId: z.uuid(),
  title: z.string(),
  body: z.string(),
  status: z.enum(['draft', 'issued']),
  authorId: z.uuid(),
  issuedAt: z.string().nullable(),
  createdAt: z.string(),
});
export type OrderView = z.infer<typeof orderView>;
export const documentView = z.object({
  id: z.uuid(),
  caseId: z.uuid(),
  name: z.string(),
  size: z.number(),
  sha256: z.string(),
  contentType: z.string(),
  createdBy: z.uuid(),
  createdAt: z.string(),
});
export type JudicialDocumentView = z.infer<typeof documentView>;
export const causeListEntry = z.object({
  caseId: z.uuid(),
  caseNumber: z.string(),
  title: z.string(),
  at: z.string(),
  purpose: z.string(),
});
export type CauseListEntry = z.infer<typeof causeListEntry>;
export const oversightView = z.object({
  cases: z.array(
    caseSummary.extend({
      hearings: z.number(),
      issuedOrders: z.number(),
      documents: z.number(),
      nextHearingAt: z.string().nullable(),
    }),
  ),
  totals: z.object({ cases: z.number(), open: z.number(), hearings: z.number(), issuedOrders: z.number() }),
});
export type OversightView = z.infer<typeof oversightView>;

/*
 * Route options. Every route belongs to the judge portal: a lawyer's token gets 403 PORTAL_FORBIDDEN
 * before anything else, and the portal puts each route in the judicial rate tier.
 */
const JUDGE = { portal: 'judge', roles: ['judge'] } as const satisfies RouteAccess;
const CHAMBERS = { portal: 'judge', roles: ['judge', 'clerk'] } as const satisfies RouteAccess;
const access = (a: typeof JUDGE | typeof CHAMBERS) => ({ ...a, roles: [...a.roles] });
const tags = ['judicial'];
const created = z.object({ id: z.uuid() });

export const openCaseRoute = {
  config: { access: access(JUDGE) },
  schema: { tags, summary: 'Open a case (the caller is its judge)', body: createCaseBody, response: { 201: created } },
} satisfies RouteShorthandOptions;

export const listCasesRoute = {
  config: { access: access(CHAMBERS) },
  schema: {
    tags,
    summary: "The caller's cases: assigned (judge) or shared (clerk)",
    response: { 200: z.object({ cases: z.array(caseSummary) }) },
  },
} satisfies RouteShorthandOptions;

export const getCaseRoute = {
  config: { access: access(CHAMBERS) },
  schema: {
    tags,
    summary: 'One case with its parties, hearings and deadlines',
    params: caseIdParams,
    response: { 200: caseDetail },
  },
} satisfies RouteShorthandOptions;

export const setClerksRoute = {
  config: { access: access(JUDGE) },
  schema: {
    tags,
    summary: 'Share a case with clerks of the court (its judge only)',
    params: caseIdParams,
    body: clerksBody,
    response: { 200: z.object({ caseId: z.uuid(), clerkIds: z.array(z.uuid()) }) },
  },
} satisfies RouteShorthandOptions;

export const addHearingRoute = {
  config: { access: access(CHAMBERS) },
  schema: {
    tags,
    summary: 'Put a hearing on the cause list',
    params: caseIdParams,
    body: hearingBody,
    response: { 201: hearingView },
  },
} satisfies RouteShorthandOptions;

export const causeListRoute = {
  config: { access: access(CHAMBERS) },
  schema: {
    tags,
    summary: "The day's hearings of the caller's cases",
    querystring: causeListQuery,
    response: { 200: z.object({ hearings: z.array(causeListEntry) }) },
  },
} satisfies RouteShorthandOptions;

export const addNoteRoute = {
  config: { access: access(CHAMBERS) },
  schema: {
    tags,
    summary: 'Write a private note (seen by its author alone)',
    params: caseIdParams,
    body: noteBody,
    response: { 201: noteView },
  },
} satisfies RouteShorthandOptions;

export const listNotesRoute = {
  config: { access: access(CHAMBERS) },
  schema: {
    tags,
    summary: "The caller's own notes on a case",
    params: caseIdParams,
    response: { 200: z.object({ notes: z.array(noteView) }) },
  },
} satisfies RouteShorthandOptions;

export const draftOrderRoute = {
  config: { access: access(JUDGE) },
  schema: { tags, summary: 'Draft an order', params: caseIdParams, body: orderBody, response: { 201: orderView } },
} satisfies RouteShorthandOptions;

export const listOrdersRoute = {
  config: { access: access(CHAMBERS) },
  schema: {
    tags,
    summary: "A case's issued orders and the caller's own drafts",
    params: caseIdParams,
    response: { 200: z.object({ orders: z.array(orderView) }) },
  },
} satisfies RouteShorthandOptions;

export const updateOrderRoute = {
  config: { access: access(JUDGE) },
  schema: { tags, summary: 'Change a draft order', params: orderParams, body: orderBody, response: { 200: orderView } },
} satisfies RouteShorthandOptions;

export const issueOrderRoute = {
  config: { access: access(JUDGE) },
  schema: {
    tags,
    summary: 'Issue an order (one-way; its judge only)',
    params: orderParams,
    response: { 200: orderView },
  },
} satisfies RouteShorthandOptions;

export const addDeadlineRoute = {
  config: { access: access(CHAMBERS) },
  schema: {
    tags,
    summary: 'Set a deadline on a case',
    params: caseIdParams,
    body: deadlineBody,
    response: { 201: deadlineView },
  },
} satisfies RouteShorthandOptions;

export const listDeadlinesRoute = {
  config: { access: access(CHAMBERS) },
  schema: {
    tags,
    summary: "A case's deadlines",
    params: caseIdParams,
    response: { 200: z.object({ deadlines: z.array(deadlineView) }) },
  },
} satisfies RouteShorthandOptions;

export const uploadDocumentRoute = {
  config: { access: access(CHAMBERS) },
  schema: {
    tags,
    summary: 'Add a document to a case (sealed under the judicial key)',
    params: caseIdParams,
    response: { 201: documentView },
  },
} satisfies RouteShorthandOptions;

export const listDocumentsRoute = {
  config: { access: access(CHAMBERS) },
  schema: {
    tags,
    summary: "A case's documents",
    params: caseIdParams,
    response: { 200: z.object({ documents: z.array(documentView) }) },
  },
} satisfies RouteShorthandOptions;

export const documentContentRoute = {
  config: { access: access(CHAMBERS) },
  schema: { tags, summary: "A case document's bytes", params: documentIdParams },
} satisfies RouteShorthandOptions;

export const oversightRoute = {
  // Court administrators and reviewers: metadata and counts of the whole court, never a note or a draft.
  config: { access: { portal: 'judge' as const, roles: ['org_admin' as const, 'reviewer' as const] } },
  schema: {
    tags,
    summary: "The court's case metadata and counts (read-only oversight)",
    response: { 200: oversightView },
  },
} satisfies RouteShorthandOptions;

export const getDocumentRoute = {
  config: { access: access(CHAMBERS) },
  schema: { tags, summary: "A case document's metadata", params: documentIdParams, response: { 200: documentView } },
} satisfies RouteShorthandOptions;

export const deleteDocumentRoute = {
  config: { access: access(CHAMBERS) },
  schema: {
    tags,
    summary: "Remove a case document (its uploader or the case's judge): the key and the blob go",
    params: documentIdParams,
  },
} satisfies RouteShorthandOptions;
