import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { type EventStore, type EventToAppend, PostgresEventStore, type RecordedEvent } from '@ortholedger/event-store';
import type { TestDatabase } from '../../../../test/support/test-database';
import { LocalKeyProvider } from '../key-providers/local-key-provider';
import type { KeyProvider } from '../key-providers/key-provider.port';
import { DataKeys } from '../keyvault/data-keys';
import { DekCache } from '../keyvault/dek-cache';
import { KeyStore } from '../keyvault/key-store';
import { KeyVault } from '../keyvault/key-vault';
import { EncryptedEventStore } from '../event-encryption/encrypted-event-store';

export interface CryptoFixture {
  keyringFile: string;
  provider: KeyProvider;
  keys: DataKeys;
  inner: PostgresEventStore;
  store: EncryptedEventStore;
  /** Owner-pool services (re-wrap, erasure) sharing the store's DataKeys. */
  vault: KeyVault;
  close(): Promise<void>;
}

export function tempKeyringFile(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ol-keys-')), 'keys', 'master.json');
}

/** EncryptedEventStore over PostgresEventStore on the app pool, local keys in a temp keyring. */
export function cryptoFixture(
  db: TestDatabase,
  options: { provider?: KeyProvider; maxEncryptionsPerKey?: number; leaseSize?: number; maxEventBytes?: number; cache?: DekCache } = {},
): CryptoFixture {
  const keyringFile = tempKeyringFile();
  const provider = options.provider ?? new LocalKeyProvider({ file: keyringFile });
  const keys = new DataKeys({
    store: new KeyStore(db.pools.app),
    provider,
    cache: options.cache,
    maxEncryptionsPerKey: options.maxEncryptionsPerKey,
    leaseSize: options.leaseSize,
  });
  const inner = new PostgresEventStore({ pool: db.pools.app, maxEventBytes: options.maxEventBytes, pollIntervalMs: 100 });
  const store = new EncryptedEventStore({ inner, keys, maxEventBytes: options.maxEventBytes });
  const vault = new KeyVault({ pool: db.pools.owner, provider, dataKeys: keys });
  return {
    keyringFile,
    provider,
    keys,
    inner,
    store,
    vault,
    async close() {
      await store.close();
      keys.close();
      fs.rmSync(path.dirname(path.dirname(keyringFile)), { recursive: true, force: true });
    },
  };
}

/** A JSON event for a subject's stream; metadata carries the subject id and nothing sensitive. */
export function phiEvent(subjectId: string | null, body: unknown, type = 'PatientRegistered', extra: Record<string, unknown> = {}): EventToAppend {
  return {
    eventId: randomUUID(),
    type,
    data: Buffer.from(JSON.stringify(body)),
    metadata: { ...(subjectId ? { subjectId } : {}), actorId: randomUUID(), correlationId: randomUUID(), ...extra },
    contentType: 'application/json',
  };
}

export const decodeJson = (data: Uint8Array): unknown => JSON.parse(Buffer.from(data).toString('utf8'));

/**
 * `$all` shows only transactions older than every running one, cluster-wide; suites running in
 * parallel on one server (migrations, CREATE DATABASE) can hold that horizon back for a moment.
 */
export async function readAllSettled(store: EventStore, expected: number, timeoutMs = 15_000): Promise<RecordedEvent[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const all = await store.readAll({ maxCount: 100_000 });
    if (all.length >= expected || Date.now() > deadline) return all;
    await new Promise((r) => setTimeout(r, 50));
  }
}
