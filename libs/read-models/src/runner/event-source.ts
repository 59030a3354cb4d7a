import type { EventStore, Position, RecordedEvent } from '@ortholedger/event-store';

/** Where runners read `$all` from: raw (still encrypted) events in order, and a way to open them. */
export interface EventSource {
  read(from: Position, maxCount: number): Promise<RecordedEvent[]>;
  /** Decrypts events (order kept); redacted events come back flagged; a failure is returned in its slot. */
  open(events: readonly RecordedEvent[]): Promise<Opened[]>;
  /** Last event position and event count, for lag. */
  stats(): Promise<{ events: number; head: Position }>;
}

export type Opened = { readonly event: RecordedEvent } | { readonly error: unknown };

export interface Opener {
  open(event: RecordedEvent): Promise<RecordedEvent>;
}

/**
 * Reads through the raw adapter (either one) and decrypts with the EncryptedEventStore's `open`,
 * several events at a time: an uncached key costs a keyvault round trip, and a batch of a
 * thousand events touches hundreds of streams. Only the events some projection needs are opened.
 */
export class DecryptingEventSource implements EventSource {
  constructor(
    private readonly raw: EventStore,
    private readonly opener: Opener,
    private readonly concurrency = 16,
  ) {}

  read(from: Position, maxCount: number): Promise<RecordedEvent[]> {
    return this.raw.readAll({ fromPosition: from, maxCount });
  }

  async open(events: readonly RecordedEvent[]): Promise<Opened[]> {
    const out = new Array<Opened>(events.length);
    let next = 0;
    const worker = async () => {
      while (next < events.length) {
        const i = next++;
        try {
          out[i] = { event: await this.opener.open(events[i]) };
        } catch (error) {
          out[i] = { error };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, events.length) }, worker));
    return out;
  }

  stats(): Promise<{ events: number; head: Position }> {
    return this.raw.stats();
  }
}
