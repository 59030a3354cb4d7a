import { IpAllowlist, parseCidr, parseCidrList, rateLimitNetwork } from './cidr';

describe('IP allowlists (CIDR v4 and v6)', () => {
  const list = new IpAllowlist(['10.10.0.0/16', '192.0.2.7/32', '2001:db8:10::/48']);

  it.each([
    ['10.10.0.1', true],
    ['10.10.255.254', true],
    ['10.11.0.1', false],
    ['192.0.2.7', true],
    ['192.0.2.8', false],
    ['::ffff:10.10.3.4', true], // IPv4 on a dual-stack socket
    ['2001:db8:10::1', true],
    ['2001:db8:10:ffff::1', true],
    ['2001:db8:11::1', false],
    ['not-an-ip', false],
    [undefined, false],
  ])('%s -> %s', (ip, allowed) => {
    expect(list.allows(ip as string | undefined)).toBe(allowed);
  });

  it('refuses malformed blocks', () => {
    for (const bad of ['10.0.0.0/33', '10.0.0/8', '::/129', 'example.com/8', '10.0.0.0/8/1', '10.0.0.0/x']) {
      expect(() => parseCidr(bad)).toThrow();
    }
    expect(() => parseCidrList(' , ')).toThrow();
    expect(parseCidr('10.1.2.3').prefix).toBe(32);
  });

  it('0.0.0.0/0 and ::/0 allow everything of their family', () => {
    const any = new IpAllowlist(['0.0.0.0/0', '::/0']);
    expect(any.allows('203.0.113.9')).toBe(true);
    expect(any.allows('2001:db8::9')).toBe(true);
  });
});

describe('rateLimitNetwork', () => {
  it('keeps an IPv4 address (also when mapped into IPv6) and reduces IPv6 to its /64', () => {
    expect(rateLimitNetwork('192.0.2.7')).toBe('192.0.2.7');
    expect(rateLimitNetwork('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(rateLimitNetwork('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(rateLimitNetwork('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(rateLimitNetwork('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(rateLimitNetwork('2001:db8::')).toBe('2001:db8:0:0::/64');
    expect(rateLimitNetwork('::1')).toBe('0:0:0:0::/64');
    expect(rateLimitNetwork('64:ff9b::192.0.2.1')).toBe('64:ff9b:0:0::/64');
    expect(rateLimitNetwork('fe80:0:0:0:1::')).toBe('fe80:0:0:0::/64');
    expect(rateLimitNetwork('not an ip')).toBeUndefined();
    expect(rateLimitNetwork('FE80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(rateLimitNetwork('2001:DB8:1:2::1')).toBe('2001:db8:1:2::/64');
  });

  it('an embedded IPv4 tail counts as two groups; IPv4-mapped addresses in any spelling are the IPv4 address', () => {
    expect(rateLimitNetwork('1::2:3:4:1.2.3.4')).toBe('1:0:0:2::/64');
    expect(rateLimitNetwork('1::5:3:4:1.2.3.4')).toBe('1:0:0:5::/64');
    for (const mapped of ['::ffff:1.2.3.4', '0:0:0:0:0:ffff:1.2.3.4', '::ffff:102:304', '::FFFF:0102:0304', '::ffff:1.2.3.4%eth0']) {
      expect([mapped, rateLimitNetwork(mapped)]).toEqual([mapped, '1.2.3.4']);
    }
    expect(rateLimitNetwork(undefined)).toBeUndefined();
  });

  it('every address of one /64 is one network; the next /64 is another', () => {
    const nets = new Set(Array.from({ length: 50 }, (_, i) => rateLimitNetwork(`2001:db8:aa:bb::${((i * 7919) % 0xffff).toString(16)}:${i.toString(16)}`)));
    expect(nets.size).toBe(1);
    expect(rateLimitNetwork('2001:db8:aa:bc::1')).not.toBe([...nets][0]);
  });
});
