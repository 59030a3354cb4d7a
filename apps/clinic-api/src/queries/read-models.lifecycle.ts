import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER, ReadinessRegistry } from '@ortholedger/platform';
import type { ProjectionStatus, ReadModelServices } from '@ortholedger/read-models';
import { READ_MODELS } from './read-models.tokens';

/** How long readiness reuses the projection statuses it last computed. */
export const STATUSES_REUSED_FOR_MS = 1000;

/**
 * Starts this process's projection host (it competes for each projection's lock) and loads the
 * patient search index; readiness reports projection lag and whether search is loaded. Stopped
 * in onModuleDestroy, before the platform closes the event store and key cache they use.
 */
@Injectable()
export class ReadModelsLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  private recent?: { statuses: Promise<ProjectionStatus[]>; doneAt?: number };

  constructor(
    @Inject(READ_MODELS) private readonly readModels: ReadModelServices,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly readiness: ReadinessRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.readiness.add({ name: 'projections', check: () => this.details() });
    this.readModels.host.start();
    // Small directories load before the first request; large ones keep loading while readiness says so.
    const loaded = await this.readModels.search.whenReady(5000);
    if (!loaded) this.logger.info('patient search index still loading');
  }

  async onModuleDestroy(): Promise<void> {
    await this.readModels.close();
  }

  private async details(): Promise<Record<string, unknown>> {
    const { search, host } = this.readModels;
    const statuses = await this.statuses();
    const projections = Object.fromEntries(
      statuses.map((s) => [s.projection, { state: s.state, eventsBehind: s.eventsBehind, secondsBehind: s.secondsBehind, ...(s.failure ? { failure: s.failure.code } : {}) }]),
    );
    // No patient count: readiness answers without a login, and how many patients all clinics hold is nobody's business there.
    const details = { search: { ready: search.ready, lastLoadMs: search.lastLoad?.ms }, leading: host.status().leading, projections };
    if (!search.ready) throw new Error('patient search index is loading');
    return details;
  }

  /**
   * Readiness answers anyone, without a login, as often as they ask, and the statuses cost a count
   * over the whole log (a bounded scan of `$all` on EventStoreDB): one computation at a time, shared
   * by every probe that arrives meanwhile, and reused for a second after it finished.
   */
  private statuses(): Promise<ProjectionStatus[]> {
    const recent = this.recent;
    if (recent && (recent.doneAt === undefined || Date.now() - recent.doneAt < STATUSES_REUSED_FOR_MS)) return recent.statuses;
    const next: { statuses: Promise<ProjectionStatus[]>; doneAt?: number } = { statuses: this.readModels.statuses() };
    this.recent = next;
    next.statuses.then(
      () => (next.doneAt = Date.now()),
      () => {
        if (this.recent === next) this.recent = undefined; // a failure is not reused
      },
    );
    return next.statuses;
  }
}
