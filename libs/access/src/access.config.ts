import * as path from 'node:path';
import { type Realm } from './realm';
import { parseCidrList } from './policy/cidr';
import { parseTimeWindow, type TimeWindow } from './policy/time-window';

type Env = Record<string, string | undefined>;

/** Same shape as the platform's ConfigError (this lib does not import the platform): names the variable, never a secret value. */
export class AccessConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`Invalid configuration: ${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

export interface RealmKeyConfig {
  /** PEM (PKCS#8) ES256 private key; unset in development: generated under the data dir. */
  readonly privateKeyFile: string;
  /** True when the file comes from the environment (production), false for the generated default. */
  readonly provided: boolean;
}

export interface AccessConfig {
  readonly production: boolean;
  readonly issuerBase: string;
  readonly keys: Readonly<Record<Realm, RealmKeyConfig>>;
  readonly accessTokenSeconds: number;
  readonly challengeSeconds: number;
  readonly idleTimeoutSeconds: number;
  readonly absoluteTimeoutSeconds: number;
  readonly breakGlassSeconds: number;
  /** How long a one-time password (a new account's, or support's reset) may be used for the first sign-in. */
  readonly oneTimePasswordSeconds: number;
  /** Consecutive failures per login name before each further try is delayed (429). */
  readonly throttleAfterFailures: number;
  /** Consecutive failures that lock an existing account until support unlocks it (< 100, the issue's bound). */
  readonly lockoutAfterFailures: number;
  /** Failed logins per IP per window before the IP gets 429. */
  readonly ipFailuresPerWindow: number;
  readonly ipWindowSeconds: number;
  /**
   * Named networks and hours the policies refer to; unset means anywhere / any time. A realm's
   * network also gates its whole API before any handler (see http/network-gate.ts).
   */
  readonly networks: Readonly<Record<Realm, readonly string[]>>;
  readonly hours: Readonly<Record<Realm, TimeWindow | undefined>>;
}

function seconds(env: Env, name: string, fallback: number, min = 1, max = 31 * 24 * 3600): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new AccessConfigError(name, `must be an integer between ${min} and ${max}`);
  return value;
}

function keyFile(env: Env, name: string, dataDir: string, realm: Realm, production: boolean): RealmKeyConfig {
  const given = env[name];
  if (given) return { privateKeyFile: path.resolve(given), provided: true };
  if (production) throw new AccessConfigError(name, 'is required when NODE_ENV=production (generated keys are for development)');
  return { privateKeyFile: path.join(dataDir, 'keys', `jwt-${realm}.pem`), provided: false };
}

function networks(env: Env, name: string): string[] {
  const raw = env[name];
  if (!raw) return ['0.0.0.0/0', '::/0'];
  try {
    return parseCidrList(raw).map((c) => c.source);
  } catch {
    throw new AccessConfigError(name, 'must be a comma-separated list of IPv4/IPv6 CIDR blocks');
  }
}

function hours(env: Env, name: string): TimeWindow | undefined {
  const raw = env[name];
  if (!raw) return undefined;
  try {
    return parseTimeWindow(raw);
  } catch {
    throw new AccessConfigError(name, "must look like 'mon-fri 07:00-19:00 Europe/Berlin'");
  }
}

/** Reads the access settings; the names are listed in the report and README. */
export function loadAccessConfig(env: Env = process.env, dataDir = path.resolve(env.DATA_DIR || './.data'), production = env.NODE_ENV === 'production'): AccessConfig {
  const idleTimeoutSeconds = seconds(env, 'SESSION_IDLE_TIMEOUT_SECONDS', 15 * 60, 60, 24 * 3600);
  const absoluteTimeoutSeconds = seconds(env, 'SESSION_ABSOLUTE_TIMEOUT_SECONDS', 12 * 3600, 300, 7 * 24 * 3600);
  if (absoluteTimeoutSeconds < idleTimeoutSeconds) {
    throw new AccessConfigError('SESSION_ABSOLUTE_TIMEOUT_SECONDS', 'must not be shorter than SESSION_IDLE_TIMEOUT_SECONDS');
  }
  const lockoutAfterFailures = seconds(env, 'LOGIN_LOCKOUT_AFTER_FAILURES', 20, 3, 99);
  const keys = {
    clinic: keyFile(env, 'JWT_CLINIC_PRIVATE_KEY_FILE', dataDir, 'clinic', production),
    backoffice: keyFile(env, 'JWT_BACKOFFICE_PRIVATE_KEY_FILE', dataDir, 'backoffice', production),
  };
  if (production && !env.ACCESS_NETWORKS_BACKOFFICE) {
    // The admin API manages accounts and serves break-glass: where it is reachable from is a decision, not a default.
    throw new AccessConfigError('ACCESS_NETWORKS_BACKOFFICE', "is required when NODE_ENV=production (the back office's networks; '0.0.0.0/0,::/0' allows anywhere explicitly)");
  }
  return {
    production,
    issuerBase: env.JWT_ISSUER || 'urn:ortholedger',
    keys,
    accessTokenSeconds: seconds(env, 'ACCESS_TOKEN_TTL_SECONDS', 300, 30, 900),
    challengeSeconds: 300,
    idleTimeoutSeconds,
    absoluteTimeoutSeconds,
    breakGlassSeconds: seconds(env, 'BREAK_GLASS_TTL_SECONDS', 30 * 60, 60, 4 * 3600),
    oneTimePasswordSeconds: seconds(env, 'ONE_TIME_PASSWORD_TTL_SECONDS', 72 * 3600, 600, 30 * 24 * 3600),
    throttleAfterFailures: seconds(env, 'LOGIN_THROTTLE_AFTER_FAILURES', 5, 1, 50),
    lockoutAfterFailures,
    ipFailuresPerWindow: seconds(env, 'LOGIN_IP_FAILURES_PER_WINDOW', 100, 5, 100000),
    ipWindowSeconds: seconds(env, 'LOGIN_IP_WINDOW_SECONDS', 15 * 60, 10, 24 * 3600),
    networks: { clinic: networks(env, 'ACCESS_NETWORKS_CLINIC'), backoffice: networks(env, 'ACCESS_NETWORKS_BACKOFFICE') },
    hours: { clinic: hours(env, 'ACCESS_HOURS_CLINIC'), backoffice: hours(env, 'ACCESS_HOURS_BACKOFFICE') },
  };
}
