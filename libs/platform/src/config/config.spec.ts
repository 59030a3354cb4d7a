import { assertServingConfig, ConfigError, loadConfig } from './config';

describe('loadConfig: TRUSTED_PROXIES', () => {
  it('defaults to none: X-Forwarded-For is ignored unless load balancers are named', () => {
    expect(loadConfig({}).trustedProxies).toEqual([]);
    expect(loadConfig({ TRUSTED_PROXIES: ' ' }).trustedProxies).toEqual([]);
  });

  it('takes IP addresses and CIDR blocks, v4 and v6', () => {
    expect(loadConfig({ TRUSTED_PROXIES: '10.0.12.0/28, 192.0.2.10,fd00:12::/48,::1' }).trustedProxies).toEqual(['10.0.12.0/28', '192.0.2.10', 'fd00:12::/48', '::1']);
  });

  it.each(['true', '*', '1', 'loopback', '10.0.0.0/33', '10.0.0.0/8/1', 'fd00::/129', '10.0.0.0/x', '10.0.0.0,', '0.0.0.0/0', '0.0.0.0/1,128.0.0.0/1', '::/0', '2001:db8::/16'])(
    'refuses %j (trusting anyone would let a client pick the address the IP conditions see)',
    (value) => {
      expect(() => loadConfig({ TRUSTED_PROXIES: value })).toThrow(ConfigError);
    },
  );
});

describe('loadConfig: production', () => {
  const production = { NODE_ENV: 'production', DATABASE_URL: 'postgres://owner@db/ol', KEY_PROVIDER: 'aws-kms', AWS_KMS_KEY_ID: 'alias/ortholedger' };

  it('serving needs APP_DATABASE_URL, a login other than the owner (the CLI\'s db migrate does not)', () => {
    expect(() => assertServingConfig(loadConfig(production))).toThrow(/APP_DATABASE_URL/);
    expect(() => assertServingConfig(loadConfig({ ...production, APP_DATABASE_URL: production.DATABASE_URL }))).toThrow(/other than the schema owner/);
    expect(() => assertServingConfig(loadConfig({ ...production, APP_DATABASE_URL: 'postgres://app@db/ol' }))).not.toThrow();
    expect(() => assertServingConfig(loadConfig({}))).not.toThrow(); // development: the owner switches role
  });
});

describe('loadConfig: NODE_ENV', () => {
  it('is development when unset; a misspelt or unknown mode is refused, not run as development', () => {
    expect(loadConfig({}).production).toBe(false);
    expect(loadConfig({ NODE_ENV: 'test' }).production).toBe(false);
    for (const mode of ['prod', 'staging', 'Production']) expect(() => loadConfig({ NODE_ENV: mode })).toThrow(/NODE_ENV/);
  });
});
