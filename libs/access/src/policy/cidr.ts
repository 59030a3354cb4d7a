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
 * The network an address belongs to for rate limits: an IPv4 address itself (also when mapped into
 * IPv6, in any spelling), an IPv6 address's /64 (one subscriber or LAN gets a whole /64, so a
 * per-address limit would not hold). A zone id is ignored. Unparsable: undefined.
 */
export function rateLimitNetwork(ip: string | undefined): string | undefined {
  if (!ip) return undefined;
  const bare = ip.split('%')[0];
  const version = isIP(bare);
  if (version === 4) return bare;
  if (version !== 6) return undefined;
  const g = ipv6Groups(bare);
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return [g[6] >> 8, g[6] & 255, g[7] >> 8, g[7] & 255].join('.');
  return `${g.slice(0, 4).map((x) => x.toString(16)).join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (a dotted IPv4 tail counts as two). */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase();
  const v4 = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number);
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...fill, ...right].map((x) => parseInt(x, 16));
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
