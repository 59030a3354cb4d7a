import { isIP } from 'node:net';
import * as path from 'node:path';

/** Raised at start-up when the environment is unusable; the message names the variable, never its value if secret. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`Invalid configuration: ${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

export interface AppConfig {
  readonly production: boolean;
  readonly databaseUrl: string | undefined;
  readonly appDatabaseUrl: string | undefined;
  /** `password` (from the URL) or `aws-iam` (an RDS IAM token signed per connection). */
  readonly databaseAuth: 'password' | 'aws-iam';
  readonly dataDir: string;
  readonly embeddedPostgresPort: number;
  readonly eventStore: 'postgres' | 'eventstoredb';
  readonly eventStoreConnectionString: string | undefined;
  readonly keyProvider: 'local' | 'aws-kms';
  readonly localMasterKeyFile: string;
  readonly awsKmsKeyId: string | undefined;
  /** Key ARNs keys may still be wrapped under after a rotation: read and re-wrapped, never used for new keys. */
  readonly awsKmsPreviousKeyIds: readonly string[];
  readonly awsRegion: string | undefined;
  readonly clinicApiPort: number;
  readonly adminApiPort: number;
  readonly maxEventBytes: number;
  readonly logLevel: string;
  /** Address the APIs listen on (HOST). */
  readonly host: string;
  /**
   * Addresses (IPs or CIDRs) of the load balancers in front of the APIs. Only a request arriving
   * from one of them has its client address taken from X-Forwarded-For; from anywhere else that
   * header is ignored, so a client cannot choose the address the IP conditions of the access policy see.
   */
  readonly trustedProxies: readonly string[];
}

type Env = Record<string, string | undefined>;

function port(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new ConfigError(name, 'must be an integer port between 1 and 65535');
  }
  return value;
}

function positiveInt(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) throw new ConfigError(name, 'must be a positive integer');
  return value;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}`);
  }
  return raw as T;
}

/**
 * A Postgres URL. In production it must verify the server's certificate (`sslmode=verify-full`):
 * on the network path, a connection without it lets anyone rewrite what the database answers
 * (care teams, sessions, audit reads). A Unix socket (`?host=/path`) never leaves the machine.
 */
function postgresUrl(env: Env, name: string, production: boolean): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, 'is not a valid URL (expected postgres://user@host:port/database)');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new ConfigError(name, 'must use the postgres:// scheme');
  }
  // The driver takes the last of a repeated parameter: `sslmode=verify-full&sslmode=disable` would pass a check of the first.
  const keys = [...parsed.searchParams.keys()];
  if (new Set(keys).size !== keys.length) throw new ConfigError(name, 'must not repeat a parameter');
  const socket = (parsed.searchParams.get('host') ?? '').startsWith('/');
  if (production && !socket && parsed.searchParams.get('sslmode') !== 'verify-full') {
    throw new ConfigError(name, 'must verify the server over TLS when NODE_ENV=production: add sslmode=verify-full (and sslrootcert=<CA file> unless the system trusts the CA)');
  }
  return raw;
}

/**
 * In production an EventStoreDB connection keeps TLS and certificate checks on (both are the
 * client's defaults). Keys are read as the client reads them (trimmed, lower-cased, without `-` and
 * `_`: `Tls_`, `t-l-s`), values trimmed; any `false` among repeats is refused (the client takes the last).
 */
function eventStoreTls(raw: string | undefined, production: boolean): void {
  if (!raw || !production) return;
  const query = raw.includes('?') ? raw.slice(raw.indexOf('?') + 1) : '';
  const flat = (key: string) => key.trim().toLowerCase().replace(/[_-]/g, '');
  const off = query.split('&').some((part) => {
    const [key, value = ''] = part.split('=');
    return (flat(key) === 'tls' || flat(key) === 'tlsverifycert') && value.trim() === 'false';
  });
  if (off) {
    throw new ConfigError('EVENTSTORE_CONNECTION_STRING', 'must keep TLS and certificate verification on when NODE_ENV=production (no tls=false or tlsVerifyCert=false)');
  }
}

/** A comma-separated list of IP addresses and CIDR blocks; `true`, `*` or a hop count (trust anyone) is refused. */
function proxies(env: Env, name: string): string[] {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return [];
  return raw.split(',').map((part) => {
    const entry = part.trim();
    const [address, prefix, extra] = entry.split('/');
    const family = isIP(address ?? '');
    const bits = family === 4 ? 32 : 128;
    // A block wider than /8 (IPv4) or /32 (IPv6) is not a set of load balancers; /0 would trust everyone.
    const prefixOk = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= bits && Number(prefix) >= (family === 4 ? 8 : 32));
    if (!family || !prefixOk || extra !== undefined) {
      throw new ConfigError(name, 'must be a comma-separated list of the IP addresses or CIDR blocks (at least /8, or /32 for IPv6) of your load balancers, for example 10.0.12.0/28');
    }
    return entry;
  });
}

/**
 * What a process that serves (the APIs, a projection worker) needs beyond loadConfig, checked
 * before it connects to anything. In production it runs with the application's login alone
 * (APP_DATABASE_URL, a member of ortholedger_app) and is refused the schema owner's (DATABASE_URL):
 * the owner may alter or drop the event history and the audit log, so a compromised API process
 * must not hold that login. Migrations run beforehand as a deploy step (`npx ortholedger db
 * migrate`, with DATABASE_URL), and a serving process whose schema is behind refuses to start.
 * In development the owner's login drops to the app role (`-c role=`) and migrates at start.
 */
export function assertServingConfig(config: AppConfig): void {
  if (!config.production) return;
  if (!config.appDatabaseUrl) {
    throw new ConfigError('APP_DATABASE_URL', 'is required to serve when NODE_ENV=production (a login that is a member of ortholedger_app, not the schema owner)');
  }
  if (config.databaseUrl) {
    throw new ConfigError(
      'DATABASE_URL',
      "must not be set for a serving process when NODE_ENV=production: it is the schema owner's login; run `npx ortholedger db migrate` with it as a separate deploy step and serve with APP_DATABASE_URL alone",
    );
  }
}

/** Reads and validates the runtime contract of DESIGN.md. Throws ConfigError on the first bad variable. */
export function loadConfig(env: Env = process.env): AppConfig {
  // A misspelt or unknown mode ("prod", "staging") is refused rather than run as development, which
  // would allow local keys, generated JWT keys, Swagger and demo accounts.
  const production = oneOf(env, 'NODE_ENV', ['development', 'test', 'production'] as const, 'development') === 'production';
  const dataDir = path.resolve(env.DATA_DIR || './.data');
  const eventStore = oneOf(env, 'EVENT_STORE', ['postgres', 'eventstoredb'] as const, 'postgres');
  const eventStoreConnectionString = env.EVENTSTORE_CONNECTION_STRING || undefined;
  if (eventStore === 'eventstoredb' && !eventStoreConnectionString) {
    throw new ConfigError('EVENTSTORE_CONNECTION_STRING', 'is required when EVENT_STORE=eventstoredb');
  }
  if (eventStoreConnectionString && !/^(esdb|kurrentdb|kdb)(\+discover)?:\/\//.test(eventStoreConnectionString)) {
    throw new ConfigError('EVENTSTORE_CONNECTION_STRING', 'must start with esdb:// or kurrentdb://');
  }
  eventStoreTls(eventStoreConnectionString, production);
  const keyProvider = oneOf(env, 'KEY_PROVIDER', ['local', 'aws-kms'] as const, 'local');
  if (production && keyProvider === 'local') {
    throw new ConfigError('KEY_PROVIDER', 'local keys are refused when NODE_ENV=production; use aws-kms');
  }
  const awsKmsKeyId = env.AWS_KMS_KEY_ID || undefined;
  if (keyProvider === 'aws-kms' && !awsKmsKeyId) {
    throw new ConfigError('AWS_KMS_KEY_ID', 'is required when KEY_PROVIDER=aws-kms');
  }
  const awsKmsPreviousKeyIds = (env.AWS_KMS_PREVIOUS_KEY_IDS ?? '').split(',').map((id) => id.trim()).filter(Boolean);
  if (awsKmsPreviousKeyIds.some((id) => !/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/.test(id))) {
    throw new ConfigError('AWS_KMS_PREVIOUS_KEY_IDS', 'must be a comma-separated list of key ARNs (arn:aws:kms:<region>:<account>:key/<id>), not aliases');
  }
  const databaseUrl = postgresUrl(env, 'DATABASE_URL', production);
  const appDatabaseUrl = postgresUrl(env, 'APP_DATABASE_URL', production);
  if (production && !databaseUrl && !appDatabaseUrl) {
    throw new ConfigError('DATABASE_URL', 'or APP_DATABASE_URL is required when NODE_ENV=production (the embedded Postgres is for development)');
  }
  const databaseAuth = oneOf(env, 'DATABASE_AUTH', ['password', 'aws-iam'] as const, 'password');
  if (databaseAuth === 'aws-iam') {
    if (!env.AWS_REGION) throw new ConfigError('AWS_REGION', 'is required when DATABASE_AUTH=aws-iam (the region of the RDS instance)');
    for (const [name, url] of [['DATABASE_URL', databaseUrl], ['APP_DATABASE_URL', appDatabaseUrl]] as const) {
      if (!url) continue;
      const parsed = new URL(url);
      if (!parsed.username) throw new ConfigError(name, 'must name the database user when DATABASE_AUTH=aws-iam');
      if (parsed.password) throw new ConfigError(name, 'must not carry a password when DATABASE_AUTH=aws-iam (each connection signs its own token)');
    }
    if (!databaseUrl && !appDatabaseUrl) throw new ConfigError('DATABASE_AUTH', 'aws-iam needs DATABASE_URL or APP_DATABASE_URL (the embedded Postgres has no IAM)');
  }
  const logLevel = logLevelOf(env, 'info');
  return {
    production,
    databaseUrl,
    appDatabaseUrl,
    databaseAuth,
    dataDir,
    embeddedPostgresPort: port(env, 'EMBEDDED_POSTGRES_PORT', 54329),
    eventStore,
    eventStoreConnectionString,
    keyProvider,
    localMasterKeyFile: path.resolve(env.LOCAL_MASTER_KEY_FILE || path.join(dataDir, 'keys', 'master.json')),
    awsKmsKeyId,
    awsKmsPreviousKeyIds,
    awsRegion: env.AWS_REGION || undefined,
    clinicApiPort: port(env, 'CLINIC_API_PORT', 3000),
    adminApiPort: port(env, 'ADMIN_API_PORT', 3001),
    maxEventBytes: positiveInt(env, 'MAX_EVENT_BYTES', 1024 * 1024),
    logLevel,
    host: host(env, 'HOST'),
    trustedProxies: proxies(env, 'TRUSTED_PROXIES'),
  };
}

/** LOG_LEVEL, checked; the CLI's own commands default to `warn`, the servers to `info`. */
export function logLevelOf(env: Env, fallback: 'warn' | 'info'): string {
  return oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, fallback);
}

/** The address the APIs listen on: an IP address or a host name (default loopback). */
function host(env: Env, name: string): string {
  const raw = env[name];
  if (raw === undefined || raw === '') return '127.0.0.1';
  const hostname = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
  if (!isIP(raw) && !hostname.test(raw)) throw new ConfigError(name, 'must be an IP address or a host name to listen on, for example 0.0.0.0');
  return raw;
}
