import pg from 'pg';
import { parse } from 'pg-connection-string';

/** The role the application runs as: no UPDATE/DELETE/TRUNCATE on history, no DDL. */
export const APP_ROLE = 'ortholedger_app';

// BIGINT (int8) as string keeps 64-bit positions exact; callers convert to bigint explicitly.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => v);

export interface DatabasePools {
  /** Schema owner: migrations and engineer operations from the CLI (refuses every use where the process has only the app login). */
  readonly owner: pg.Pool;
  /** Least-privilege application role. */
  readonly app: pg.Pool;
  /**
   * The audit store's own connections (app role, two): an account change holds an app connection in
   * its transaction while its audit row is written, so the audit row must not wait for one.
   */
  readonly audit: pg.Pool;
  close(): Promise<void>;
}

export interface DatabasePoolOptions {
  /** The schema owner's login. Unset: the process runs with `appUrl` alone, and its owner pool refuses every use (OwnerLoginUnavailable). */
  ownerUrl?: string;
  /** A separate login for the application role (production). Unset: the owner login drops to APP_ROLE. */
  appUrl?: string;
  max?: number;
  applicationName?: string;
  /**
   * A password fetched per connection instead of the URL's: RDS IAM authentication tokens, which
   * expire after 15 minutes (see awsIamPasswords). Clients opened from a pool's settings get it too.
   */
  passwordFor?: (target: PasswordTarget) => () => Promise<string>;
}

/** Where a connection goes and as whom, as pg reads the URL (`?host=` included): what a token is signed for. */
export interface PasswordTarget {
  readonly host: string;
  readonly port: number;
  readonly user: string;
}

/**
 * A pool's connection settings. With `passwordFor` the URL is parsed here (pg lets a connection
 * string's empty password override a password function) and the function takes the password's place.
 */
function connection(url: string, passwordFor: DatabasePoolOptions['passwordFor']): pg.PoolConfig {
  if (!passwordFor) return { connectionString: url };
  const { password: _fromUrl, ...parsed } = parse(url);
  // The same parse pg connects with, so the token is signed for the host it connects to.
  const target = { host: parsed.host ?? 'localhost', port: parsed.port ? Number(parsed.port) : 5432, user: parsed.user ?? '' };
  return { ...(parsed as pg.PoolConfig), password: passwordFor(target) };
}

/** Raised by the owner pool of a process that runs with the application's login alone. */
export class OwnerLoginUnavailable extends Error {
  readonly code = 'DATABASE.OWNER_LOGIN_UNAVAILABLE';
  constructor() {
    super("this needs the schema owner's login (DATABASE_URL); the process runs with the application's login alone (APP_DATABASE_URL)");
    this.name = 'OwnerLoginUnavailable';
  }
}

/**
 * The owner pool of a process without the owner's login: every query and connection fails with
 * OwnerLoginUnavailable (fail closed, and says why). Its settings name a host that cannot resolve
 * (`.invalid`), so code that opens its own client from a pool's settings fails too.
 */
class WithoutOwnerLogin extends pg.Pool {
  constructor() {
    super({ connectionString: 'postgres://owner-login-unavailable.invalid/none', max: 1 });
  }

  override connect(...args: any[]): any {
    return refuse(args);
  }

  override query(...args: any[]): any {
    return refuse(args);
  }
}

function refuse(args: unknown[]): Promise<never> | undefined {
  const callback = args.find((a): a is (error: Error) => void => typeof a === 'function');
  if (callback) {
    queueMicrotask(() => callback(new OwnerLoginUnavailable()));
    return undefined;
  }
  return Promise.reject(new OwnerLoginUnavailable());
}

export function createDatabasePools(options: DatabasePoolOptions): DatabasePools {
  const applicationName = options.applicationName ?? 'ortholedger';
  if (!options.ownerUrl && !options.appUrl) throw new Error('createDatabasePools needs the owner login, the app login, or both');
  const owner = options.ownerUrl
    ? new pg.Pool({
        ...connection(options.ownerUrl, options.passwordFor),
        max: Math.max(2, Math.floor((options.max ?? 20) / 4)),
        application_name: `${applicationName}-owner`,
      })
    : new WithoutOwnerLogin();
  const appLogin = connection((options.appUrl ?? options.ownerUrl)!, options.passwordFor);
  const appPool = (max: number, name: string) =>
    new pg.Pool({
      ...appLogin,
      max,
      application_name: name,
      // Without a separate login, every connection becomes the app role before its first query runs
      // (pg queues queries per client, so this SET ROLE precedes any caller's statement).
      ...(options.appUrl ? {} : { options: `-c role=${APP_ROLE}` }),
    });
  const app = appPool(options.max ?? 20, applicationName);
  const audit = appPool(2, `${applicationName}-audit`);
  const swallow = () => undefined; // idle-client errors (server restart) surface on the next query instead
  for (const pool of [owner, app, audit]) pool.on('error', swallow);
  return {
    owner,
    app,
    audit,
    async close() {
      await Promise.all([owner.end(), app.end(), audit.end()]);
    },
  };
}
