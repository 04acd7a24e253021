/** The SSRF guard: the only way the server fetches or posts to a URL it was given. */
export {
  safeFetch,
  type Resolver,
  type ResolvedAddress,
  type SafeFetchOptions,
  type SafeResponse,
  type SsrfPolicy,
} from './safe-fetch.ts';
export { SsrfError, parseTargetUrl } from './target-url.ts';
export { checkAddress } from './address-policy.ts';
export { SSRF_ERRORS, type SsrfErrorCode } from './ssrf.errors.ts';
