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
 * behind = age of the first event after the checkpoint.
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
    const behind = live ? Math.max(0, events - live.eventsSeen) : events;
    out.push({
      projection: projection.name,
      version: projection.version,
      state: stateOf(projection, live),
      position: live ? positionToString(live.position) : null,
      eventsBehind: behind,
      secondsBehind: behind > 0 && live ? await ageOfNext(source, live) : 0,
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

async function ageOfNext(source: EventSource, checkpoint: Checkpoint): Promise<number> {
  const [next] = await source.read(checkpoint.position, 1);
  return next ? Math.max(0, Math.round((Date.now() - next.createdAt.getTime()) / 100) / 10) : 0;
}
