/**
 * IP address ranges for the `cidr` pattern operator. Addresses become bigints so IPv4 (32 bits) and IPv6
 * (128 bits) share one comparison.
 */

interface IpAddress {
  readonly version: 4 | 6;
  readonly bits: bigint;
}

export interface CidrRange {
  readonly version: 4 | 6;
  readonly network: bigint;
  readonly prefixLength: number;
}

const IPV4_OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const IPV6_GROUP = /^[0-9a-fA-F]{1,4}$/;

function parseIpv4(text: string): bigint | undefined {
  const octets = text.split('.');
  if (octets.length !== 4 || !octets.every((octet) => IPV4_OCTET.test(octet))) return undefined;
  return octets.reduce((bits, octet) => (bits << 8n) | BigInt(Number(octet)), 0n);
}

function parseIpv6Groups(text: string): bigint[] | undefined {
  if (text === '') return [];
  const groups: bigint[] = [];
  const parts = text.split(':');
  for (const [index, part] of parts.entries()) {
    // An embedded IPv4 address (e.g. ::ffff:10.0.0.1) may only stand last and counts as two groups.
    if (index === parts.length - 1 && part.includes('.')) {
      const ipv4 = parseIpv4(part);
      if (ipv4 === undefined) return undefined;
      groups.push(ipv4 >> 16n, ipv4 & 0xffffn);
    } else if (IPV6_GROUP.test(part)) {
      groups.push(BigInt(Number.parseInt(part, 16)));
    } else {
      return undefined;
    }
  }
  return groups;
}

function parseIpv6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = parseIpv6Groups(halves[0] ?? '');
  const tail = halves.length === 2 ? parseIpv6Groups(halves[1] ?? '') : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...new Array<bigint>(missing).fill(0n), ...tail];
  return groups.reduce((bits, group) => (bits << 16n) | group, 0n);
}

/** Parses a textual IPv4 or IPv6 address; `undefined` when the text is not one. */
function parseIpAddress(text: string): IpAddress | undefined {
  const ipv4 = parseIpv4(text);
  if (ipv4 !== undefined) return { version: 4, bits: ipv4 };
  if (!text.includes(':')) return undefined;
  const ipv6 = parseIpv6(text);
  return ipv6 === undefined ? undefined : { version: 6, bits: ipv6 };
}

/** Parses `address/prefix`; returns a reason string instead of throwing so the caller can word the error. */
export function parseCidr(text: string): CidrRange | string {
  const pieces = text.split('/');
  if (pieces.length !== 2) return "Malformed CIDR, one '/' required";
  const [addressText = '', prefixText = ''] = pieces;
  if (!/^\d+$/.test(prefixText)) return 'Malformed CIDR, mask bits must be an integer';
  const address = parseIpAddress(addressText);
  if (!address) return `Nonstandard IP address: ${addressText}`;
  const width = address.version === 4 ? 32 : 128;
  const prefixLength = Number(prefixText);
  if (prefixLength > width) return `Malformed CIDR, mask bits must be between 0 and ${width}`;
  const hostMask = (1n << BigInt(width - prefixLength)) - 1n;
  // AWS rejects ranges whose host bits are set (10.0.0.5/24) instead of silently widening them.
  if ((address.bits & hostMask) !== 0n) return `Nonstandard IP address: ${addressText}`;
  return { version: address.version, network: address.bits, prefixLength };
}

export function cidrContains(range: CidrRange, text: string): boolean {
  const address = parseIpAddress(text);
  if (!address || address.version !== range.version) return false;
  const width = range.version === 4 ? 32 : 128;
  const shift = BigInt(width - range.prefixLength);
  return address.bits >> shift === range.network >> shift;
}
