import type { Database } from '../platform/db/index.ts';
import { courtCases, unsafeReadAsOversight } from './judicial-oversight.repository.ts';
import type { OversightView } from './judicial.schemas.ts';

/** Metadata and counts of a court's cases for its administrators: never a note, never a draft. */
export async function unsafeCourtOverview(db: Database, orgId: string, now: Date): Promise<OversightView> {
  const rows = await unsafeReadAsOversight(db, orgId, (tx) => courtCases(tx, now));
  const cases = rows.map((r) => ({
    id: r.id,
    caseNumber: r.case_number,
    title: r.title,
    caseType: r.case_type,
    status: r.status,
    judgeId: r.judge_id,
    createdAt: new Date(r.created_at).toISOString(),
    hearings: r.hearings,
    issuedOrders: r.issued_orders,
    documents: r.documents,
    nextHearingAt: r.next_hearing_at ? new Date(r.next_hearing_at).toISOString() : null,
  }));
  return {
    cases,
    totals: {
      cases: cases.length,
      open: cases.filter((c) => c.status === 'open').length,
      hearings: cases.reduce((n, c) => n + c.hearings, 0),
      issuedOrders: cases.reduce((n, c) => n + c.issuedOrders, 0),
    },
  };
}
