import type { Decider, Message, StreamAggregate } from '@ortholedger/domain';
import { type EventStore, WrongExpectedVersion } from '@ortholedger/event-store';
import { type CommandEnvelope, eventIdFor } from './command-envelope';
import { ConcurrentModification, RevisionMismatch } from './command-errors';
import { encodeEvent } from './event-codec';
import { type LoadedStream, loadStream } from './load-stream';

export interface CommandTarget<C extends Message, E extends Message, S> {
  readonly store: EventStore;
  readonly decider: Decider<C, E, S>;
  readonly aggregate: StreamAggregate;
  readonly streamId: string;
  /** The patient the stream belongs to: its keys are filed (and shredded) under this id. */
  readonly subjectId: string;
}

export interface CommandOutcome<E extends Message, S> {
  /** The events this command wrote (or, on a recognised retry, had written before). */
  readonly events: readonly E[];
  /** Stream revision after the command: the new ETag. */
  readonly revision: bigint;
  readonly state: S;
  /** The whole stream after the command, for callers that maintain side tables from it. */
  readonly history: readonly E[];
  /** True when an earlier attempt of the same Idempotency-Key had already appended the events. */
  readonly replayed: boolean;
}

const MAX_ATTEMPTS = 5;

/**
 * The one generic command handler: read the stream, fold `evolve`, `decide`, append with the exact
 * expected revision. Several commands decide in sequence into one atomic batch (registration with
 * its first care team). Without If-Match a lost race re-reads and decides again on the new state,
 * which re-checks every rule; with If-Match it is the client's precondition that failed (412),
 * unless the events that won are this request's own (same Idempotency-Key): then it is a replay.
 */
export async function handleCommand<C extends Message, E extends Message, S>(
  target: CommandTarget<C, E, S>,
  commands: C | readonly C[],
  envelope: CommandEnvelope,
): Promise<CommandOutcome<E, S>> {
  const { store, decider, aggregate, streamId, subjectId } = target;
  for (let attempt = 1; ; attempt++) {
    const stream = await loadStream<E, S>(store, decider, aggregate, streamId);
    const earlier = alreadyApplied(stream, envelope);
    if (earlier) return earlier;
    if (envelope.expectedRevision !== undefined && envelope.expectedRevision !== stream.revision) {
      throw new RevisionMismatch(envelope.expectedRevision, stream.revision);
    }
    let state = stream.state;
    const events: E[] = [];
    for (const command of Array.isArray(commands) ? commands : [commands as C]) {
      const decided = decider.decide(command, state, envelope.ctx);
      state = decided.reduce((s, e) => decider.evolve(s, e), state);
      events.push(...decided);
    }
    const toAppend = events.map((event, index) => encodeEvent(event, { streamId, index, subjectId, envelope }));
    try {
      const result = await store.appendToStream(streamId, toAppend, { expectedRevision: stream.revision });
      const history = [...stream.events, ...events];
      return { events, revision: result.nextExpectedRevision, state, history, replayed: result.appended === 0 };
    } catch (error) {
      if (!(error instanceof WrongExpectedVersion)) throw error;
      if (envelope.expectedRevision !== undefined) {
        if (!envelope.idempotencyKey) throw new RevisionMismatch(envelope.expectedRevision, error.actual);
        // The winner may be this same request (a concurrent retry of its Idempotency-Key): the next pass
        // re-reads and answers the replay, or finds the revision moved and refuses (412).
        continue;
      }
      if (attempt >= MAX_ATTEMPTS) throw new ConcurrentModification();
    }
  }
}

/** A retry of an Idempotency-Key finds its deterministic event ids in the stream: answer from them. */
function alreadyApplied<E extends Message, S>(stream: LoadedStream<E, S>, envelope: CommandEnvelope): CommandOutcome<E, S> | undefined {
  if (!envelope.idempotencyKey) return undefined;
  const first = stream.recorded.findIndex((r) => r.eventId === eventIdFor(envelope, stream.streamId, 0));
  if (first < 0) return undefined;
  let last = first;
  while (stream.recorded[last + 1]?.eventId === eventIdFor(envelope, stream.streamId, last + 1 - first)) last++;
  return {
    events: stream.events.slice(first, last + 1),
    revision: stream.recorded[last].revision,
    state: stream.state,
    history: stream.events,
    replayed: true,
  };
}
