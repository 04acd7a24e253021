import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import ipaddr from 'ipaddr.js';

/** What a request id may look like: short, URL- and log-safe. */
export const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/**
 * Makes the id of each request. An `X-Request-Id` is kept only when it comes from a
 * proxy listed in TRUST_PROXY and is well formed, so a client cannot choose the id its
 * audit events are filed under; every other request gets a fresh UUID.
 */
export function requestIdGenerator(trustProxy: readonly string[] | false): (raw: IncomingMessage) => string {
  const trusted = (trustProxy || []).map((entry) =>
    entry.includes('/')
      ? ipaddr.parseCIDR(entry)
      : ipaddr.parseCIDR(`${entry}/${ipaddr.parse(entry).kind() === 'ipv4' ? 32 : 128}`),
  );
  const fromTrustedProxy = (address: string | undefined): boolean => {
    if (!address || trusted.length === 0 || !ipaddr.isValid(address)) return false;
    let peer = ipaddr.parse(address);
    if (peer.kind() === 'ipv6' && (peer as ipaddr.IPv6).isIPv4MappedAddress())
      peer = (peer as ipaddr.IPv6).toIPv4Address();
    return trusted.some(([range, bits]) => range.kind() === peer.kind() && peer.match(range, bits));
  };
  return (raw) => {
    const offered = raw.headers['x-request-id'];
    if (typeof offered === 'string' && REQUEST_ID.test(offered) && fromTrustedProxy(raw.socket?.remoteAddress))
      return offered;
    return crypto.randomUUID();
  };
}
