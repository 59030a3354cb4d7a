import { BlockList, isIP } from 'node:net';

export interface Cidr {
  readonly source: string;
  readonly address: string;
  readonly prefix: number;
  readonly family: 'ipv4' | 'ipv6';
}

export function parseCidr(text: string): Cidr {
  const trimmed = text.trim();
  const [address, prefixText, extra] = trimmed.split('/');
  const version = isIP(address ?? '');
  if (extra !== undefined || version === 0) throw new Error('invalid CIDR');
  const family = version === 4 ? 'ipv4' : 'ipv6';
  const max = family === 'ipv4' ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (!/^\d{1,3}$/.test(prefixText ?? String(max)) || prefix > max) throw new Error('invalid CIDR prefix');
  return { source: `${address}/${prefix}`, address, prefix, family };
}

export function parseCidrList(text: string): Cidr[] {
  const items = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) throw new Error('empty CIDR list');
  return items.map(parseCidr);
}

/** IPv4 clients reach a dual-stack socket as ::ffff:a.b.c.d; match them against IPv4 blocks. */
export function normaliseIp(ip: string | undefined): { address: string; family: 'ipv4' | 'ipv6' } | undefined {
  if (!ip) return undefined;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  const address = mapped ? mapped[1] : ip;
  const version = isIP(address);
  if (version === 0) return undefined;
  return { address, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/**
 * The network an address belongs to for rate limits: an IPv4 address itself, an IPv6 address's /64
 * (one subscriber or LAN gets a whole /64, so a per-address limit would not hold). Unparsable: undefined.
 */
export function rateLimitNetwork(ip: string | undefined): string | undefined {
  const n = normaliseIp(ip);
  if (!n) return undefined;
  if (n.family === 'ipv4') return n.address;
  let [head, tail] = n.address.toLowerCase().split('::') as [string, string | undefined];
  // An embedded IPv4 tail (e.g. 64:ff9b::1.2.3.4) lies in the low 64 bits: it does not change the /64.
  const groups = (part: string | undefined) => (part ? part.split(':').filter((g) => !g.includes('.')) : []);
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const full = tail === undefined ? left : [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  head = full.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':');
  return `${head}::/64`;
}

/** A compiled allowlist (node's BlockList does the prefix arithmetic for both families). */
export class IpAllowlist {
  private readonly list = new BlockList();
  constructor(cidrs: readonly string[]) {
    for (const c of cidrs.map(parseCidr)) this.list.addSubnet(c.address, c.prefix, c.family);
  }
  /** Unknown or unparsable addresses are never allowed. */
  allows(ip: string | undefined): boolean {
    const n = normaliseIp(ip);
    return n !== undefined && this.list.check(n.address, n.family);
  }
}
