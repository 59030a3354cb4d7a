import { type Kysely, sql } from 'kysely';
import { type Position, START } from '@ortholedger/event-store';
import type { ReadModelDatabase } from '../schema/read-model.db';
import { LIVE_SCHEMA, type Target } from '../schema/tables';

export interface Checkpoint {
  readonly projection: string;
  readonly target: Target;
  readonly version: number;
  readonly generation: number;
  readonly position: Position;
  readonly eventsSeen: number;
  readonly lastEventAt: Date | null;
  readonly updatedAt: Date;
  readonly failure: { at: Date; code: string; detail: string } | null;
}

type Row = ReadModelDatabase['projection_checkpoints'];

function toCheckpoint(row: Record<string, any>): Checkpoint {
  return {
    projection: row.projection,
    target: row.target,
    version: row.version,
    generation: row.generation,
    position: { commit: BigInt(row.pos_commit), prepare: BigInt(row.pos_prepare) },
    eventsSeen: Number(row.events_seen),
    lastEventAt: row.last_event_at,
    updatedAt: row.updated_at,
    failure: row.failed_at ? { at: row.failed_at, code: row.failure_code, detail: row.failure_detail } : null,
  };
}

const checkpoints = (db: Kysely<ReadModelDatabase>) => db.withSchema(LIVE_SCHEMA);

/** Per-projection checkpoints (one row per projection and target), always in the live schema. */
export const CheckpointStore = {
  async get(db: Kysely<ReadModelDatabase>, projection: string, target: Target): Promise<Checkpoint | undefined> {
    const row = await checkpoints(db)
      .selectFrom('projection_checkpoints')
      .selectAll()
      .where('projection', '=', projection)
      .where('target', '=', target)
      .executeTakeFirst();
    return row ? toCheckpoint(row) : undefined;
  },

  async all(db: Kysely<ReadModelDatabase>): Promise<Checkpoint[]> {
    const rows = await checkpoints(db).selectFrom('projection_checkpoints').selectAll().orderBy('projection').orderBy('target').execute();
    return rows.map(toCheckpoint);
  },

  /** The checkpoint, created at the start of the log when the projection never ran. */
  async ensure(db: Kysely<ReadModelDatabase>, projection: string, target: Target, version: number): Promise<Checkpoint> {
    await checkpoints(db)
      .insertInto('projection_checkpoints')
      .values({ projection, target, version, pos_commit: START.commit.toString(), pos_prepare: START.prepare.toString(), events_seen: 0 } as Partial<Row> as never)
      .onConflict((oc) => oc.columns(['projection', 'target']).doNothing())
      .execute();
    return (await CheckpointStore.get(db, projection, target))!;
  },

  /** Locks the row for this transaction; the caller compares it with what it read from (fencing). */
  async lock(db: Kysely<ReadModelDatabase>, projection: string, target: Target): Promise<Checkpoint | undefined> {
    const row = await checkpoints(db)
      .selectFrom('projection_checkpoints')
      .selectAll()
      .where('projection', '=', projection)
      .where('target', '=', target)
      .forUpdate()
      .executeTakeFirst();
    return row ? toCheckpoint(row) : undefined;
  },

  /** Locks several rows in name order (the order a swap locks them in: no deadlock between the two). */
  async lockMany(db: Kysely<ReadModelDatabase>, projections: readonly string[], target: Target): Promise<Map<string, Checkpoint>> {
    const { rows } = await sql<Record<string, unknown>>`
      select * from read_models.projection_checkpoints
       where projection = any(${projections}::text[]) and target = ${target}
       order by projection collate "C" for update`.execute(db);
    return new Map(rows.map((r) => [r.projection as string, toCheckpoint(r)]));
  },

  /** Advances several checkpoints in one statement. */
  async advanceMany(
    db: Kysely<ReadModelDatabase>,
    target: Target,
    moves: readonly { projection: string; position: Position; seen: number; lastEventAt: Date | null }[],
  ): Promise<void> {
    if (moves.length === 0) return;
    await sql`
      update read_models.projection_checkpoints c
         set pos_commit = u.c, pos_prepare = u.p, events_seen = c.events_seen + u.seen,
             last_event_at = coalesce(u.at, c.last_event_at), updated_at = now(),
             failed_at = null, failure_code = null, failure_detail = null
        from unnest(${moves.map((m) => m.projection)}::text[], ${moves.map((m) => m.position.commit.toString())}::bigint[],
                    ${moves.map((m) => m.position.prepare.toString())}::bigint[], ${moves.map((m) => m.seen)}::bigint[],
                    ${moves.map((m) => m.lastEventAt)}::timestamptz[]) as u(projection, c, p, seen, at)
       where c.projection = u.projection and c.target = ${target}`.execute(db);
  },

  /** Recorded outside the failed transaction so `projections status` and readiness show it. */
  async fail(db: Kysely<ReadModelDatabase>, projection: string, target: Target, code: string, detail: string, generation?: number): Promise<void> {
    let update = checkpoints(db)
      .updateTable('projection_checkpoints')
      .set({ failed_at: sql`now()`, failure_code: code, failure_detail: detail.slice(0, 500) } as never)
      .where('projection', '=', projection)
      .where('target', '=', target);
    if (generation !== undefined) update = update.where('generation', '=', generation);
    await update.execute();
  },
};

export const samePosition = (a: Position, b: Position) => a.commit === b.commit && a.prepare === b.prepare;
