import { type Kysely, sql } from 'kysely';
import type pg from 'pg';
import { clientConfigOf, comparePositions } from '@ortholedger/event-store';
import type { ReadModelDatabase } from '../schema/read-model.db';
import { CheckpointStore } from '../runner/checkpoint-store';
import type { EventSource } from '../runner/event-source';
import { LockSession, lockName } from '../runner/lock-session';
import type { Projection } from '../runner/projection';
import { ProjectionRunner, READ_MODELS_CHANNEL, type RunnerLog, type RunnerOptions } from '../runner/projection-runner';
import { catchUp } from '../runner/run-loops';
import { isTransient, sleep } from '../runner/transient';
import { indexShadow, lockForSwap, prepareShadow, SWAP_LOCK_TIMEOUT, swapIn } from './shadow-tables';

export interface RebuildProgress {
  readonly projections: readonly string[];
  /** Events read through the shadow checkpoints (the slowest one). */
  readonly done: number;
  /** Events in the log when last asked. */
  readonly total: number;
  /** Where this run began: events already in the shadow tables from an interrupted run (0 when none was resumed). */
  readonly resumedAt: number;
  readonly phase: 'catch-up' | 'swap' | 'done';
}

export interface RebuildOptions {
  /** Kysely over the owner pool: shadow DDL and the swap need the schema owner. */
  readonly db: Kysely<ReadModelDatabase>;
  /** Owner pool settings for the lock session. */
  readonly pool: pg.Pool;
  readonly source: EventSource;
  readonly projections: readonly Projection[];
  /** Start over even if a rebuild of the same version was interrupted. */
  readonly restart?: boolean;
  readonly batchSize?: number;
  readonly signal?: AbortSignal;
  readonly log?: RunnerLog;
  readonly onProgress?: (progress: RebuildProgress) => void;
  readonly faults?: RunnerOptions['faults'];
}

export interface RebuildReport {
  readonly projections: readonly string[];
  readonly resumed: readonly string[];
  /** Events in the rebuilt read models, whichever run read them. */
  readonly events: number;
  /** Events already in the shadow tables when this run began (an interrupted run's), 0 when it started afresh. */
  readonly resumedAt: number;
  /** Events this run read: `events - resumedAt`; with `seconds`, the speed of this run. */
  readonly eventsThisRun: number;
  readonly seconds: number;
  readonly swapped: boolean;
}

export class RebuildBusy extends Error {
  readonly code = 'PROJECTION.REBUILD_RUNNING';
  constructor(projection: string) {
    super(`a rebuild of ${projection} is already running in another process`);
  }
}

/**
 * Rebuilds read models from the whole log into shadow tables while the live ones keep serving,
 * then swaps them in atomically. Several projections rebuild in one pass over the log (each
 * event read and decrypted once). Interrupted rebuilds resume from the shadow checkpoints.
 */
export async function rebuild(options: RebuildOptions): Promise<RebuildReport> {
  const started = Date.now();
  const names = options.projections.map((p) => p.name);
  const session = new LockSession(clientConfigOf(options.pool));
  await session.connect();
  try {
    for (const name of names) if (!(await session.tryLock(lockName(name, 'shadow')))) throw new RebuildBusy(name);
    const resumed: string[] = [];
    for (const projection of options.projections) {
      if ((await prepareShadow(options.db, projection, !!options.restart)) === 'resumed') resumed.push(projection.name);
    }
    const runner = new ProjectionRunner({ db: options.db, source: options.source, projections: options.projections, target: 'shadow', batchSize: options.batchSize ?? 2000, log: options.log, faults: options.faults });
    await runner.init();
    const resumedAt = Math.min(...names.map((n) => runner.checkpoint(n)?.eventsSeen ?? 0));
    let total = (await options.source.stats()).events;
    const progress = (phase: RebuildProgress['phase']) => {
      const done = Math.min(...names.map((n) => runner.checkpoint(n)?.eventsSeen ?? total));
      options.onProgress?.({ projections: names, done, total: Math.max(total, done), resumedAt, phase });
    };
    progress('catch-up');
    let batches = 0;
    await catchUp(runner, {
      signal: options.signal,
      log: options.log,
      onBatch: () => {
        if (++batches % 50 === 0) void options.source.stats().then((s) => (total = s.events), () => undefined);
        progress('catch-up');
      },
    });
    if (options.signal?.aborted) return { projections: names, resumed, events: 0, resumedAt, eventsThisRun: 0, seconds: (Date.now() - started) / 1000, swapped: false };
    if (runner.failures.size > 0) {
      const [name, failure] = [...runner.failures][0];
      throw Object.assign(new Error(`rebuild of ${name} stopped: ${failure.detail}`), { code: failure.code });
    }
    progress('swap');
    for (const projection of options.projections) await indexShadow(options.db, projection);
    await swap(options, runner);
    progress('done');
    const events = Math.min(...names.map((n) => runner.checkpoint(n)?.eventsSeen ?? 0));
    return { projections: names, resumed, events, resumedAt, eventsThisRun: events - resumedAt, seconds: (Date.now() - started) / 1000, swapped: true };
  } finally {
    await session.close();
  }
}

/**
 * One transaction: lock the live checkpoints (the live runner waits), drain the last events into
 * the shadow tables, check the shadow is not behind the live model, take every table it moves at
 * once (backing off rather than deadlocking with readers: lockForSwap), move them, notify.
 */
const SWAP_ATTEMPTS = 5;

async function swap(options: RebuildOptions, runner: ProjectionRunner): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await options.db.transaction().execute(async (trx) => {
        await sql`select set_config('lock_timeout', ${SWAP_LOCK_TIMEOUT}, true)`.execute(trx);
        const names = options.projections.map((p) => p.name).sort();
        const live = new Map<string, { generation: number; position: { commit: bigint; prepare: bigint } }>();
        for (const name of names) {
          const version = options.projections.find((p) => p.name === name)!.version;
          await CheckpointStore.ensure(trx, name, 'live', version);
          const row = (await CheckpointStore.lock(trx, name, 'live'))!;
          live.set(name, { generation: row.generation, position: row.position });
        }
        for (;;) {
          const result = await runner.step(trx);
          if (result.read === 0) break;
        }
        for (const projection of options.projections) {
          const shadow = runner.checkpoint(projection.name)!;
          if (comparePositions(shadow.position, live.get(projection.name)!.position) < 0) {
            throw new Error(`shadow of ${projection.name} is behind the live model; not swapping`);
          }
        }
        await lockForSwap(trx, options.projections, attempt < SWAP_ATTEMPTS ? 'yield' : 'wait');
        for (const projection of options.projections) await swapIn(trx, projection, live.get(projection.name)!.generation);
        await sql`select pg_notify(${READ_MODELS_CHANNEL}, ${JSON.stringify({ p: names, r: 1, s: 1 })})`.execute(trx);
      });
      return;
    } catch (error) {
      if (!isTransient(error) || attempt >= SWAP_ATTEMPTS) throw error;
      options.log?.warn({ attempt }, 'swap could not take its locks; retrying');
      await sleep(500 * attempt);
      // The runner's in-memory checkpoints moved inside the rolled-back transaction: reload them.
      await runner.init();
    }
  }
}
