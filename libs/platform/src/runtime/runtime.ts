import type pg from 'pg';
import type { AppConfig } from '../config/config';
import { APP_ROLE, createDatabasePools, type DatabasePools } from '../database/database';
import { awsIamPasswords } from '../database/iam-auth';
import { startEmbeddedPostgres } from '../database/embedded-postgres';
import { migrateToLatest, pendingMigrations } from '../database/migrations';
import { assertTransactionClockAhead } from '@ortholedger/event-store';

export interface Runtime {
  readonly config: AppConfig;
  readonly databaseUrl: string;
  readonly embedded: boolean;
  /** Whether the process holds the schema owner's login; without it, `pools.owner` refuses every use. */
  readonly ownerLogin: boolean;
  readonly pools: DatabasePools;
  stop(): Promise<void>;
}

/** A process with the app login alone found migrations it cannot run itself. */
export class SchemaBehind extends Error {
  readonly code = 'DATABASE.SCHEMA_BEHIND';
  constructor(pending: number) {
    super(`the database schema is ${pending} migration(s) behind this release; run \`npx ortholedger db migrate\` with the schema owner's DATABASE_URL first`);
    this.name = 'SchemaBehind';
  }
}

/** The app login can do more than the app role may: it could rewrite the history a serving process appends to. */
export class AppLoginTooPowerful extends Error {
  readonly code = 'DATABASE.APP_LOGIN_TOO_POWERFUL';
  constructor(readonly reasons: readonly string[]) {
    super(`the application's database login ${reasons.join(', ')}; serve with a login that is only a member of ${APP_ROLE} (APP_DATABASE_URL)`);
    this.name = 'AppLoginTooPowerful';
  }
}

/**
 * What the app pool's connections can do, checked at start-up rather than trusted from the URL
 * (`postgresql://owner@db` is the owner however it is spelt): refused if the role is, or is a member
 * of (may SET ROLE to), a superuser, a role that bypasses row security or one that creates roles;
 * is (a member of) the owner of a schema; may update, delete or truncate
 * the event log, or may write the audit log or its head other than through the append function.
 */
export async function assertAppLoginLeastPrivilege(pool: pg.Pool): Promise<void> {
  const { rows } = await pool.query<Record<string, boolean>>(
    `select exists (select 1 from pg_roles s where s.rolsuper and pg_has_role(current_user, s.oid, 'MEMBER')) as superuser,
            exists (select 1 from pg_roles s where s.rolbypassrls and pg_has_role(current_user, s.oid, 'MEMBER')) as bypass_rls,
            exists (select 1 from pg_roles s where s.rolcreaterole and pg_has_role(current_user, s.oid, 'MEMBER')) as create_role,
            exists (select 1 from pg_namespace n
                     where n.nspname in ('eventstore', 'access', 'keyvault', 'read_models', 'command_idempotency')
                       and pg_has_role(n.nspowner, 'MEMBER')) as schema_owner,
            has_table_privilege('eventstore.events', 'UPDATE, DELETE, TRUNCATE') as events_writable,
            has_table_privilege('access.audit_events', 'INSERT, UPDATE, DELETE, TRUNCATE')
              or has_table_privilege('access.audit_head', 'INSERT, UPDATE, DELETE, TRUNCATE') as audit_writable
       from pg_roles r where r.rolname = current_user`,
  );
  const found = rows[0];
  const reasons = [
    found?.superuser && 'is, or may become, a superuser',
    found?.bypass_rls && 'is, or may become, a role that bypasses row security',
    found?.create_role && 'is, or may become, a role that creates roles (and so may grant itself the owner)',
    found?.schema_owner && 'is, or is a member of, the owner of the schemas',
    found?.events_writable && 'may update, delete or truncate the event log',
    found?.audit_writable && 'may write the audit log other than through access.append_audit_events',
  ].filter((r): r is string => typeof r === 'string');
  if (!found) reasons.push('was not found in pg_roles');
  if (reasons.length > 0) throw new AppLoginTooPowerful(reasons);
}

/**
 * Explicit start-up: the database (embedded when neither DATABASE_URL nor APP_DATABASE_URL is
 * set), then migrations as the owner, then pools for the app role. With APP_DATABASE_URL alone
 * (production serving) nothing is migrated: start-up checks that no migration is pending and
 * refuses otherwise (SchemaBehind). Shut-down runs in reverse.
 */
export async function startRuntime(config: AppConfig, options: { migrate?: boolean } = {}): Promise<Runtime> {
  if (!config.databaseUrl && config.appDatabaseUrl) return startWithAppLogin(config, config.appDatabaseUrl, options);
  let databaseUrl = config.databaseUrl;
  let stopEmbedded: () => Promise<void> = async () => undefined;
  if (!databaseUrl) {
    const embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPostgresPort });
    databaseUrl = embedded.url;
    stopEmbedded = embedded.stop;
  }
  const pools = createDatabasePools({ ownerUrl: databaseUrl, appUrl: config.appDatabaseUrl, passwordFor: passwordsFor(config) });
  try {
    await reachable(pools.owner, config.databaseUrl ? 'DATABASE_URL' : 'the embedded Postgres');
    if (options.migrate !== false) {
      await migrateToLatest(pools.owner);
      // The Postgres event log's $all order needs the server's transaction counter ahead of the log (a logical restore breaks that).
      if (config.eventStore === 'postgres') await assertTransactionClockAhead(pools.owner);
      await assertAppLoginLeastPrivilege(pools.app);
    }
  } catch (error) {
    await pools.close();
    await stopEmbedded();
    throw error;
  }
  return {
    config,
    databaseUrl,
    embedded: !config.databaseUrl,
    ownerLogin: true,
    pools,
    async stop() {
      await pools.close();
      await stopEmbedded();
    },
  };
}

async function startWithAppLogin(config: AppConfig, appUrl: string, options: { migrate?: boolean }): Promise<Runtime> {
  const pools = createDatabasePools({ appUrl, passwordFor: passwordsFor(config) });
  try {
    await reachable(pools.app, 'APP_DATABASE_URL');
    // `db migrate` (migrate: false) reports for itself that it needs the owner's login.
    if (options.migrate !== false) {
      // A schema from before 0001 has not granted the app role its migration log yet: behind, too.
      const pending = await pendingMigrations(pools.app).catch((error: { code?: string }) => {
        if (error?.code === '42501') return ['0001_app_reads_migration_log'];
        throw error;
      });
      if (pending.length > 0) throw new SchemaBehind(pending.length);
      if (config.eventStore === 'postgres') await assertTransactionClockAhead(pools.app);
      await assertAppLoginLeastPrivilege(pools.app);
    }
  } catch (error) {
    await pools.close();
    throw error;
  }
  return { config, databaseUrl: appUrl, embedded: false, ownerLogin: false, pools, stop: () => pools.close() };
}

function passwordsFor(config: AppConfig) {
  return config.databaseAuth === 'aws-iam' ? awsIamPasswords(config.awsRegion) : undefined;
}

/** A connection failure is reported as one, naming the variable (the driver's message names the host, never a password). */
async function reachable(pool: pg.Pool, source: string): Promise<void> {
  try {
    await pool.query('select 1');
  } catch (error) {
    throw new Error(`cannot connect to the database given by ${source}: ${error instanceof Error ? error.message || (error as { code?: string }).code || error.name : String(error)}`);
  }
}
