import type { ErrorTable } from '../errors.ts';

/**
 * Why an outbound request was refused or failed. 422: the URL (or an address it
 * resolves to) is one the server will not contact. 502/504: the far side misbehaved.
 */
export const SSRF_ERRORS = {
  SSRF_URL_INVALID: { status: 422, title: 'The URL is not a valid absolute http(s) URL' },
  SSRF_SCHEME_FORBIDDEN: { status: 422, title: 'Only http and https URLs may be fetched' },
  SSRF_CREDENTIALS_IN_URL: { status: 422, title: 'A URL may not carry a user name or password' },
  SSRF_IP_FORM_FORBIDDEN: { status: 422, title: 'An IPv4 address must be written as four decimal numbers' },
  SSRF_HOST_FORBIDDEN: { status: 422, title: 'This host name may not be fetched' },
  SSRF_ADDRESS_FORBIDDEN: { status: 422, title: 'The host resolves to an address the server may not contact' },
  SSRF_DNS_FAILED: { status: 502, title: 'The host name could not be resolved' },
  SSRF_CONNECT_FAILED: { status: 502, title: 'The remote server could not be reached' },
  SSRF_TOO_MANY_REDIRECTS: { status: 502, title: 'The remote server redirected too many times' },
  SSRF_RESPONSE_TOO_LARGE: { status: 502, title: 'The remote response is larger than allowed' },
  SSRF_TIMEOUT: { status: 504, title: 'The remote server did not answer in time' },
} as const satisfies ErrorTable;

export type SsrfErrorCode = keyof typeof SSRF_ERRORS;

type SsrfErrors = typeof SSRF_ERRORS;
declare module '../errors.ts' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges this table's codes into ErrorCode
  interface ErrorCatalog extends SsrfErrors {}
}
