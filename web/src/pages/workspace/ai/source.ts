/**
 * Where the Analyze panel's documents live: the firm vault (lawyer portal) or the judicial
 * store (judge portal). The tools are the same; the paths differ, and case documents never
 * enter the organization's review log (chambers share nothing with a court's administrators).
 */
export type AnalysisSource = {
  /** The tools' base path: `${tools}/extract`, `/review`, `/summarize`, `/ask`. */
  tools: string;
  /** Where the panel reads a plain-text document to show it with its clauses marked. */
  content: (documentId: string) => string;
  /** Whether the organization's opt-in review log can apply to this use. */
  reviewLog: boolean;
};

export const VAULT_SOURCE: AnalysisSource = {
  tools: '/api/v1/ai',
  content: (id) => `/api/v1/documents/${id}/content`,
  reviewLog: true,
};

export const JUDICIAL_SOURCE: AnalysisSource = {
  tools: '/api/v1/judicial/ai',
  content: (id) => `/api/v1/judicial/documents/${id}/content`,
  reviewLog: false,
};

/** What the panel needs of a document, whichever store it is in. */
export type AnalyzedDocument = { id: string; name: string; contentType: string };
