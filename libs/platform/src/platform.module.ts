import { type DynamicModule, Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { type EventStore, EventStoreDbEventStore, PostgresEventStore } from '@ortholedger/event-store';
import type { Runtime } from './runtime/runtime';
import { APP_CONFIG, DATABASE_POOLS, RAW_EVENT_STORE } from './tokens';
import { ReadinessRegistry } from './health/readiness.registry';

export const LOGGER = Symbol('LOGGER');
export const RUNTIME = Symbol('RUNTIME');

/** The adapter is chosen by configuration (EVENT_STORE); both pass the same contract suite. */
export function createRawEventStore(runtime: Runtime): EventStore {
  if (runtime.config.eventStore === 'eventstoredb') {
    return new EventStoreDbEventStore({
      connectionString: runtime.config.eventStoreConnectionString,
      maxEventBytes: runtime.config.maxEventBytes,
    });
  }
  return new PostgresEventStore({ pool: runtime.pools.app, maxEventBytes: runtime.config.maxEventBytes });
}

/** Binds the runtime (config, pools, event store adapter, logger) into Nest DI for one app. */
@Global()
@Module({})
export class PlatformModule implements OnApplicationShutdown {
  constructor(@Inject(RAW_EVENT_STORE) private readonly store: EventStore) {}

  static forRoot(runtime: Runtime, logger: Logger): DynamicModule {
    return {
      module: PlatformModule,
      providers: [
        { provide: RUNTIME, useValue: runtime },
        { provide: APP_CONFIG, useValue: runtime.config },
        { provide: DATABASE_POOLS, useValue: runtime.pools },
        { provide: LOGGER, useValue: logger },
        { provide: RAW_EVENT_STORE, useFactory: () => createRawEventStore(runtime) },
        ReadinessRegistry,
      ],
      exports: [RUNTIME, APP_CONFIG, DATABASE_POOLS, LOGGER, RAW_EVENT_STORE, ReadinessRegistry],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
