import { IpAllowlist, parseCidr, parseCidrList } from './cidr';

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
