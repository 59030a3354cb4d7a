import type { Logger } from 'pino';
import {
  createKeyProvider,
  DataKeys,
  DekCache,
  EncryptedEventStore,
  ErasureListener,
  type KeyProvider,
  KeyStore,
} from '@ortholedger/crypto';
import type { EventStore } from '@ortholedger/event-store';
import type { Runtime } from '../runtime/runtime';

export interface EncryptedEventStoreWiring {
  readonly store: EncryptedEventStore;
  readonly keys: DataKeys;
  /** Drops keys of subjects erased by other processes at once (otherwise they live until the cache TTL). */
  readonly erasures: ErasureListener;
}

export function createAppKeyProvider(runtime: Runtime): KeyProvider {
  return createKeyProvider(runtime.config);
}

/**
 * The store application code uses: every patient and case event is sealed with its stream's DEK
 * (wrapped by the configured provider), and tampering is logged by stream and revision only.
 */
export function createEncryptedEventStore(runtime: Runtime, raw: EventStore, provider: KeyProvider, logger: Logger): EncryptedEventStoreWiring {
  const keys = new DataKeys({ store: new KeyStore(runtime.pools.app), provider, cache: new DekCache() });
  const store = new EncryptedEventStore({
    inner: raw,
    keys,
    maxEventBytes: runtime.config.maxEventBytes,
    onTamper: (error) => logger.error({ code: error.code, location: error.location }, 'tamper detected in the event store'),
  });
  const erasures = new ErasureListener(runtime.pools.app, keys, (error) =>
    logger.warn({ err: { type: error.name } }, 'erasure listener connection lost; retrying'),
  );
  return { store, keys, erasures };
}
