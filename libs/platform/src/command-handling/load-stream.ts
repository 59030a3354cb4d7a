import { foldEvents, type Decider, type Message, type StreamAggregate } from '@ortholedger/domain';
import { type EventStore, type RecordedEvent, StreamNotFound } from '@ortholedger/event-store';
import { decodeEvent } from './event-codec';

export interface LoadedStream<E extends Message, S> {
  readonly streamId: string;
  /** Revision of the last event, or 'no_stream'. */
  readonly revision: bigint | 'no_stream';
  readonly recorded: readonly RecordedEvent[];
  readonly events: readonly E[];
  readonly state: S;
}

/** Reads a whole stream (decrypted) and folds it. Streams here are short: a case is tens of events. */
export async function loadStream<E extends Message, S>(
  store: EventStore,
  decider: Pick<Decider<Message, E, S>, 'evolve' | 'initialState'>,
  aggregate: StreamAggregate,
  streamId: string,
): Promise<LoadedStream<E, S>> {
  let recorded: RecordedEvent[] = [];
  try {
    recorded = await store.readStream(streamId);
  } catch (error) {
    if (!(error instanceof StreamNotFound)) throw error;
  }
  const events = recorded.map((r) => decodeEvent<E>(r, aggregate));
  const last = recorded[recorded.length - 1];
  return { streamId, revision: last ? last.revision : 'no_stream', recorded, events, state: foldEvents(decider, events) };
}
