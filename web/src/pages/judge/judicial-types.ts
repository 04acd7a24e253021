// Narrow, hand-written types of the judicial endpoints the judge portal reads (API.md, "Judges' chambers").
export type CaseSummary = {
  id: string;
  caseNumber: string;
  title: string;
  caseType: string | null;
  status: 'open' | 'reserved' | 'disposed' | 'closed';
  judgeId: string;
  createdAt: string;
};
export type Hearing = { id: string; caseId: string; at: string; purpose: string };
export type Deadline = { id: string; caseId: string; dueOn: string; description: string };
export type CaseDetail = CaseSummary & {
  parties: Array<{ id: string; name: string; role: string }>;
  hearings: Hearing[];
  deadlines: Deadline[];
  clerkIds: string[];
};
export type CauseListEntry = { caseId: string; caseNumber: string; title: string; at: string; purpose: string };
export type Note = { id: string; caseId: string; body: string; createdAt: string };
export type Order = {
  id: string;
  caseId: string;
  title: string;
  body: string;
  status: 'draft' | 'issued';
  authorId: string;
  issuedAt: string | null;
  createdAt: string;
};
/** A case document's metadata (the bytes come from /api/v1/judicial/documents/:id/content). */
export type JudicialDocument = {
  id: string;
  caseId: string;
  name: string;
  size: number;
  sha256: string;
  contentType: string;
  createdBy: string;
  createdAt: string;
};
