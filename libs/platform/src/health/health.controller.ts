import { Controller, Get, Inject, type OnModuleInit } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import type { DatabasePools } from '../database/database';
import { assertTransactionClockAhead } from '@ortholedger/event-store';
import { pendingMigrations } from '../database/migrations';
import { DATABASE_POOLS } from '../tokens';
import { readinessReason, ReadinessRegistry } from './readiness.registry';

@Controller('health')
export class HealthController implements OnModuleInit {
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
    return this.health.check(
      this.registry.all().map((c) => async () => {
        const session = this.indicator.check(c.name);
        try {
          return session.up(await withTimeout(c.check(), 2000));
        } catch (error) {
          return session.down({ message: readinessReason(error) });
        }
      }),
    );
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error('timed out')), ms))),
  ]);
}
