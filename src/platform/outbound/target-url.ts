import ipaddr from 'ipaddr.js';
import { AppError } from '../errors.ts';
import type { SsrfErrorCode } from './ssrf.errors.ts';

/** A URL that passed the syntactic checks: what to connect to, before DNS. */
export type TargetUrl = {
  url: URL;
  /** Lower-case host name, or the IP literal without brackets. */
  hostname: string;
  /** The host is an IP literal: no DNS lookup happens. */
  isIpLiteral: boolean;
};

export const MAX_URL_LENGTH = 2048;

export class SsrfError extends AppError {
  constructor(
    code: SsrfErrorCode,
    /** A short, stable label for logs and tests (e.g. `ipv4-loopback`); never the URL. */
    readonly reason: string,
  ) {
    super(code, undefined, { body: { reason } });
    this.name = 'SsrfError';
  }
}

const fail = (code: SsrfErrorCode, reason: string): never => {
  throw new SsrfError(code, reason);
};

/**
 * Parses a URL the server is asked to contact and refuses, before any DNS, the
 * forms that smuggle an internal destination past a naive check: other schemes,
 * credentials, non-canonical IPv4 (`2130706433`, `0x7f.1`, `017700000001`, `127.1`),
 * Unicode or percent-encoded hosts that a URL parser folds into ASCII
 * (`ⓛⓞⓒⓐⓛⓗⓞⓢⓣ`, `１２７.０.０.１`), trailing dots, and parser-confusion
 * characters (backslashes, whitespace, control characters).
 */
export function parseTargetUrl(raw: string): TargetUrl {
  if (raw.length === 0 || raw.length > MAX_URL_LENGTH) fail('SSRF_URL_INVALID', 'length');
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
  if (/[\u0000-\u0020\u007f\\]/.test(raw)) fail('SSRF_URL_INVALID', 'forbidden-character');
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(raw)?.[1]?.toLowerCase();
  if (!scheme) fail('SSRF_URL_INVALID', 'not-absolute');
  if (scheme !== 'http' && scheme !== 'https') fail('SSRF_SCHEME_FORBIDDEN', `scheme-${scheme}`);
  if (raw.slice(scheme!.length + 1, scheme!.length + 3) !== '//') fail('SSRF_URL_INVALID', 'no-authority');

  const authority = /^[^/?#]*/.exec(raw.slice(scheme!.length + 3))?.[0] ?? '';
  if (authority.includes('@')) fail('SSRF_CREDENTIALS_IN_URL', 'userinfo');
  const rawHost = authority.startsWith('[') ? authority.slice(0, authority.indexOf(']') + 1) : authority.split(':')[0]!;
  if (rawHost === '') fail('SSRF_URL_INVALID', 'empty-host');
  if (/[^\x21-\x7e]/.test(rawHost)) fail('SSRF_HOST_FORBIDDEN', 'non-ascii');
  if (rawHost.includes('%')) fail('SSRF_HOST_FORBIDDEN', 'percent-encoded');
  if (rawHost.endsWith('.')) fail('SSRF_HOST_FORBIDDEN', 'trailing-dot');

  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail('SSRF_URL_INVALID', 'unparseable');
  }
  if (url.username || url.password) fail('SSRF_CREDENTIALS_IN_URL', 'userinfo');

  const host = url.hostname.toLowerCase();
  if (host.startsWith('[')) {
    return { url, hostname: host.slice(1, -1), isIpLiteral: true };
  }
  if (ipaddr.IPv4.isValidFourPartDecimal(host)) {
    // The parser turned whatever was written into dotted-quad; anything but that same text was an obfuscated form.
    if (rawHost.toLowerCase() !== host) fail('SSRF_IP_FORM_FORBIDDEN', 'non-canonical-ipv4');
    return { url, hostname: host, isIpLiteral: true };
  }
  if (/(^|\.)(0x[0-9a-f]*|\d+)$/i.test(rawHost)) fail('SSRF_IP_FORM_FORBIDDEN', 'numeric-host');
  return { url, hostname: host, isIpLiteral: false };
}

/** Names that are never public, refused before DNS (single labels resolve through search domains to internal hosts). */
export function checkHostName(hostname: string): void {
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) fail('SSRF_HOST_FORBIDDEN', 'localhost');
  if (!hostname.includes('.')) fail('SSRF_HOST_FORBIDDEN', 'single-label');
  if (/\.(local|internal|home\.arpa|arpa)$/.test(hostname)) fail('SSRF_HOST_FORBIDDEN', 'internal-suffix');
}
