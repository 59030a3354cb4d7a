import pg from 'pg';

/** The role the application runs as: no UPDATE/DELETE/TRUNCATE on history, no DDL. */
export const APP_ROLE = 'ortholedger_app';

// BIGINT (int8) as string keeps 64-bit positions exact; callers convert to bigint explicitly.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => v);

export interface DatabasePools {
  /** Schema owner: migrations and engineer operations from the CLI. */
  readonly owner: pg.Pool;
  /** Least-privilege application role. */
  readonly app: pg.Pool;
  close(): Promise<void>;
}

export interface DatabasePoolOptions {
  ownerUrl: string;
  /** A separate login for the application role (production). Unset: the owner login drops to APP_ROLE. */
  appUrl?: string;
  max?: number;
  applicationName?: string;
}

export function createDatabasePools(options: DatabasePoolOptions): DatabasePools {
  const applicationName = options.applicationName ?? 'ortholedger';
  const owner = new pg.Pool({
    connectionString: options.ownerUrl,
    max: Math.max(2, Math.floor((options.max ?? 20) / 4)),
    application_name: `${applicationName}-owner`,
  });
  const app = new pg.Pool({
    connectionString: options.appUrl ?? options.ownerUrl,
    max: options.max ?? 20,
    application_name: applicationName,
    // Without a separate login, every connection becomes the app role before its first query runs
    // (pg queues queries per client, so this SET ROLE precedes any caller's statement).
    ...(options.appUrl ? {} : { options: `-c role=${APP_ROLE}` }),
  });
  const swallow = () => undefined; // idle-client errors (server restart) surface on the next query instead
  owner.on('error', swallow);
  app.on('error', swallow);
  return {
    owner,
    app,
    async close() {
      await Promise.all([owner.end(), app.end()]);
    },
  };
}
