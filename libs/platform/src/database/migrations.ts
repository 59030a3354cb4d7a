import { Kysely, type Migration, type MigrationProvider, Migrator, PostgresDialect, sql } from 'kysely';
import type pg from 'pg';
import { eventStoreMigrations } from '@ortholedger/event-store';
import { keyvaultMigrations } from '@ortholedger/crypto';
import { accessMigrations } from '@ortholedger/access';
import { readModelMigrations } from '@ortholedger/read-models';
import { APP_ROLE } from './database';
import { idempotencyMigrations } from '../command-handling/idempotency/idempotency.migration';

const baseline: Record<string, Migration> = {
  '0000_app_role': {
    async up(db) {
      // Roles are cluster-wide: several databases (tests, tenants) share the one app role. Two
      // databases migrated at once on a fresh server both see no role; the loser of the race gets
      // duplicate_object or, while the winner's insert is in flight, unique_violation on pg_authid.
      await sql.raw(ensureRoleStatement(APP_ROLE)).execute(db);
      await sql.raw(joinRoleStatement(APP_ROLE)).execute(db);
      await sql.raw(`grant connect on database "${await currentDatabase(db)}" to ${APP_ROLE}`).execute(db);
    },
  },
  '0001_app_reads_migration_log': {
    async up(db) {
      // A process serving with the app login alone checks at start (and in readiness) that no
      // migration is pending; it reads the migrator's log and nothing else of it (Kysely created the
      // table before running the first migration).
      await sql.raw(`grant select on public.kysely_migration to ${APP_ROLE}`).execute(db);
    },
  },
};

/** Creates a NOLOGIN role unless it exists, safe when several databases are migrated at once. */
export function ensureRoleStatement(role: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(role)) throw new Error('role name must be a lower-case identifier');
  return `do $$ begin
       if not exists (select 1 from pg_roles where rolname = '${role}') then
         create role ${role} nologin;
       end if;
     exception when duplicate_object or unique_violation then null; end $$`;
}

/**
 * Makes the migrating user a member of `role` where it may grant that (superuser, or admin of the
 * role); an owner without that right carries on without it (with a warning: its app connections
 * then need APP_DATABASE_URL, since `set role` to the app role needs the membership). Only that
 * refusal is caught, in the statement: a failed statement would abort the migration's
 * transaction, so catching it in the caller (as this once did) could only fail the next one.
 * Anything else fails the migration, notably a circular membership (the app role already a
 * member of the owner, so it would inherit the owner's rights over the event history).
 */
export function joinRoleStatement(role: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(role)) throw new Error('role name must be a lower-case identifier');
  return `do $$ begin
       grant ${role} to current_user;
     exception when insufficient_privilege then
       raise warning 'the migrating user may not join role ${role}; app connections need APP_DATABASE_URL';
     end $$`;
}

async function currentDatabase(db: Kysely<any>): Promise<string> {
  const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(db);
  return rows[0].name;
}

/** Every library's migrations, ordered by their numeric prefix. */
export function allMigrations(): Record<string, Migration> {
  return { ...baseline, ...eventStoreMigrations, ...keyvaultMigrations, ...accessMigrations, ...idempotencyMigrations, ...readModelMigrations };
}

class StaticProvider implements MigrationProvider {
  constructor(private readonly migrations: Record<string, Migration>) {}
  async getMigrations() {
    return this.migrations;
  }
}

export interface MigrationOutcome {
  applied: string[];
  pending: string[];
}

export async function migrateToLatest(ownerPool: pg.Pool): Promise<MigrationOutcome> {
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: ownerPool }) });
  const migrator = new Migrator({ db, provider: new StaticProvider(allMigrations()), allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`Migration ${failed?.migrationName ?? '(unknown)'} failed: ${(error as Error).message}`);
  }
  return { applied: (results ?? []).map((r) => r.migrationName), pending: [] };
}

/** Names of migrations not yet applied; readiness requires none. */
export async function pendingMigrations(pool: pg.Pool): Promise<string[]> {
  const names = Object.keys(allMigrations());
  const table = await pool.query<{ exists: boolean }>(`select to_regclass('public.kysely_migration') is not null as exists`);
  if (!table.rows[0].exists) return names;
  const done = await pool.query<{ name: string }>('select name from public.kysely_migration');
  const applied = new Set(done.rows.map((r) => r.name));
  return names.filter((n) => !applied.has(n));
}
