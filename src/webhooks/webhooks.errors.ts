import type { ErrorTable } from '../platform/errors.ts';

/** Inbound deliveries that fail verification: all 401, all decided before the body is parsed. */
export const WEBHOOK_ERRORS = {
  WEBHOOK_SIGNATURE_MISSING: {
    status: 401,
    title: 'X-Chambers-Timestamp, X-Chambers-Event-Id and X-Chambers-Signature (v1=<hex>) are required',
  },
  WEBHOOK_SIGNATURE_INVALID: { status: 401, title: 'The webhook signature does not match' },
  WEBHOOK_TIMESTAMP_STALE: { status: 401, title: 'The webhook timestamp is outside the 5-minute tolerance' },
  WEBHOOK_REPLAYED: { status: 401, title: 'This webhook delivery was already received' },
} as const satisfies ErrorTable;

type WebhookErrors = typeof WEBHOOK_ERRORS;
declare module '../platform/errors.ts' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges this table's codes into ErrorCode
  interface ErrorCatalog extends WebhookErrors {}
}
