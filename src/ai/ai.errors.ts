import type { ErrorTable } from '../platform/errors.ts';

/** The AI analysis tools' refusals: each a clear 4xx, never a 500, and none carries document content. */
export const AI_ERRORS = {
  UNSUPPORTED_DOCUMENT: {
    status: 422,
    title: 'This document cannot be used here: its type is not supported or it cannot be read',
  },
  NO_TEXT_LAYER: { status: 422, title: 'This PDF has no text layer (a scan?); run OCR on it first' },
  AI_DOCUMENT_TOO_LARGE: { status: 413, title: 'The document is too large to analyze' },
  PROMPT_INJECTION: { status: 422, title: 'The text tries to instruct the model and was refused' },
  AI_QUOTA_EXCEEDED: { status: 429, title: 'The daily AI quota is used up' },
} as const satisfies ErrorTable;

type AiErrors = typeof AI_ERRORS;
declare module '../platform/errors.ts' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges this table's codes into ErrorCode
  interface ErrorCatalog extends AiErrors {}
}
