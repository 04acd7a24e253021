/** Narrow types of the AI analysis endpoints (API.md, "AI analysis"), written by hand until the generated schema has them. */
export type Span = { text: string; start: number; end: number };
export type Meta = {
  provider: 'local' | 'anthropic' | 'openai-compatible';
  model: string;
  fallback?: string;
  unverifiedDropped?: number;
};
export type Clause = Span & { category: string; value?: string };
export type ExtractResult = Meta & { clauses: Clause[] };
export type Severity = 'info' | 'warning' | 'critical';
export type PlaybookRule = {
  id: string;
  category: string;
  expect: 'present' | 'absent';
  severity: Severity;
  guidance?: string;
};
export type Playbook = { id: string; name: string; rules: PlaybookRule[]; createdAt: string; updatedAt: string };
export type Finding = {
  ruleId: string;
  category: string;
  status: 'ok' | 'issue';
  severity: Severity;
  quote: Span | null;
  explanation: string;
};
export type ReviewResult = Meta & { findings: Finding[] };
export type SummaryResult = Meta & { summary: string; quotes: Span[] };
export type Citation = Span & { documentId: string };
export type AskResult = Meta & { answer: string; citations: Citation[]; unverifiedDropped: number };
export type Category = { name: string; description: string };
export type AiStatus = {
  provider: Meta['provider'];
  model: string;
  tools: string[];
  /** The organization keeps an encrypted review log of AI inputs and outputs: the panel says so. */
  reviewLog: boolean;
  reviewLogDays: number;
};
