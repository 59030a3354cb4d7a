import { type Kysely, sql } from 'kysely';
import { comparePositions, type Position, positionToString } from '@ortholedger/event-store';
import type { ReadModelDatabase } from '../schema/read-model.db';
import { schemaOf, SHADOW_SCHEMA, type Target } from '../schema/tables';
import { type MemberPlan, planMember, type StopAt } from './batch-plan';
import { BatchReader } from './batch-reader';
import { type Checkpoint, CheckpointStore, samePosition } from './checkpoint-store';
import { erasedAmong, sweepErasuresMany } from './erasure-sweep';
import type { EventSource } from './event-source';
import { PoisonEvent, type Projection } from './projection';
import { describeError, isTransient } from './transient';

/** Channel the runners NOTIFY on at commit: search indexes and waiting readers listen. */
export const READ_MODELS_CHANNEL = 'ortholedger_read_models';

export interface RunnerLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface RunnerOptions {
  /** Kysely over the app pool (live) or the owner pool (shadow rebuilds). */
  readonly db: Kysely<ReadModelDatabase>;
  readonly source: EventSource;
  readonly projections: readonly Projection[];
  readonly target: Target;
  readonly batchSize?: number;
  readonly log?: RunnerLog;
  /** Test hook: runs inside each batch transaction just before commit (throw to simulate a crash). */
  readonly faults?: { inTransaction?(batch: number): void | Promise<void> };
}

export interface StepResult {
  readonly read: number;
  readonly applied: number;
  readonly caughtUp: boolean;
}

interface Member {
  readonly projection: Projection;
  checkpoint: Checkpoint;
}

/** A projection this runner stopped: it advances no more, but erasures still reach its tables. */
interface Stopped {
  readonly projection: Projection;
  /** The checkpoint's generation when it stopped: a swap (a rebuild) bumps it. */
  readonly generation: number;
}

/** Refused: the live checkpoint was built by a newer release of the projection than this process runs. */
export class NewerProjectionVersion extends Error {
  readonly code = 'PROJECTION.VERSION_NEWER';
  constructor(projection: string, stored: number, running: number) {
    super(`${projection} was built by version ${stored}; this process runs version ${running} and leaves it to the newer release`);
    this.name = 'NewerProjectionVersion';
  }
}

class Fenced extends Error {
  constructor(readonly projection: string) {
    super(`checkpoint of ${projection} moved under this runner`);
  }
}

class MemberFailed extends Error {
  constructor(readonly projection: string, readonly error: unknown) {
    super(`projector ${projection} failed`);
  }
}

/**
 * Delivered at commit to search indexes and waiting readers: the projections that changed and the
 * patients erased from them (too many to list: `r`, reload).
 */
async function notifyCommit(trx: Kysely<ReadModelDatabase>, projections: readonly string[], erased: ReadonlySet<string>): Promise<void> {
  const ids = [...erased];
  const payload = JSON.stringify({ p: projections, ...(ids.length <= 100 ? { e: ids } : { r: 1 }) });
  await sql`select pg_notify(${READ_MODELS_CHANNEL}, ${payload})`.execute(trx);
}

const silent: RunnerLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Catch-up projection runner for a group of projections over one read of `$all`: events are read
 * and decrypted once per batch, each projection applies the part after its own checkpoint, and
 * every projection's writes and its checkpoint commit in one transaction (exactly-once effects).
 * The checkpoint row is locked and compared first (fencing), so a runner that lost its lock or
 * raced a swap cannot apply anything twice. A poison event stops that projection only.
 */
export class ProjectionRunner {
  readonly failures = new Map<string, { code: string; detail: string }>();
  /** Committed batches, and batches refused because another runner or a swap moved a checkpoint first. */
  readonly counters = { committed: 0, fenced: 0 };
  private readonly members = new Map<string, Member>();
  private readonly stopped = new Map<string, Stopped>();
  /** Stops not yet recorded on their checkpoint (the statement failed): tried again on every step and sweep. */
  private readonly unrecorded = new Map<string, { code: string; detail: string; generation?: number }>();
  /** Refused for a newer version (NewerProjectionVersion): neither advanced nor swept; the host lets go of their locks. */
  readonly refused = new Set<string>();
  private readonly batchSize: number;
  private readonly log: RunnerLog;
  private readonly reader: BatchReader;
  private batches = 0;

  constructor(private readonly options: RunnerOptions) {
    this.batchSize = options.batchSize ?? 500;
    this.log = options.log ?? silent;
    this.reader = new BatchReader(options.source, this.batchSize);
  }

  get target(): Target {
    return this.options.target;
  }

  /** Projections this runner still advances (not failed, not dropped). */
  get active(): string[] {
    return [...this.members.keys()];
  }

  checkpoint(projection: string): Checkpoint | undefined {
    return this.members.get(projection)?.checkpoint;
  }

  async init(): Promise<void> {
    for (const projection of this.options.projections) {
      const checkpoint = await CheckpointStore.ensure(this.options.db, projection.name, this.options.target, projection.version);
      this.members.set(projection.name, { projection, checkpoint });
      this.refuseNewer(projection.name);
    }
  }

  /** Stops advancing a projection (its lock was lost); its checkpoint stays where it committed. */
  drop(projection: string): void {
    this.members.delete(projection);
    this.stopped.delete(projection);
    this.refused.delete(projection);
  }

  /**
   * Projections this runner stopped whose live checkpoint has been replaced since, by a rebuild's
   * swap (a new generation, no failure): a fresh runner should take them up again.
   */
  async rebuiltSinceStopped(): Promise<string[]> {
    if (this.stopped.size === 0) return [];
    const rows = await CheckpointStore.all(this.options.db);
    return [...this.stopped].filter(([name, { generation }]) =>
      rows.some((r) => r.projection === name && r.target === this.options.target && r.generation !== generation && r.failure === null),
    ).map(([name]) => name);
  }

  /**
   * Reads one batch after the lowest checkpoint and applies it, in its own transaction or, for
   * the final drain of a swap, inside the caller's.
   */
  async step(within?: Kysely<ReadModelDatabase>): Promise<StepResult> {
    if (this.unrecorded.size > 0 && !within) await this.recordStops();
    const members = [...this.members.values()];
    if (members.length === 0) return { read: 0, applied: 0, caughtUp: true };
    const from = members.map((m) => m.checkpoint.position).reduce((a, b) => (comparePositions(a, b) <= 0 ? a : b));
    const batch = await this.reader.next(from, members.map((m) => ({ projection: m.projection, position: m.checkpoint.position })));
    const raw = batch.raw;
    // A full batch: read and decrypt the next one while this one commits.
    if (raw.length >= this.batchSize && !within) this.reader.prefetch(raw[raw.length - 1].position, members.map((m) => m.projection));
    const stops = new Map<string, StopAt>();
    // A projector's error that names no event (its SQL or code failed on the batch): the same batch
    // again with that projection's events halved, until they apply (and commit, so it gets that far)
    // or the one event it fails on alone is found, which it then stops before.
    const limits = new Map<string, number>();
    const attempts = members.length * (Math.ceil(Math.log2(this.batchSize + 1)) + 2);
    for (let attempt = 0; attempt <= attempts; attempt++) {
      const plans = new Map(members.map((m) => [m.projection.name, planMember(batch, m.projection, m.checkpoint.position, stops.get(m.projection.name), limits.get(m.projection.name))]));
      const poisoned = [...plans.values()].find((p) => p.poison);
      if (within && poisoned) throw poisoned.poison; // a swap never goes ahead with a stopped projection
      try {
        await this.commit(plans, within);
      } catch (error) {
        // The caller's transaction is aborted now; it decides what next, on the cause (a deadlock in a
        // projector is a deadlock to the swap too, and worth another attempt), not on our wrapper.
        // Only a transient cause is unwrapped: any other error's message could quote a value, and goes out as our wrapper.
        if (within) throw error instanceof MemberFailed && isTransient(error.error) ? error.error : error;
        if (error instanceof Fenced) {
          this.counters.fenced++;
          await this.reload(error.projection);
          return { read: raw.length, applied: 0, caughtUp: false };
        }
        if (error instanceof MemberFailed && !isTransient(error.error)) {
          // Redo the batch: that projection stops before the event (or tries fewer), the others go on.
          if (error.error instanceof PoisonEvent) {
            stops.set(error.projection, { position: error.error.position, error: error.error });
            continue;
          }
          const tried = plans.get(error.projection)!.events;
          if (tried.length > 1) {
            limits.set(error.projection, Math.floor(tried.length / 2));
            this.log.warn({ projection: error.projection, events: tried.length, ...describeError(error.error) }, 'projector failed on a batch; trying its first half to find the event');
          } else {
            stops.set(error.projection, { position: tried[0].position, error: error.error as Error });
          }
          continue;
        }
        throw error instanceof MemberFailed ? error.error : error;
      }
      let applied = 0;
      for (const [name, plan] of plans) {
        applied += plan.events.length;
        if (plan.poison) await this.fail(name, plan);
      }
      // A projection that applied only part of the batch (narrowing) has more to do at once.
      return { read: raw.length, applied, caughtUp: raw.length < this.batchSize && limits.size === 0 };
    }
    throw new Error('projection batch could not be applied');
  }

  /** Erasures only (no new events): called when idle and on erasure notifications, for stopped projections and idle shadows too. */
  async sweep(): Promise<void> {
    await this.recordStops();
    if (this.members.size > 0) await this.commit(new Map([...this.members.keys()].map((name) => [name, { events: [], advanceTo: undefined, seen: 0, lastEventAt: null }])));
    await this.sweepStopped();
    if (this.options.target === 'live') await this.sweepShadows();
  }

  /**
   * A rebuild's shadow tables hold patients' rows too, and one that was interrupted (kept to resume)
   * or stopped may never run again: its own batches sweep erasures only while it runs. So the live
   * runner sweeps every shadow of its projections built by this release's version of the projector
   * (one of another version is that release's, as is a projection refused for a newer version), each in its own transaction with the shadow checkpoint row locked first, as a
   * rebuild's batch locks it (a running rebuild waits for the sweep, or the sweep for its batch).
   */
  private async sweepShadows(): Promise<void> {
    const projections = this.options.projections.filter((p) => !this.refused.has(p.name));
    if (projections.length === 0) return;
    const shadows = await sql<{ projection: string; version: number }>`
      select projection, version from read_models.projection_checkpoints where target = 'shadow' and projection = any(${projections.map((p) => p.name)}::text[])`.execute(this.options.db);
    for (const { projection: name, version } of shadows.rows) {
      // A shadow another release is building (a rolling upgrade) may have other tables: left to its rebuild.
      const projection = projections.find((p) => p.name === name && p.version === version);
      if (!projection) continue;
      try {
        const erased = await this.options.db.transaction().execute(async (trx) => {
          if (!(await CheckpointStore.lockMany(trx, [name], 'shadow')).has(name)) return 0; // swapped in meanwhile
          const tables = await sql<{ ok: boolean }>`
            select bool_and(to_regclass(${SHADOW_SCHEMA} || '.' || t) is not null) as ok from unnest(${projection.tables}::text[]) as t`.execute(trx);
          if (!tables.rows[0]?.ok) return 0;
          const subjects = await sweepErasuresMany(trx, [projection], 'shadow', { db: trx.withSchema(SHADOW_SCHEMA), schema: SHADOW_SCHEMA });
          return subjects.size;
        });
        if (erased > 0) this.log.info({ projection: name, erased }, 'erasures applied to the shadow tables of an unfinished rebuild');
      } catch (error) {
        this.log.error({ alert: 'erasure_sweep_failed', projection: name, target: 'shadow', ...describeError(error) }, 'erasures could not be applied to a shadow; retrying on the next sweep');
        if (isTransient(error)) throw error;
      }
    }
  }

  /**
   * Deleting an erased patient's rows does not depend on how far a projection got, so a stopped
   * projection is swept too: each in its own transaction (one that cannot be swept, say its table
   * is damaged, holds up neither the running projections nor the other stopped ones; it is logged
   * and tried again on the next sweep), its checkpoint row locked first as a swap locks it, so its
   * tables are not moved meanwhile. A projection refused for a newer version is never swept here:
   * its tables are the newer release's.
   */
  private async sweepStopped(): Promise<void> {
    const { target } = this.options;
    for (const [name, { projection }] of this.stopped) {
      try {
        const erased = await this.options.db.transaction().execute(async (trx) => {
          await CheckpointStore.lockMany(trx, [name], target);
          const subjects = await sweepErasuresMany(trx, [projection], target, { db: trx.withSchema(schemaOf(target)), schema: schemaOf(target) });
          if (target === 'live' && subjects.size > 0) await notifyCommit(trx, [], subjects);
          return subjects.size;
        });
        if (erased > 0) this.log.info({ projection: name, erased }, 'erasures applied to a stopped projection');
      } catch (error) {
        this.log.error({ alert: 'erasure_sweep_failed', projection: name, target, ...describeError(error) }, 'erasures could not be applied to a stopped projection; retrying on the next sweep');
        if (isTransient(error)) throw error;
      }
    }
  }

  private async commit(plans: Map<string, MemberPlan>, within?: Kysely<ReadModelDatabase>): Promise<void> {
    const { target } = this.options;
    const notice = { projections: [] as string[], erased: new Set<string>() };
    const body = async (trx: Kysely<ReadModelDatabase>) => {
      const ctx = { db: trx.withSchema(schemaOf(target)), schema: schemaOf(target) };
      // Every checkpoint row first, in name order (as a swap locks them), before any table is written:
      // no deadlock with a swap, and a runner that lost its lock or raced a swap stops here.
      const names = [...plans.keys()].sort();
      const locked = await CheckpointStore.lockMany(trx, names, target);
      for (const name of names) {
        const member = this.members.get(name)!;
        const row = locked.get(name);
        if (!row || row.generation !== member.checkpoint.generation || !samePosition(row.position, member.checkpoint.position)) throw new Fenced(name);
      }
      // Projectors write different tables, so they run side by side on the one transaction: the
      // connection still runs one statement at a time, but one projector's CPU work overlaps another's SQL.
      const touched = new Map<string, Set<string>>();
      const applying = names.filter((name) => plans.get(name)!.events.length > 0);
      const results = await Promise.allSettled(
        applying.map(async (name) => {
          const changes = { subjects: new Set<string>() };
          await this.members.get(name)!.projection.apply(plans.get(name)!.events, ctx, changes);
          touched.set(name, changes.subjects);
        }),
      );
      const failed = results.map((r, i) => ({ r, name: applying[i] })).filter(({ r }) => r.status === 'rejected');
      if (failed.length > 0) {
        // The cause, not the "transaction is aborted" its statement left the others with.
        const cause = failed.find(({ r }) => (r as PromiseRejectedResult).reason?.code !== '25P02') ?? failed[0];
        throw new MemberFailed(cause.name, (cause.r as PromiseRejectedResult).reason);
      }
      notice.projections.push(...applying);
      // Keys may still have been cached when an erased subject's events were decrypted: remove those rows again.
      const erased = new Set(await erasedAmong(trx, new Set([...touched.values()].flatMap((s) => [...s]))));
      for (const [name, subjects] of touched) {
        const again = [...subjects].filter((s) => erased.has(s));
        if (again.length > 0) await this.members.get(name)!.projection.eraseSubjects(again, ctx);
      }
      for (const subject of await sweepErasuresMany(trx, names.map((n) => this.members.get(n)!.projection), target, ctx)) notice.erased.add(subject);
      const moves = names.flatMap((name) => {
        const plan = plans.get(name)!;
        return plan.advanceTo ? [{ projection: name, position: plan.advanceTo, seen: plan.seen, lastEventAt: plan.lastEventAt }] : [];
      });
      await CheckpointStore.advanceMany(trx, target, moves);
      if (target === 'live' && (notice.projections.length > 0 || notice.erased.size > 0)) await notifyCommit(trx, notice.projections, notice.erased);
      await this.options.faults?.inTransaction?.(++this.batches);
    };
    if (within) await body(within);
    else await this.options.db.transaction().execute(body);
    this.counters.committed++;
    for (const [name, plan] of plans) {
      const member = this.members.get(name)!;
      if (plan.advanceTo) {
        member.checkpoint = {
          ...member.checkpoint,
          position: plan.advanceTo,
          eventsSeen: member.checkpoint.eventsSeen + plan.seen,
          lastEventAt: plan.lastEventAt ?? member.checkpoint.lastEventAt,
          failure: null,
        };
      }
    }
  }

  private async reload(name: string): Promise<void> {
    const member = this.members.get(name);
    const fresh = await CheckpointStore.get(this.options.db, name, this.options.target);
    if (member && fresh) member.checkpoint = fresh;
    this.refuseNewer(name);
  }

  /**
   * A rolling upgrade: a newer release rebuilt the projection (a higher version on its checkpoint)
   * while this process still holds the lock. Its older code would apply events the new version
   * reads differently (or not at all) and advance the checkpoint past them, so it stops instead,
   * with an alert, and leaves the projection to the newer release.
   */
  private refuseNewer(name: string): void {
    const member = this.members.get(name);
    if (!member || member.checkpoint.version <= member.projection.version) return;
    const { code, detail } = describeError(new NewerProjectionVersion(name, member.checkpoint.version, member.projection.version));
    this.members.delete(name);
    this.refused.add(name);
    this.failures.set(name, { code, detail });
    // Not recorded on the checkpoint: the row is the newer release's, whose runner takes over once this process lets go.
    this.log.error(
      { alert: 'projection_stopped', projection: name, target: this.options.target, code },
      'a newer release has rebuilt this projection; this process stops advancing it and leaves it to that release',
    );
  }

  private async fail(name: string, plan: MemberPlan): Promise<void> {
    const { code, detail } = describeError(plan.poison);
    const poison = plan.poison instanceof PoisonEvent ? plan.poison : undefined;
    const member = this.members.get(name);
    this.members.delete(name);
    if (member) this.stopped.set(name, { projection: member.projection, generation: member.checkpoint.generation });
    this.failures.set(name, { code, detail });
    this.log.error(
      {
        alert: 'projection_stopped',
        projection: name,
        target: this.options.target,
        code,
        // All three from one event: the poison event itself, else the event the projection stopped
        // before (for an error that names no event, the one event the projector failed on alone).
        streamId: (poison ?? plan.stoppedBefore)?.streamId,
        revision: (poison ?? plan.stoppedBefore)?.revision?.toString(),
        position: poison ? positionToString(poison.position) : plan.stoppedBefore ? positionToString(plan.stoppedBefore.position) : undefined,
      },
      'projection stopped at an event it cannot apply; fix the cause, then restart or rebuild it',
    );
    this.unrecorded.set(name, { code, detail, generation: member?.checkpoint.generation });
    await this.recordStops();
  }

  /**
   * Records stops on their checkpoints, where every process reads them (lists answer 503 while a
   * model they scope by is stopped; readiness and `projections status` show it). A statement that
   * fails leaves the stop to the next step or sweep rather than unrecorded for good. Only on the
   * checkpoint generation that failed: a swap committed meanwhile has a new, healthy one.
   */
  private async recordStops(): Promise<void> {
    for (const [name, { code, detail, generation }] of this.unrecorded) {
      try {
        await CheckpointStore.fail(this.options.db, name, this.options.target, code, detail, generation);
        this.unrecorded.delete(name);
      } catch (error) {
        this.log.warn({ projection: name, ...describeError(error) }, 'could not record the stop on the checkpoint yet; retrying');
        return;
      }
    }
  }
}
