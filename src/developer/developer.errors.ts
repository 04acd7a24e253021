import type { ErrorTable } from '../platform/errors.ts';

/** Refusals of the developer platform beyond the access layer's (API_KEY_INVALID, SCOPE_MISSING, …). */
export const DEVELOPER_ERRORS = {
  WEBHOOK_URL_NOT_HTTPS: { status: 422, title: 'A webhook endpoint must be an https:// URL' },
  WEBHOOK_URL_UNRESOLVABLE: { status: 422, title: 'The webhook host name does not resolve' },
  WEBHOOK_ENDPOINT_DISABLED: { status: 409, title: 'The webhook endpoint is disabled; create it again' },
  API_QUOTA_EXCEEDED: { status: 429, title: 'The API key has used its daily quota; it resets at midnight UTC' },
} as const satisfies ErrorTable;

type DeveloperErrors = typeof DEVELOPER_ERRORS;
declare module '../platform/errors.ts' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges this table's codes into ErrorCode
  interface ErrorCatalog extends DeveloperErrors {}
}
