import ipaddr from 'ipaddr.js';

/**
 * Which resolved addresses an outbound request may connect to: public unicast
 * only. Everything else (loopback, private, link-local, CGNAT, multicast,
 * documentation, benchmarking, reserved, ULA, site-local, IPv4-mapped or
 * -compatible IPv6, translation prefixes embedding a private IPv4, cloud
 * metadata endpoints) is refused. Ranges come from ipaddr.js, a maintained list.
 */

/** Cloud metadata and platform endpoints, named so the refusal says why. Azure's is in public space. */
const METADATA_ADDRESSES = new Set([
  '169.254.169.254',
  '169.254.170.2',
  '100.100.100.200',
  '168.63.129.16',
  '192.0.0.192',
  'fd00:ec2::254',
]);

export type AddressVerdict = { allowed: true } | { allowed: false; reason: string };

const refuse = (reason: string): AddressVerdict => ({ allowed: false, reason });

/** The verdict for one textual IP address (as returned by DNS or written in a URL). */
export function checkAddress(text: string): AddressVerdict {
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    addr = ipaddr.parse(text.replace(/^\[|\]$/g, ''));
  } catch {
    return refuse('unparseable');
  }
  if (addr.kind() === 'ipv6') {
    const v6 = addr as ipaddr.IPv6;
    // Zone ids (fe80::1%eth0) name an interface: never a public destination.
    if (v6.zoneId) return refuse('zone-id');
    return checkIpv6(v6);
  }
  return checkIpv4(addr as ipaddr.IPv4);
}

function checkIpv4(v4: ipaddr.IPv4): AddressVerdict {
  if (METADATA_ADDRESSES.has(v4.toString())) return refuse('metadata');
  const range = v4.range();
  return range === 'unicast' ? { allowed: true } : refuse(`ipv4-${range}`);
}

function checkIpv6(v6: ipaddr.IPv6): AddressVerdict {
  if (METADATA_ADDRESSES.has(v6.toNormalizedString()) || METADATA_ADDRESSES.has(v6.toString()))
    return refuse('metadata');
  const range = v6.range();
  if (range === 'ipv4Mapped') return refuse('ipv6-ipv4-mapped');
  const embedded = embeddedIpv4(v6, range);
  if (embedded) {
    const inner = checkIpv4(embedded);
    return inner.allowed ? inner : refuse(`ipv6-${range}-embeds-${inner.reason}`);
  }
  if (range !== 'unicast') return refuse(`ipv6-${range}`);
  // Global unicast is 2000::/3; everything else (IPv4-compatible ::a.b.c.d, unassigned space) is not a destination.
  if ((v6.parts[0]! & 0xe000) !== 0x2000) return refuse('ipv6-not-global');
  return { allowed: true };
}

/** The IPv4 address a translation or tunnelling prefix carries (6to4, Teredo client, NAT64 well-known prefix). */
function embeddedIpv4(v6: ipaddr.IPv6, range: string): ipaddr.IPv4 | null {
  const p = v6.parts;
  const v4 = (hi: number, lo: number) => new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  if (range === '6to4') return v4(p[1]!, p[2]!);
  // Teredo: the client's address is the last 32 bits, inverted (RFC 4380).
  if (range === 'teredo') return v4(p[6]! ^ 0xffff, p[7]! ^ 0xffff);
  // 64:ff9b::/96 carries a public IPv4 in its last 32 bits; 64:ff9b:1::/48 is local-use and refused as a range.
  if (range === 'rfc6052' && p[2] === 0 && p[3] === 0 && p[4] === 0 && p[5] === 0) return v4(p[6]!, p[7]!);
  return null;
}
