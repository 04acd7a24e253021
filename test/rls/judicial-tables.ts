/**
 * The tables of the judicial store, each attacked by judicial-isolation.test.ts (judge A, judge B,
 * clerk, court administrator, lawyer, oversight role) rather than by the per-organization suite:
 * their policies are keyed by judge, so an org_admin of the same court must see nothing either.
 * Value: who may see a row.
 */
export const JUDICIAL_TABLES: Record<string, string> = {
  'judicial.cases': 'its judge and the clerks it is shared with',
  'judicial.case_clerks': 'the judge of the case and the clerk named',
  'judicial.parties': 'whoever sees the case',
  'judicial.hearings': 'whoever sees the case',
  'judicial.deadlines': 'whoever sees the case',
  'judicial.documents': 'whoever sees the case',
  'judicial.notes': 'its author alone',
  'judicial.orders': 'a draft its author alone; an issued order whoever sees the case',
  'judicial.key_check': 'nobody but the owner (the judicial key check value)',
};
