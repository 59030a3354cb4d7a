import { comparePositions, type Position, type RecordedEvent } from '@ortholedger/event-store';
import { decodeEvent } from './decode-event';
import type { EventSource } from './event-source';
import type { ProjectedEvent, Projection } from './projection';

/** One event of a batch as projectors need it: decoded, or why it could not be. */
export type Prepared = { readonly event: ProjectedEvent } | { readonly error: unknown; readonly transient?: boolean };

/** A batch of `$all` read once, decrypted once and decoded once for every projection of the runner. */
export class PreparedBatch {
  private readonly decoded = new Map<number, Prepared>();

  constructor(
    readonly from: Position,
    readonly raw: readonly RecordedEvent[],
    private readonly opened: Map<number, { event: RecordedEvent } | { error: unknown }>,
  ) {}

  /** Undefined when the event was not decrypted (no projection needed it when it was read). */
  at(index: number): Prepared | undefined {
    let prepared = this.decoded.get(index);
    if (prepared) return prepared;
    const result = this.opened.get(index);
    if (!result) return undefined;
    if ('error' in result) prepared = { error: result.error };
    else {
      try {
        prepared = { event: decodeEvent(result.event) };
      } catch (error) {
        prepared = { error };
      }
    }
    this.decoded.set(index, prepared);
    return prepared;
  }

  /** Decrypts events some projection needs that were not decrypted yet (a prefetch guessed less). */
  async complete(source: EventSource, needed: readonly number[]): Promise<void> {
    const missing = needed.filter((i) => !this.opened.has(i));
    if (missing.length === 0) return;
    const results = await source.open(missing.map((i) => this.raw[i]));
    missing.forEach((index, k) => this.opened.set(index, results[k]));
  }
}

/** Which events some member needs: after its checkpoint and handled by it. */
export function neededIndexes(raw: readonly RecordedEvent[], members: readonly { projection: Projection; position: Position }[]): number[] {
  const needed: number[] = [];
  raw.forEach((event, i) => {
    if (members.some((m) => comparePositions(event.position, m.position) > 0 && m.projection.handles(event))) needed.push(i);
  });
  return needed;
}

/**
 * Reads and decrypts batches, and while the runner commits one batch, reads and decrypts the next
 * (rebuilds spend about as long reading and decrypting as projecting, so the two overlap).
 */
export class BatchReader {
  private ahead?: { from: Position; batch: Promise<PreparedBatch> };

  constructor(
    private readonly source: EventSource,
    private readonly batchSize: number,
  ) {}

  async next(from: Position, members: readonly { projection: Projection; position: Position }[]): Promise<PreparedBatch> {
    const ahead = this.ahead;
    this.ahead = undefined;
    const batch = ahead && comparePositions(ahead.from, from) === 0 ? await ahead.batch.catch(() => this.read(from, members)) : await this.read(from, members);
    await batch.complete(this.source, neededIndexes(batch.raw, members));
    return batch;
  }

  /** Starts reading the batch after `from`, for projections that will all be at `from` after the commit. */
  prefetch(from: Position, projections: readonly Projection[]): void {
    const members = projections.map((projection) => ({ projection, position: from }));
    const batch = this.read(from, members);
    batch.catch(() => undefined); // a failed prefetch is read again by next()
    this.ahead = { from, batch };
  }

  private async read(from: Position, members: readonly { projection: Projection; position: Position }[]): Promise<PreparedBatch> {
    const raw = await this.source.read(from, this.batchSize);
    const needed = neededIndexes(raw, members);
    const results = await this.source.open(needed.map((i) => raw[i]));
    return new PreparedBatch(from, raw, new Map(needed.map((index, k) => [index, results[k]])));
  }
}
