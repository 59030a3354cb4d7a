import { comparePositions, type Position, type RecordedEvent } from '@ortholedger/event-store';
import { decodeEvent } from './decode-event';
import type { Opened } from './event-source';
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
}

export class TransientReadError extends Error {
  constructor(override readonly cause: unknown) {
    super('events could not be decrypted right now (key provider or database unavailable)');
    this.name = 'TransientReadError';
  }
}

/** Which events each projection needs: after its checkpoint and handled by it. */
export function neededIndexes(raw: readonly RecordedEvent[], members: readonly { projection: Projection; position: Position }[]): number[] {
  const needed: number[] = [];
  raw.forEach((event, i) => {
    if (members.some((m) => comparePositions(event.position, m.position) > 0 && m.projection.handles(event))) needed.push(i);
  });
  return needed;
}

/**
 * Splits a batch per projection. A decryption or decoding failure on an event a projection needs
 * stops that projection just before the event; a transient failure throws so the batch is retried.
 * `stopAt` (from an earlier attempt whose projector refused an event) cuts the plan the same way.
 */
export function planMember(
  raw: readonly RecordedEvent[],
  opened: ReadonlyMap<number, Opened>,
  projection: Projection,
  position: Position,
  stopAt?: { position: Position; error: Error },
): MemberPlan {
  const events: ProjectedEvent[] = [];
  let advanceTo: Position | undefined;
  let seen = 0;
  let lastEventAt: Date | null = null;
  for (let i = 0; i < raw.length; i++) {
    const event = raw[i];
    if (comparePositions(event.position, position) <= 0) continue;
    if (stopAt && comparePositions(event.position, stopAt.position) >= 0) return { events, advanceTo, seen, lastEventAt, poison: stopAt.error };
    if (projection.handles(event)) {
      const result = opened.get(i);
      let poison: Error | undefined;
      if (!result) poison = PoisonEvent.of(event, 'event was not decrypted');
      else if ('error' in result) {
        if (isTransient(result.error)) throw new TransientReadError(result.error);
        poison = result.error as Error;
      } else {
        try {
          events.push(decodeEvent(result.event));
        } catch (error) {
          poison = error as Error;
        }
      }
      if (poison) return { events, advanceTo, seen, lastEventAt, poison };
    }
    advanceTo = event.position;
    lastEventAt = event.createdAt;
    seen++;
  }
  return { events, advanceTo, seen, lastEventAt };
}
