// The floors of the house, lowest first (docs/ARCHITECTURE.md). A folder imports only
// folders on lower floors; a new folder must be placed here or lint refuses its imports.
export const FLOORS = [
  ['platform'],
  ['crypto', 'access'],
  ['audit'],
  ['transparency', 'http'],
  ['context', 'export'],
  ['accounts', 'idempotency', 'retention', 'siem', 'audit-trail', 'health', 'spa', 'disclosure', 'developer'],
  ['sessions'],
  ['mfa'],
  ['auth'],
  ['setup', 'matters', 'webhooks'],
  ['orgs', 'documents', 'clients', 'matter-work'],
  ['share-links', 'judicial', 'signatures', 'calendar', 'search'],
  // AI analysis reads firm documents (documents/) and, for judges, case documents (judicial/).
  ['ai'],
  ['privacy'],
  ['jobs'],
];
