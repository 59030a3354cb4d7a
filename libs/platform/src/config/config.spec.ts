import { assertServingConfig, ConfigError, loadConfig, logLevelOf } from './config';

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
  const production = { NODE_ENV: 'production', DATABASE_URL: 'postgres://owner@db/ol?sslmode=verify-full', KEY_PROVIDER: 'aws-kms', AWS_KMS_KEY_ID: 'alias/ortholedger' };
  const app = 'postgres://app@db/ol?sslmode=verify-full';

  it("serving needs APP_DATABASE_URL and is refused the owner's DATABASE_URL (the CLI's db migrate needs only the owner's)", () => {
    const { DATABASE_URL, ...withoutOwner } = production;
    expect(() => assertServingConfig(loadConfig(production))).toThrow(/APP_DATABASE_URL/);
    expect(() => assertServingConfig(loadConfig({ ...production, APP_DATABASE_URL: app }))).toThrow(/DATABASE_URL: must not be set for a serving process/);
    expect(() => assertServingConfig(loadConfig({ ...production, APP_DATABASE_URL: DATABASE_URL }))).toThrow(/DATABASE_URL: must not be set/);
    expect(() => assertServingConfig(loadConfig({ ...withoutOwner, APP_DATABASE_URL: app }))).not.toThrow();
    expect(() => loadConfig(production)).not.toThrow(); // the CLI's owner work (db migrate)
    expect(() => loadConfig(withoutOwner)).toThrow(/DATABASE_URL: or APP_DATABASE_URL is required/); // never the embedded Postgres
    expect(() => assertServingConfig(loadConfig({}))).not.toThrow(); // development: the owner switches role
    expect(() => assertServingConfig(loadConfig({ DATABASE_URL: 'postgres://owner@db/ol' }))).not.toThrow();
  });
});

describe('loadConfig: AWS_KMS_PREVIOUS_KEY_IDS', () => {
  const kms = { KEY_PROVIDER: 'aws-kms', AWS_KMS_KEY_ID: 'alias/ortholedger' };
  const old = 'arn:aws:kms:eu-central-1:111122223333:key/0f0e0d0c-1111-4222-8333-444455556666';

  it('is a comma-separated list of key ARNs (spaces and empty entries ignored); aliases are refused', () => {
    expect(loadConfig(kms).awsKmsPreviousKeyIds).toEqual([]);
    expect(loadConfig({ ...kms, AWS_KMS_PREVIOUS_KEY_IDS: ` ${old} ,,` }).awsKmsPreviousKeyIds).toEqual([old]);
    expect(() => loadConfig({ ...kms, AWS_KMS_PREVIOUS_KEY_IDS: `${old},alias/old` })).toThrow(/AWS_KMS_PREVIOUS_KEY_IDS: must be a comma-separated list of key ARNs/);
  });
});

describe('loadConfig: TLS in production', () => {
  const base = { NODE_ENV: 'production', KEY_PROVIDER: 'aws-kms', AWS_KMS_KEY_ID: 'alias/ortholedger' };

  it.each(['DATABASE_URL', 'APP_DATABASE_URL'])('%s must verify the server (sslmode=verify-full); a Unix socket needs no TLS', (name) => {
    for (const url of ['postgres://u@db/ol', 'postgres://u@db/ol?sslmode=disable', 'postgres://u@db/ol?sslmode=require', 'postgres://u@db/ol?sslmode=no-verify', 'postgres://u@db/ol?sslmode=verify-ca']) {
      expect(() => loadConfig({ ...base, [name]: url })).toThrow(new RegExp(`^Invalid configuration: ${name}: must verify the server over TLS`));
    }
    expect(loadConfig({ ...base, [name]: 'postgres://u@db/ol?sslmode=verify-full&sslrootcert=/etc/ssl/rds.pem' })).toBeDefined();
    // The driver takes the last of a repeated parameter, so a repeat is refused (in development too).
    for (const url of ['postgres://u@db/ol?sslmode=verify-full&sslmode=disable', 'postgres:///ol?host=/tmp&host=db.prod']) {
      expect(() => loadConfig({ ...base, [name]: url })).toThrow(new RegExp(`^Invalid configuration: ${name}: must not repeat a parameter`));
    }
    expect(loadConfig({ ...base, [name]: 'postgres:///ol?host=/var/run/postgresql&user=u' })).toBeDefined();
    expect(loadConfig({ [name]: 'postgres://u@db/ol' })).toBeDefined(); // development
  });

  it('EVENTSTORE_CONNECTION_STRING keeps TLS and certificate checks on', () => {
    const esdb = { ...base, DATABASE_URL: 'postgres://u@db/ol?sslmode=verify-full', EVENT_STORE: 'eventstoredb' };
    for (const cs of ['esdb://h:2113?tls=false', 'esdb://h:2113?t-l-s=false', 'esdb://h:2113?Tls_=false', 'esdb://h:2113?tls=false &x=1', 'esdb://h:2113?tls=true&tls=false', 'esdb://h:2113?tls=true&tlsVerifyCert=false', 'kurrentdb+discover://a,b?tls_verify_cert= false']) {
      expect(() => loadConfig({ ...esdb, EVENTSTORE_CONNECTION_STRING: cs })).toThrow(/EVENTSTORE_CONNECTION_STRING: must keep TLS/);
    }
    expect(loadConfig({ ...esdb, EVENTSTORE_CONNECTION_STRING: 'esdb://h:2113?tls=true' }).eventStore).toBe('eventstoredb');
    expect(loadConfig({ ...esdb, EVENTSTORE_CONNECTION_STRING: 'esdb://h:2113' }).eventStore).toBe('eventstoredb');
    expect(loadConfig({ EVENT_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: 'esdb://h:2113?tls=false' }).eventStore).toBe('eventstoredb');
  });
});

describe('loadConfig: DATABASE_AUTH', () => {
  it('aws-iam needs a region and a user, and refuses a password in either URL or no URL at all', () => {
    const iam = { DATABASE_AUTH: 'aws-iam', AWS_REGION: 'eu-central-1' };
    expect(loadConfig({}).databaseAuth).toBe('password');
    expect(loadConfig({ ...iam, APP_DATABASE_URL: 'postgres://app@db/ol' }).databaseAuth).toBe('aws-iam');
    expect(() => loadConfig({ DATABASE_AUTH: 'aws-iam', APP_DATABASE_URL: 'postgres://app@db/ol' })).toThrow(/AWS_REGION: is required when DATABASE_AUTH=aws-iam/);
    expect(() => loadConfig({ ...iam, APP_DATABASE_URL: 'postgres://app:secret@db/ol' })).toThrow(/APP_DATABASE_URL: must not carry a password/);
    expect(() => loadConfig({ ...iam, DATABASE_URL: 'postgres://db/ol' })).toThrow(/DATABASE_URL: must name the database user/);
    expect(() => loadConfig(iam)).toThrow(/DATABASE_AUTH: aws-iam needs DATABASE_URL or APP_DATABASE_URL/);
    expect(() => loadConfig({ DATABASE_AUTH: 'iam' })).toThrow(/DATABASE_AUTH: must be one of password, aws-iam/);
    let message = '';
    try {
      loadConfig({ ...iam, APP_DATABASE_URL: 'postgres://app:secret@db/ol' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/APP_DATABASE_URL/);
    expect(message).not.toContain('secret');
  });
});

describe('loadConfig: LOG_LEVEL and HOST', () => {
  it('are checked, and the message names the variable, not the value', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    for (const host of ['0.0.0.0', '::', 'api.internal', 'localhost', '10.1.2.3']) expect(loadConfig({ HOST: host }).host).toBe(host);
    for (const host of ['http://x', 'a b', '-x', 'x..y', 'x/y']) expect(() => loadConfig({ HOST: host })).toThrow(/^Invalid configuration: HOST: must be an IP address or a host name/);
    expect(() => loadConfig({ LOG_LEVEL: 'verbose' })).toThrow(/^Invalid configuration: LOG_LEVEL: /);
    expect(() => logLevelOf({ LOG_LEVEL: 'verbose' }, 'warn')).toThrow(/LOG_LEVEL/);
    expect(logLevelOf({}, 'warn')).toBe('warn');
    expect(loadConfig({}).logLevel).toBe('info');
  });
});

describe('loadConfig: NODE_ENV', () => {
  it('is development when unset; a misspelt or unknown mode is refused, not run as development', () => {
    expect(loadConfig({}).production).toBe(false);
    expect(loadConfig({ NODE_ENV: 'test' }).production).toBe(false);
    for (const mode of ['prod', 'staging', 'Production']) expect(() => loadConfig({ NODE_ENV: mode })).toThrow(/NODE_ENV/);
  });
});
