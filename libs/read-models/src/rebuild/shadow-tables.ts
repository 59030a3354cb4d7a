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
