import {
  type AppendResult,
  assertAppendable,
  assertExpectedRevision,
  assertStreamName,
  DEFAULT_MAX_EVENT_BYTES,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  StreamNotFound,
  type SubscribeOptions,
  WrongExpectedVersion,
} from '@ortholedger/event-store';
import { DataKeyDestroyed, DataKeyMissing, KeyRefNotTrusted, KeyUnwrapFailed, TamperDetected } from '../errors';
import type { CachedKey } from '../keyvault/dek-cache';
import type { DataKeys } from '../keyvault/data-keys';
import { OpenFailure, openEvent, parseHeader, sealEvent } from './event-ciphertext';
import { DEFAULT_SUBJECT_CATEGORIES, subjectOf } from './subject';

export interface EncryptedEventStoreOptions {
  /** Any adapter of the port: PostgreSQL or EventStoreDB. */
  inner: EventStore;
  keys: DataKeys;
  /** Limit on plaintext data + metadata, checked before any key is touched (the inner store checks the ciphertext). */
  maxEventBytes?: number;
  /** Categories whose events must name their subject (default patient, case). */
  subjectCategories?: readonly string[];
  /** Called before TamperDetected is thrown: wire it to the logger and the audit log. */
  onTamper?: (error: TamperDetected) => void;
  /** Attempts for `any`/`stream_exists` appends that lose a race to another writer. */
  maxAppendAttempts?: number;
}

interface Target {
  /** Revision the first event will get, bound into its AAD. */
  first: bigint;
  /** The exact expectation handed to the inner store, so the AAD cannot disagree with the row. */
  inner: bigint | 'no_stream';
}

/**
 * EventStore decorator: callers append and read plaintext; the inner store only ever sees
 * AES-256-GCM ciphertext (see event-ciphertext.ts). Reads that fail verification throw
 * TamperDetected and are never skipped; events of erased subjects come back `redacted`.
 */
export class EncryptedEventStore implements EventStore {
  private readonly maxEventBytes: number;
  private readonly categories: readonly string[];
  private readonly maxAttempts: number;

  constructor(private readonly options: EncryptedEventStoreOptions) {
    this.maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
    this.categories = options.subjectCategories ?? DEFAULT_SUBJECT_CATEGORIES;
    this.maxAttempts = options.maxAppendAttempts ?? 5;
  }

  async appendToStream(
    streamId: string,
    events: readonly EventToAppend[],
    options: { expectedRevision?: ExpectedRevision } = {},
  ): Promise<AppendResult> {
    const expected = options.expectedRevision ?? 'any';
    assertStreamName(streamId);
    assertExpectedRevision(expected);
    assertAppendable(events, this.maxEventBytes);
    const subjectId = subjectOf(streamId, events, this.categories);
    for (let attempt = 1; ; attempt++) {
      const target = await this.resolve(streamId, expected);
      const sealed = await this.seal(streamId, subjectId, events, target.first);
      try {
        return await this.options.inner.appendToStream(streamId, sealed, { expectedRevision: target.inner });
      } catch (error) {
        if (!(error instanceof WrongExpectedVersion) || target.inner === expected) throw error;
        // The revision we resolved was still current, so the refusal came from event ids that already
        // exist: the inner store's idempotency check decides, and it never writes such a batch.
        if (error.actual === target.inner) return this.options.inner.appendToStream(streamId, sealed, { expectedRevision: expected });
        if (attempt >= this.maxAttempts) throw new WrongExpectedVersion(streamId, expected, error.actual);
      }
    }
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.openAll(await this.options.inner.readStream(streamId, options));
  }

  async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.openAll(await this.options.inner.readAll(options));
  }

  async *subscribeToAll(options?: SubscribeOptions): AsyncIterable<RecordedEvent> {
    for await (const event of this.options.inner.subscribeToAll(options)) yield await this.open(event);
  }

  createStream(streamId: string): Promise<void> {
    return this.options.inner.createStream(streamId);
  }

  stats(): ReturnType<EventStore['stats']> {
    return this.options.inner.stats();
  }

  /** Closes the inner store; the DataKeys (and its cache) belong to whoever built them. */
  close(): Promise<void> {
    return this.options.inner.close();
  }

  /** Decrypts one recorded event (also for callers holding raw events of the inner store). */
  async open(event: RecordedEvent): Promise<RecordedEvent> {
    const header = parseHeader(event.data);
    if (!header) throw this.tamper(event, 'data is not an OrthoLedger ciphertext');
    // Hot path: a cached key decrypts synchronously, with no promise per event.
    const cached = this.options.keys.cachedKey(event.streamId, header.keyVersion);
    try {
      if (cached) return this.decrypt(event, header.keyVersion, cached);
      return await this.options.keys.openWith(event.streamId, header.keyVersion, (key) => this.decrypt(event, header.keyVersion, key));
    } catch (error) {
      if (error instanceof DataKeyDestroyed) {
        return { ...event, data: new Uint8Array(0), contentType: 'application/octet-stream', redacted: true };
      }
      if (error instanceof OpenFailure) throw this.tamper(event, error.message);
      if (error instanceof DataKeyMissing) throw this.tamper(event, 'names a data key version that does not exist');
      if (error instanceof KeyUnwrapFailed) throw this.tamper(event, 'its data key did not unwrap (moved or altered)');
      if (error instanceof KeyRefNotTrusted) {
        // Its own error (a missing AWS_KMS_PREVIOUS_KEY_IDS entry is a configuration fault), but alerted
        // as tampering too: a keyvault row pointed at another key makes the patient's records unreadable.
        this.tamper(event, 'its data key names a key ref this deployment does not trust (an altered row, or a key missing from AWS_KMS_PREVIOUS_KEY_IDS)');
        throw error;
      }
      throw error; // provider outages stay typed (KeyProviderUnavailable, ...): retryable, not tampering
    }
  }

  private decrypt(event: RecordedEvent, keyVersion: number, { key, subjectId }: CachedKey): RecordedEvent {
    const plain = openEvent(key, keyVersion, event, event.data);
    if (plain.subjectId !== subjectId) {
      plain.data.fill(0);
      throw new OpenFailure("subject id differs from the key's subject");
    }
    return { ...event, data: plain.data, contentType: plain.contentType };
  }

  private async openAll(events: RecordedEvent[]): Promise<RecordedEvent[]> {
    const out: RecordedEvent[] = [];
    for (const event of events) out.push(await this.open(event));
    return out;
  }

  private seal(streamId: string, subjectId: string | null, events: readonly EventToAppend[], first: bigint): Promise<EventToAppend[]> {
    return this.options.keys.sealWith(streamId, subjectId, events.length, (i, version, key) => {
      const e = events[i];
      const identity = { streamId, revision: first + BigInt(i), eventId: e.eventId, type: e.type, metadata: e.metadata };
      const plain = { data: e.data, contentType: e.contentType ?? 'application/octet-stream', subjectId } as const;
      return {
        eventId: e.eventId,
        type: e.type,
        metadata: e.metadata,
        data: sealEvent(key, version, identity, plain),
        contentType: 'application/octet-stream',
      };
    });
  }

  /** The AAD binds the revision, so `any`/`stream_exists` become the exact current revision. */
  private async resolve(streamId: string, expected: ExpectedRevision): Promise<Target> {
    if (typeof expected === 'bigint') return { first: expected + 1n, inner: expected };
    if (expected === 'no_stream') return { first: 0n, inner: 'no_stream' };
    try {
      const [last] = await this.options.inner.readStream(streamId, { direction: 'backwards', maxCount: 1 });
      if (last) return { first: last.revision + 1n, inner: last.revision };
    } catch (error) {
      if (!(error instanceof StreamNotFound)) throw error;
    }
    if (expected === 'stream_exists') throw new WrongExpectedVersion(streamId, expected, 'no_stream');
    return { first: 0n, inner: 'no_stream' };
  }

  private tamper(event: RecordedEvent, reason: string): TamperDetected {
    const error = TamperDetected.inEvent(event.streamId, event.revision, reason);
    this.options.onTamper?.(error);
    return error;
  }
}
