import { Controller, Get, Inject, type OnModuleInit } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import type { DatabasePools } from '../database/database';
import { assertTransactionClockAhead } from '@ortholedger/event-store';
import { pendingMigrations } from '../database/migrations';
import { DATABASE_POOLS } from '../tokens';
import { readinessReason, ReadinessRegistry } from './readiness.registry';

@Controller('health')
export class HealthController implements OnModuleInit {
  /** The current round of readiness checks (see outcomes()). */
  private round?: { startedAt: number; outcomes: Promise<Map<string, Outcome>> };

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    private readonly registry: ReadinessRegistry,
    @Inject(DATABASE_POOLS) private readonly pools: DatabasePools,
  ) {}

  onModuleInit(): void {
    this.registry.add({
      name: 'database',
      check: async () => {
        const started = process.hrtime.bigint();
        await this.pools.app.query('select 1');
        return { latencyMs: Number(process.hrtime.bigint() - started) / 1e6 };
      },
    });
    this.registry.add({
      name: 'migrations',
      check: async () => {
        // As the app role: a serving process may hold no other login (assertServingConfig).
        const pending = await pendingMigrations(this.pools.app);
        if (pending.length > 0) throw new Error(`${pending.length} migrations pending`);
        return { pending: 0 };
      },
    });
    // A database switched under the running process (a logical replica promoted) fails here, not only at start-up.
    this.registry.add({
      name: 'eventLogClock',
      check: async () => {
        await assertTransactionClockAhead(this.pools.app);
        return { ahead: true };
      },
    });
  }

  /** Liveness: the process answers. */
  @Get()
  live() {
    return { status: 'ok' };
  }

  /** Readiness: database reachable, migrations applied, and whatever other modules registered. */
  @Get('ready')
  @HealthCheck()
  ready() {
    const outcomes = this.outcomes();
    return this.health.check(
      this.registry.all().map((c) => async () => {
        const session = this.indicator.check(c.name);
        const outcome = (await outcomes).get(c.name);
        return outcome?.up ? session.up(outcome.details) : session.down({ message: outcome?.message ?? 'failed' });
      }),
    );
  }

  /**
   * One round of checks serves every readiness call of its second: the route needs no login, so a
   * flood of calls must not become a flood of database queries (at most one round per second,
   * whatever the callers do; a call during a round waits for that round).
   */
  private outcomes(): Promise<Map<string, Outcome>> {
    const now = Date.now();
    if (!this.round || now - this.round.startedAt >= READINESS_ROUND_MS) {
      const checks = this.registry.all();
      const outcomes = Promise.all(
        checks.map(async (c): Promise<[string, Outcome]> => {
          try {
            return [c.name, { up: true, details: await withTimeout(c.check(), 2000) }];
          } catch (error) {
            return [c.name, { up: false, message: readinessReason(error) }];
          }
        }),
      ).then((entries) => new Map(entries));
      this.round = { startedAt: now, outcomes };
    }
    return this.round.outcomes;
  }
}

const READINESS_ROUND_MS = 1000;

type Outcome = { up: true; details: Record<string, unknown> } | { up: false; message: string };

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error('timed out')), ms))),
  ]);
}
