import { type DynamicModule, Global, Inject, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { type EventStore, EventStoreDbEventStore, PostgresEventStore } from '@ortholedger/event-store';
import type { KeyProvider } from '@ortholedger/crypto';
import type { Runtime } from './runtime/runtime';
import { APP_CONFIG, DATABASE_POOLS, EVENT_STORE, KEY_PROVIDER, RAW_EVENT_STORE } from './tokens';
import { createAppKeyProvider, createEncryptedEventStore, type EncryptedEventStoreWiring } from './event-store/encrypted-event-store.factory';
import { ReadinessRegistry } from './health/readiness.registry';

export const LOGGER = Symbol('LOGGER');
export const RUNTIME = Symbol('RUNTIME');
const ENCRYPTION = Symbol('ENCRYPTION');

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
export class PlatformModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(RAW_EVENT_STORE) private readonly store: EventStore,
    @Inject(ENCRYPTION) private readonly encryption: EncryptedEventStoreWiring,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  static forRoot(runtime: Runtime, logger: Logger): DynamicModule {
    return {
      module: PlatformModule,
      providers: [
        { provide: RUNTIME, useValue: runtime },
        { provide: APP_CONFIG, useValue: runtime.config },
        { provide: DATABASE_POOLS, useValue: runtime.pools },
        { provide: LOGGER, useValue: logger },
        { provide: RAW_EVENT_STORE, useFactory: () => createRawEventStore(runtime) },
        { provide: KEY_PROVIDER, useFactory: () => createAppKeyProvider(runtime) },
        {
          provide: ENCRYPTION,
          inject: [RAW_EVENT_STORE, KEY_PROVIDER],
          useFactory: (raw: EventStore, provider: KeyProvider) => createEncryptedEventStore(runtime, raw, provider, logger),
        },
        { provide: EVENT_STORE, inject: [ENCRYPTION], useFactory: (wiring: EncryptedEventStoreWiring) => wiring.store },
        ReadinessRegistry,
      ],
      exports: [RUNTIME, APP_CONFIG, DATABASE_POOLS, LOGGER, RAW_EVENT_STORE, KEY_PROVIDER, EVENT_STORE, ReadinessRegistry],
    };
  }

  async onModuleInit(): Promise<void> {
    // Until the listener listens (it keeps trying), an erasure by another process takes effect here only at the cache TTL.
    await this.encryption.erasures.start().catch((error: Error) =>
      this.logger.warn({ err: { type: error.name } }, 'erasure listener not listening yet; retrying (cached keys expire by TTL meanwhile)'),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.encryption.erasures.close();
    this.encryption.keys.close();
    await this.store.close();
  }
}
