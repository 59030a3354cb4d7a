import { type Kysely, sql } from 'kysely';
import type { ReadModelDatabase } from '../schema/read-model.db';
import { createIndexes, createTable, LIVE_SCHEMA, RETIRED_SCHEMA, SHADOW_SCHEMA } from '../schema/tables';
import { CheckpointStore } from '../runner/checkpoint-store';
import type { Projection } from '../runner/projection';

const APP_ROLE = 'ortholedger_app';

async function tableExists(db: Kysely<any>, schema: string, table: string): Promise<boolean> {
  const { rows } = await sql<{ ok: boolean }>`select to_regclass(${`${schema}.${table}`}) is not null as ok`.execute(db);
  return rows[0].ok;
}

/**
 * Shadow tables for a rebuild: kept when a rebuild of the same projection version was under way
 * (resume after a kill), created empty otherwise. Owner only (DDL).
 */
export async function prepareShadow(db: Kysely<ReadModelDatabase>, projection: Projection, restart: boolean): Promise<'resumed' | 'created'> {
  const existing = await CheckpointStore.get(db, projection.name, 'shadow');
  const present = await Promise.all(projection.tables.map((t) => tableExists(db, SHADOW_SCHEMA, t)));
  if (!restart && existing && existing.version === projection.version && present.every(Boolean)) return 'resumed';
  await db.transaction().execute(async (trx) => {
    // The shadow checkpoint row first, then the tables: the order the live runner's erasure sweep of
    // shadows takes them in (ProjectionRunner.sweepShadows), so a restart and a sweep never deadlock.
    await CheckpointStore.lockMany(trx, [projection.name], 'shadow');
    for (const table of projection.tables) {
      await sql.raw(`drop table if exists ${SHADOW_SCHEMA}.${table}`).execute(trx);
      await createTable(trx, SHADOW_SCHEMA, table, { indexes: false });
      await sql.raw(`grant select, insert, update, delete on ${SHADOW_SCHEMA}.${table} to ${APP_ROLE}`).execute(trx);
    }
    const cp = trx.withSchema(LIVE_SCHEMA);
    await cp.deleteFrom('projection_checkpoints').where('projection', '=', projection.name).where('target', '=', 'shadow').execute();
    await cp.deleteFrom('projection_erasures').where('projection', '=', projection.name).where('target', '=', 'shadow').execute();
    await CheckpointStore.ensure(trx, projection.name, 'shadow', projection.version);
  });
  return 'created';
}

/** Builds the shadow tables' secondary indexes in one pass each, once the bulk of the rows is in. */
export async function indexShadow(db: Kysely<ReadModelDatabase>, projection: Projection): Promise<void> {
  for (const table of projection.tables) await createIndexes(db, SHADOW_SCHEMA, table);
}

/** The swap's own lock timeout once it holds its tables (see lockForSwap). */
export const SWAP_LOCK_TIMEOUT = '5s';

/**
 * Takes every table a swap moves, live and shadow, in one statement. Moving tables one by one
 * would hold one live table while waiting for the next; a reader that locks the two in the other
 * order (the care-team facts statement reads care_team_patients before care_team) then deadlocks
 * with the swap, and Postgres aborts whichever has waited longest: often the reader, an API request
 * answered with 500.
 *
 * `yield` (every attempt but the last): the whole statement may take half the server's
 * deadlock_timeout (at most 500 ms; a statement timeout, since a lock timeout bounds each table's
 * wait separately). Any reader queued behind a table the swap holds has then waited less than
 * deadlock_timeout when the swap lets go, so the reader is never the victim; the swap rolls back
 * and retries (`SwapYielded`, transient).
 * `wait` (the last attempt): waits as long as the swap's own lock timeout. Only a waiter's deadlock
 * check cancels an autovacuum that holds a table, so a swap that always yields could be starved
 * by one; the last attempt accepts the old risk to a reader instead.
 */
export async function lockForSwap(trx: Kysely<ReadModelDatabase>, projections: readonly Projection[], mode: 'yield' | 'wait'): Promise<void> {
  // Per table, live then shadow; those that exist, in one round trip (the live runner is waiting).
  const names = projections.flatMap((p) => p.tables.flatMap((t) => [`${LIVE_SCHEMA}.${t}`, `${SHADOW_SCHEMA}.${t}`]));
  const { rows: present } = await sql<{ name: string }>`
    select n.name from unnest(${names}::text[]) with ordinality as n(name, ord) where to_regclass(n.name) is not null order by n.ord`.execute(trx);
  const lock = sql.raw(`lock table ${present.map((r) => r.name).join(', ')} in access exclusive mode`);
  if (mode === 'wait') {
    await lock.execute(trx);
    return;
  }
  const { rows } = await sql<{ ms: string; previous: string }>`
    select extract(epoch from current_setting('deadlock_timeout')::interval) * 1000 as ms, current_setting('statement_timeout') as previous`.execute(trx);
  const budget = `${Math.max(1, Math.min(500, Math.floor(Number(rows[0].ms) / 2)))}ms`;
  await sql`select set_config('statement_timeout', ${budget}, true)`.execute(trx);
  try {
    await lock.execute(trx);
  } catch (error) {
    // 57014: our statement timeout (the transaction is aborted either way and rolls back).
    if ((error as { code?: string }).code === '57014') throw new SwapYielded();
    throw error;
  }
  await sql`select set_config('statement_timeout', ${rows[0].previous}, true)`.execute(trx);
}

/** The swap let go of its tables rather than keep readers waiting into a deadlock check; retried. */
export class SwapYielded extends Error {
  readonly code = '55P03'; // lock_not_available: transient, as a lock timeout
  constructor() {
    super('the swap could not take its tables within its budget; retrying');
    this.name = 'SwapYielded';
  }
}

/**
 * Inside the swap transaction, with the live checkpoint rows locked: live tables leave for the
 * retired schema and are dropped, shadow tables take their place with their index names, and the
 * shadow checkpoint becomes the live one with a new generation (fencing any runner that read before).
 */
export async function swapIn(trx: Kysely<ReadModelDatabase>, projection: Projection, liveGeneration: number): Promise<void> {
  for (const table of projection.tables) {
    if (await tableExists(trx, LIVE_SCHEMA, table)) {
      await sql.raw(`drop table if exists ${RETIRED_SCHEMA}.${table}`).execute(trx);
      await sql.raw(`alter table ${LIVE_SCHEMA}.${table} set schema ${RETIRED_SCHEMA}`).execute(trx);
    }
    await sql.raw(`alter table ${SHADOW_SCHEMA}.${table} set schema ${LIVE_SCHEMA}`).execute(trx);
    await sql.raw(`drop table if exists ${RETIRED_SCHEMA}.${table}`).execute(trx);
  }
  const cp = trx.withSchema(LIVE_SCHEMA);
  await cp.deleteFrom('projection_checkpoints').where('projection', '=', projection.name).where('target', '=', 'live').execute();
  await cp
    .updateTable('projection_checkpoints')
    .set({ target: 'live', generation: liveGeneration + 1, updated_at: sql`now()` } as never)
    .where('projection', '=', projection.name)
    .where('target', '=', 'shadow')
    .execute();
  await cp.deleteFrom('projection_erasures').where('projection', '=', projection.name).where('target', '=', 'live').execute();
  await cp.updateTable('projection_erasures').set({ target: 'live' }).where('projection', '=', projection.name).where('target', '=', 'shadow').execute();
}
