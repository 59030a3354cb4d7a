import type { Kysely } from 'kysely';
import { positionToString } from '@ortholedger/event-store';
import type { ReadModelDatabase } from '../schema/read-model.db';
import { type Checkpoint, CheckpointStore } from './checkpoint-store';
import type { EventSource } from './event-source';
import type { Projection } from './projection';

export interface ProjectionStatus {
  readonly projection: string;
  readonly version: number;
  /** stopped: a poison event; stale: built by an older projector version (rebuild it); missing: never ran. */
  readonly state: 'running' | 'stopped' | 'stale' | 'missing';
  readonly position: string | null;
  /** From the store's count; at least 1 while an event follows the checkpoint (a bounded count may fall short). */
  readonly eventsBehind: number;
  /** Age of the oldest event not yet applied; 0 when caught up. */
  readonly secondsBehind: number;
  readonly lastCommitAt: string | null;
  readonly failure: { code: string; detail: string; at: string } | null;
  /** A rebuild in progress (or interrupted): how far its shadow tables are. */
  readonly rebuild: { eventsDone: number; position: string } | null;
}

/**
 * Lag of each projection from the database alone, so any process can report it (readiness,
 * `projections status`): events behind = log size - events the checkpoint has passed; seconds
 * behind = age of the first event after the checkpoint. The first event after the checkpoint is
 * read whatever the count says: a store whose count is a lower bound (EventStoreDB's stats scan
 * stops at its limit) must not report a stalled projection as caught up, so an event after the
 * checkpoint counts as at least one behind.
 */
export async function projectionStatuses(
  db: Kysely<ReadModelDatabase>,
  source: EventSource,
  projections: readonly Projection[],
): Promise<ProjectionStatus[]> {
  const checkpoints = await CheckpointStore.all(db);
  const find = (name: string, target: string) => checkpoints.find((c) => c.projection === name && c.target === target);
  const { events } = await source.stats();
  const out: ProjectionStatus[] = [];
  for (const projection of projections) {
    const live = find(projection.name, 'live');
    const shadow = find(projection.name, 'shadow');
    const next = live ? await nextAfter(source, live) : undefined;
    const counted = live ? Math.max(0, events - live.eventsSeen) : events;
    const behind = next && counted === 0 ? 1 : counted;
    out.push({
      projection: projection.name,
      version: projection.version,
      state: stateOf(projection, live),
      position: live ? positionToString(live.position) : null,
      eventsBehind: behind,
      secondsBehind: next ? Math.max(0, Math.round((Date.now() - next.createdAt.getTime()) / 100) / 10) : 0,
      lastCommitAt: live?.updatedAt.toISOString() ?? null,
      failure: live?.failure ? { ...live.failure, at: live.failure.at.toISOString() } : null,
      rebuild: shadow ? { eventsDone: shadow.eventsSeen, position: positionToString(shadow.position) } : null,
    });
  }
  return out;
}

function stateOf(projection: Projection, live: Checkpoint | undefined): ProjectionStatus['state'] {
  if (!live) return 'missing';
  if (live.failure) return 'stopped';
  if (live.version !== projection.version) return 'stale';
  return 'running';
}

async function nextAfter(source: EventSource, checkpoint: Checkpoint) {
  const [next] = await source.read(checkpoint.position, 1);
  return next;
}
