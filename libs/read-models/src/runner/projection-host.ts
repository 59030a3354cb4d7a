import type { Kysely } from 'kysely';
import type pg from 'pg';
import { ERASURES_CHANNEL } from '@ortholedger/crypto';
import { clientConfigOf, EVENTS_CHANNEL } from '@ortholedger/event-store';
import type { ReadModelDatabase } from '../schema/read-model.db';
import type { EventSource } from './event-source';
import { LockSession, lockName } from './lock-session';
import type { Projection } from './projection';
import { ProjectionRunner, type RunnerLog } from './projection-runner';
import { runLive } from './run-loops';
import { describeError, sleep } from './transient';

export interface ProjectionHostOptions {
  /** The app pool: Kysely writes go through it; the lock session connects with its settings. */
  readonly pool: pg.Pool;
  readonly db: Kysely<ReadModelDatabase>;
  readonly source: EventSource;
  readonly projections: readonly Projection[];
  readonly log?: RunnerLog;
  /** Backstop when no NOTIFY arrives (EventStoreDB, lost wake-ups). */
  readonly pollIntervalMs?: number;
  /** How often a standby host retries the locks it does not hold. */
  readonly lockRetryMs?: number;
  readonly batchSize?: number;
  /**
   * How often erasures are swept without a notification (default 60 s): a sweep that failed for
   * one stopped projection or shadow (logged, not thrown) is tried again then, as is a notification lost.
   */
  readonly sweepEveryMs?: number;
}

/**
 * Keeps the live read models current in this process: for every projection whose advisory lock it
 * wins (one active runner per projection across all processes), it runs the live loop; the others
 * are retried periodically so a standby takes over when the leader's connection goes away.
 */
export class ProjectionHost {
  private readonly session: LockSession;
  private readonly controller = new AbortController();
  private runner?: ProjectionRunner;
  private loop?: Promise<void>;
  private wakeup?: () => void;
  private sweepRequested = true;
  private lastSweep = 0;
  private sessionLost = false;
  private slice?: AbortController;
  /** Projections a newer release has rebuilt: this process let go of their locks and does not compete for them again. */
  private readonly leftToNewer = new Set<string>();

  constructor(private readonly options: ProjectionHostOptions) {
    const config = clientConfigOf(options.pool);
    this.session = new LockSession(config, {
      onNotification: (channel) => {
        if (channel === ERASURES_CHANNEL) this.sweepRequested = true;
        this.wakeup?.();
      },
      onLost: () => {
        // Our locks are gone: stop advancing at once; supervise() reconnects and competes again.
        this.sessionLost = true;
        this.slice?.abort();
      },
    });
  }

  /** Projections this process currently advances, and those stopped by a poison event. */
  status(): { leading: string[]; failed: Record<string, { code: string; detail: string }> } {
    return { leading: this.runner?.active ?? [], failed: Object.fromEntries(this.runner?.failures ?? []) };
  }

  start(): void {
    this.loop ??= this.supervise();
  }

  async stop(): Promise<void> {
    this.controller.abort();
    this.wakeup?.();
    await this.loop;
    await this.session.close();
  }

  private async supervise(): Promise<void> {
    const { signal } = this.controller;
    const log = this.options.log;
    while (!signal.aborted) {
      try {
        // A session that no longer answers has lost its locks as far as anyone else can tell: onLost fires and we reconnect.
        if (this.session.connected) await this.session.ping();
        if (!this.session.connected) {
          this.runner = undefined;
          this.sessionLost = false;
          await this.session.connect([EVENTS_CHANNEL, ERASURES_CHANNEL]);
          this.sweepRequested = true;
        }
        // Refused for a newer version: let go of the lock at once, so the newer release's processes can lead it.
        for (const name of this.runner?.refused ?? []) {
          if (this.leftToNewer.has(name)) continue;
          this.leftToNewer.add(name);
          await this.session.unlock(lockName(name, 'live'));
        }
        const held: Projection[] = [];
        for (const p of this.options.projections) {
          if (!this.leftToNewer.has(p.name) && (await this.session.tryLock(lockName(p.name, 'live')))) held.push(p);
        }
        // A new runner when the locks held changed, or when a rebuild swapped in a projection this one had stopped.
        const resumable = (await this.runner?.rebuiltSinceStopped()) ?? [];
        if (resumable.length > 0) log?.info({ projections: resumable }, 'stopped projection rebuilt; resuming it');
        const kept = (this.runner?.active.length ?? 0) + [...(this.runner?.failures.keys() ?? [])].filter((name) => !this.leftToNewer.has(name)).length;
        if (resumable.length > 0 || held.length !== kept) {
          this.runner = new ProjectionRunner({ db: this.options.db, source: this.options.source, projections: held, target: 'live', batchSize: this.options.batchSize, log });
          await this.runner.init();
          if (held.length > 0) log?.info({ projections: held.map((p) => p.name) }, 'projection runner leading');
        }
        await this.runFor(this.options.lockRetryMs ?? 2000);
      } catch (error) {
        log?.warn({ code: (error as { code?: string }).code ?? (error as Error).name }, 'projection host retrying');
        await sleep(1000, signal);
      }
    }
  }

  /** Runs the live loop for a while, then returns so unheld locks are retried. */
  private async runFor(ms: number): Promise<void> {
    const slice = new AbortController();
    this.slice = slice;
    const stop = () => slice.abort();
    const timer = setTimeout(stop, ms);
    this.controller.signal.addEventListener('abort', stop, { once: true });
    try {
      if (!this.runner) return await sleep(ms, slice.signal);
      if (this.runner.active.length === 0) return await this.sweepOnly(this.runner, slice.signal);
      await runLive(this.runner, {
        signal: slice.signal,
        log: this.options.log,
        takeSweepRequest: () => this.takeSweepRequest(),
        sweepFailed: () => (this.sweepRequested = true),
        wake: () => this.wait(slice.signal),
      });
    } finally {
      clearTimeout(timer);
      this.controller.signal.removeEventListener('abort', stop);
      if (this.sessionLost) this.runner = undefined;
    }
  }

  /**
   * Every projection held here has stopped: nothing advances, but erasures must still reach their
   * tables (an erased patient's rows go whatever the checkpoint), so sweep on each notification.
   */
  private async sweepOnly(runner: ProjectionRunner, signal: AbortSignal): Promise<void> {
    let backoff = 500;
    while (!signal.aborted) {
      if (this.takeSweepRequest()) {
        try {
          await runner.sweep();
          backoff = 500;
        } catch (error) {
          // Transient (the database went away): try again after a growing pause. Anything else was logged per projection.
          this.sweepRequested = true;
          this.options.log?.warn({ ...describeError(error) }, 'erasure sweep of stopped projections failed; retrying');
          await sleep(backoff, signal);
          backoff = Math.min(backoff * 2, 10_000);
        }
      }
      await this.wait(signal);
    }
  }

  /** A requested sweep (an erasure notification, a reconnect, a failed sweep), or the periodic one. */
  private takeSweepRequest(): boolean {
    const wanted = this.sweepRequested || Date.now() - this.lastSweep >= (this.options.sweepEveryMs ?? 60_000);
    this.sweepRequested = false;
    if (wanted) this.lastSweep = Date.now();
    return wanted;
  }

  private wait(signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, this.options.pollIntervalMs ?? 500);
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      this.wakeup = done;
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
