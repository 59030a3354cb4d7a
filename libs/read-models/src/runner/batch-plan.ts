import { comparePositions, type Position } from '@ortholedger/event-store';
import type { PreparedBatch } from './batch-reader';
import { PoisonEvent, type ProjectedEvent, type Projection } from './projection';
import { isTransient } from './transient';

/** What one projection takes from a batch of `$all`. */
export interface MemberPlan {
  readonly events: ProjectedEvent[];
  /** The checkpoint after the batch: the last event read, or the one before a poison event. */
  readonly advanceTo: Position | undefined;
  /** Events passed over (read, not for this projection or already applied) count towards `events_seen`. */
  readonly seen: number;
  readonly lastEventAt: Date | null;
  readonly poison?: Error & { code?: string };
  /**
   * The event the projection stopped before: the poison event, or for an error that names no event
   * (a projector's SQL or code error) the one event the projector failed on alone (see
   * ProjectionRunner.step, which narrows the batch down to it).
   */
  readonly stoppedBefore?: { readonly streamId: string; readonly revision: bigint; readonly position: Position };
}

/** Index of the first event after `position` (or at it, when `inclusive`). */
function firstAfter(raw: readonly { position: Position }[], position: Position, inclusive: boolean): number {
  let lo = 0;
  let hi = raw.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = comparePositions(raw[mid].position, position);
    if (c > 0 || (inclusive && c === 0)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export class TransientReadError extends Error {
  constructor(override readonly cause: unknown) {
    super('events could not be decrypted right now (key provider or database unavailable)');
    this.name = 'TransientReadError';
  }
}

/**
 * Where an earlier attempt of the batch found this projection must stop: before the event at
 * `position`, which `error` names (a PoisonEvent) or which the projector failed on alone.
 */
export interface StopAt {
  readonly position: Position;
  readonly error: Error;
}

/**
 * Splits a batch per projection. A decryption or decoding failure on an event a projection needs
 * stops that projection just before the event; a transient failure throws so the batch is retried.
 * `stopAt` (from an earlier attempt whose projector refused an event) cuts the plan the same way.
 * `limit` (narrowing after a projector error that named no event) cuts it before the projection's
 * event number `limit`, without a stop: the checkpoint moves to just before that event.
 */
export function planMember(
  batch: PreparedBatch,
  projection: Projection,
  position: Position,
  stopAt?: StopAt,
  limit?: number,
): MemberPlan {
  const events: ProjectedEvent[] = [];
  let advanceTo: Position | undefined;
  let seen = 0;
  let lastEventAt: Date | null = null;
  const raw = batch.raw;
  // Positions in a batch ascend: find where this projection starts (and must stop) by bisection,
  // then walk without comparing 64-bit positions per event.
  const start = firstAfter(raw, position, false);
  const stop = stopAt ? firstAfter(raw, stopAt.position, true) : raw.length;
  for (let i = start; i < raw.length; i++) {
    const event = raw[i];
    if (i >= stop) {
      return { events, advanceTo, seen, lastEventAt, poison: stopAt!.error, stoppedBefore: { streamId: event.streamId, revision: event.revision, position: event.position } };
    }
    if (projection.handles(event)) {
      if (limit !== undefined && events.length >= limit) return { events, advanceTo, seen, lastEventAt };
      const prepared = batch.at(i);
      let poison: Error | undefined;
      if (!prepared) poison = PoisonEvent.of(event, 'event was not decrypted');
      else if ('error' in prepared) {
        if (isTransient(prepared.error)) throw new TransientReadError(prepared.error);
        poison = prepared.error as Error;
      } else events.push(prepared.event);
      if (poison) return { events, advanceTo, seen, lastEventAt, poison, stoppedBefore: { streamId: event.streamId, revision: event.revision, position: event.position } };
    }
    advanceTo = event.position;
    lastEventAt = event.createdAt;
    seen++;
  }
  return { events, advanceTo, seen, lastEventAt };
}
